#pragma once

// What the data plane refused or lost, by reason: counted for the run report (a harness that
// drops frames must say so) and logged, rate-limited, on stderr. One per agent, used from its
// data-plane thread only.

#include <array>
#include <cstdint>
#include <string>

#include "agents/net/frame.h"
#include "common/log/rate_limited_log.h"

namespace archload::agent {

struct NetCounters {
  std::array<uint64_t, static_cast<size_t>(FrameError::kCount)> invalid_frames{};
  uint64_t refused_connections = 0;   // no or wrong run secret, or no preamble in time
  uint64_t overflow_disconnects = 0;  // a peer that did not read what we sent it
  uint64_t unroutable_frames = 0;     // a request for an instance not hosted here
  uint64_t unexpected_frames = 0;     // a response on a listener, a request on an outbound link
  uint64_t accept_errors = 0;         // descriptor exhaustion and the like
  uint64_t connect_errors = 0;
  uint64_t lost_connections = 0;  // established peer connections that broke
  uint64_t InvalidFrames() const {
    uint64_t n = 0;
    for (auto v : invalid_frames) n += v;
    return n;
  }
};

class NetHealth {
 public:
  explicit NetHealth(std::string log_prefix = "archload-agent: ") : log_(std::move(log_prefix)) {}

  NetCounters& counters() { return counters_; }
  const NetCounters& counters() const { return counters_; }
  logging::RateLimitedLog& log() { return log_; }

  // After the run's figures are collected, peers leaving is expected: count, don't log.
  void set_quiet() { quiet_ = true; }

  // Counts and logs one event of `kind`.
  void Note(uint64_t& counter, const std::string& kind, const std::string& message);
  void InvalidFrame(FrameError e, const std::string& peer);

 private:
  NetCounters counters_;
  logging::RateLimitedLog log_;
  bool quiet_ = false;
};

}  // namespace archload::agent

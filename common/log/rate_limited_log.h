#pragma once

// Logging that an attacker or a broken peer cannot turn into a flood: each kind of message is
// written at most once per interval; the lines held back are counted and the count is written
// with the next line of that kind. Time comes from the caller, so the limiting is testable
// without sleeping. Not thread-safe: one per thread (the data plane has one thread).

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

namespace archload::logging {

class RateLimitedLog {
 public:
  using Sink = std::function<void(const std::string& line)>;

  // `prefix` starts every line (e.g. "archload-agent agent-1: ").
  explicit RateLimitedLog(std::string prefix, int64_t interval_ns = 1000000000, Sink sink = {})
      : prefix_(std::move(prefix)), interval_ns_(interval_ns), sink_(std::move(sink)) {}

  // Writes "<prefix><message>" unless a line of this `kind` was written less than an interval
  // before `now_ns`. Returns whether it wrote.
  bool Log(const std::string& kind, const std::string& message, int64_t now_ns) {
    auto& s = kinds_[kind];
    if (s.written && now_ns - s.last_ns < interval_ns_) {
      ++s.suppressed;
      return false;
    }
    std::string line = prefix_ + message;
    if (s.suppressed > 0) {
      line += " (" + std::to_string(s.suppressed) + " more like this since the last report)";
    }
    s.written = true;
    s.last_ns = now_ns;
    s.suppressed = 0;
    Write(line);
    return true;
  }

  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

 private:
  struct KindState {
    bool written = false;
    int64_t last_ns = 0;
    uint64_t suppressed = 0;
  };
  void Write(const std::string& line) {
    if (sink_) {
      sink_(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }

  std::string prefix_;
  int64_t interval_ns_;
  Sink sink_;
  std::map<std::string, KindState> kinds_;
};

}  // namespace archload::logging

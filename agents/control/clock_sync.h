#pragma once

// Estimates controller clock - agent clock from probe round trips, NTP-style: a probe leaves the
// agent at t0 (agent clock), the controller stamps it tc (its clock), the echo arrives at t3.
// Assuming the two legs take equally long, offset = tc - (t0 + t3) / 2, right within ±rtt/2.
// The sample with the shortest round trip bounds the error best, so that one is kept.

#include <cstdint>
#include <limits>

namespace archload::agent {

class ClockSync {
 public:
  void Add(int64_t t0_ns, int64_t controller_ns, int64_t t3_ns) {
    const int64_t rtt = t3_ns - t0_ns;
    ++samples_;
    if (rtt < 0 || rtt >= best_rtt_) return;
    best_rtt_ = rtt;
    offset_ = controller_ns - (t0_ns + rtt / 2);
  }
  bool valid() const { return best_rtt_ != std::numeric_limits<int64_t>::max(); }
  int64_t offset_ns() const { return offset_; }
  int64_t rtt_ns() const { return valid() ? best_rtt_ : 0; }
  int samples() const { return samples_; }
  // The agent-clock time of a controller-clock time.
  int64_t ToLocal(int64_t controller_ns) const { return controller_ns - offset_; }

 private:
  int64_t offset_ = 0;
  int64_t best_rtt_ = std::numeric_limits<int64_t>::max();
  int samples_ = 0;
};

}  // namespace archload::agent

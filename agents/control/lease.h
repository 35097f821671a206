#pragma once

// The agent's side of the lease: the controller speaks at least every second (heartbeats, or
// the run's own messages); silence past the timeout means it is gone (crashed, host down without
// a FIN, partitioned), and a load tester must not keep firing for a controller that is gone.
// Time is passed in, so the rule is testable without sleeping; thread-safe.

#include <atomic>
#include <cstdint>

namespace archload::agent {

class Lease {
 public:
  explicit Lease(int64_t timeout_ns = 3'000'000'000) : timeout_ns_(timeout_ns) {}

  void set_timeout_ns(int64_t ns) { timeout_ns_.store(ns); }
  int64_t timeout_ns() const { return timeout_ns_.load(); }

  // The controller was heard from at `now_ns`.
  void Heard(int64_t now_ns) { last_ns_.store(now_ns); }
  int64_t last_heard_ns() const { return last_ns_.load(); }
  // Silent for longer than the timeout at `now_ns`.
  bool Expired(int64_t now_ns) const { return now_ns - last_ns_.load() > timeout_ns_.load(); }

 private:
  std::atomic<int64_t> timeout_ns_;
  std::atomic<int64_t> last_ns_{0};
};

}  // namespace archload::agent

#pragma once

#include <cstdint>
#include <ctime>

namespace archload::agent {

// Injected time source: timing logic takes a Clock so tests can drive it without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowNs() const = 0;  // monotonic nanoseconds
};

class MonotonicClock final : public Clock {
 public:
  int64_t NowNs() const override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }
};

// A clock a test moves by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ns = 0) : now_(start_ns) {}
  int64_t NowNs() const override { return now_; }
  void Advance(int64_t ns) { now_ += ns; }
  void Set(int64_t ns) { now_ = ns; }

 private:
  int64_t now_;
};

}  // namespace archload::agent

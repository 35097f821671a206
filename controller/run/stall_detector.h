#pragma once

// Notices agents that go quiet. An agent reports every second; one that is silent for longer
// than the threshold was stopped (SIGSTOP, a debugger), starved of CPU or swapped out, and for
// that time its instances answered nobody. What the run measured then is the harness, not the
// design, and the report must say so instead of naming a design group as the bottleneck.
// Time is passed in, so the logic is testable without sleeping.

#include <string>
#include <vector>

namespace archload::run {

struct Stall {
  size_t agent = 0;
  double from_s = 0;  // last heard before the silence
  double to_s = 0;    // heard again (or the end of the run, if ongoing)
  bool ongoing = true;
  double duration_s() const { return to_s - from_s; }
};

class StallDetector {
 public:
  // Stats come every `interval_s`; silence past `threshold_s` is a stall.
  explicit StallDetector(double threshold_s = 2.5) : threshold_s_(threshold_s) {}

  // `last_heard_s[i]`: when agent i was last heard from; all times on one clock.
  void Observe(double now_s, const std::vector<double>& last_heard_s);
  // Closes stalls still open at `end_s`.
  void Finish(double end_s);

  const std::vector<Stall>& stalls() const { return stalls_; }
  double threshold_s() const { return threshold_s_; }

 private:
  double threshold_s_;
  std::vector<int> open_;  // per agent: index into stalls_, or -1
  std::vector<Stall> stalls_;
};

}  // namespace archload::run

#pragma once

// Ctrl-C and SIGTERM during a run. The first asks the run to stop its load, collect what the
// agents measured and report it marked incomplete; a second quits at once (the agents die with
// the controller, by PR_SET_PDEATHSIG). Handlers are installed for the guard's lifetime.

#include <atomic>

namespace archload::run {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // 0, or the first signal received while a guard was installed.
  static int Signal();
  // The flag the runner polls.
  static const std::atomic<int>* Flag();
};

}  // namespace archload::run

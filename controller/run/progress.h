#pragma once

// The live line a run prints every second: offered and achieved rate over the last second, P99
// so far, errors. On a terminal it rewrites itself; elsewhere it is one line per second.

#include <cstdint>
#include <ostream>
#include <vector>

#include "controller/run/control_server.h"

namespace archload::run {

class Progress {
 public:
  Progress(std::ostream& out, double total_s, bool tty) : out_(out), total_s_(total_s), tty_(tty) {}
  void Line(double elapsed_s, const std::vector<AgentState>& agents);
  void Finish();

 private:
  std::ostream& out_;
  double total_s_;
  bool tty_;
  bool wrote_ = false;
  uint64_t last_offered_ = 0, last_ok_ = 0;
  double last_t_ = 0;  // when the figures of the last rates were cut (the agents' clock)
  double offered_rps_ = 0, ok_rps_ = 0;
};

}  // namespace archload::run

#pragma once

// An open-loop client instance: sends at the intended times of its arrival schedule whatever
// the responses do, and measures each latency from the intended send time, so a stalled system
// shows up as latency rather than as a quietly lower request rate (no coordinated omission).

#include <memory>

#include "agents/runtime/arrival_schedule.h"
#include "agents/runtime/fleet.h"

namespace archload::agent {

class LoadGenerator {
 public:
  LoadGenerator(Fleet& fleet, int group, int index, RateProfile profile, double read_ratio,
                uint64_t seed);

  void Start(int64_t start_ns);
  void Stop() { stopped_ = true; }

 private:
  void ScheduleNext();
  void Fire();
  void SendOne(int64_t intended_ns);

  Fleet& fleet_;
  int group_;
  int index_;
  ArrivalSchedule schedule_;
  double read_ratio_;
  std::mt19937_64 rng_;
  int64_t start_ns_ = 0;
  int64_t next_ns_ = 0;
  bool stopped_ = false;
};

}  // namespace archload::agent

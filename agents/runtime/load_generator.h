#pragma once

// An open-loop client instance: sends at the intended times of its arrival schedule whatever
// the responses do, and measures each latency from the intended send time, so a stalled system
// shows up as latency rather than as a quietly lower request rate (no coordinated omission).

#include <memory>
#include <optional>

#include "agents/runtime/arrival_schedule.h"
#include "agents/runtime/fleet.h"
#include "common/model/zipf.h"

namespace archload::agent {

class LoadGenerator {
 public:
  // key_space > 0: requests carry Zipf(key_zipf) keys over that many keys.
  LoadGenerator(Fleet& fleet, int group, int index, RateProfile profile, double read_ratio,
                uint64_t seed, uint64_t key_space = 0, double key_zipf = 0.99);

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
  std::optional<model::ZipfSampler> keys_;
  int64_t start_ns_ = 0;
  int64_t next_ns_ = 0;
  bool stopped_ = false;
};

}  // namespace archload::agent

#pragma once

// Availability over time and what each fault cost (docs/faults.md), from the clients' timeline:
// requests by intended send time in bins, as they ended. Pure: tests feed it timelines.
//
// Per fault, from its start S:
//   dip      the bins from the first one with a failure (or a request never answered) after S
//            until availability is back: at least the baseline less a tolerance, for a second;
//   detection  until the failures stop for a second (callers stopped choosing what failed: the
//            end of the first burst); none when they go on until the fault ends;
//   recovery   until the dip ends;
//   lost       requests offered in the dip and not answered ok.
// The error budget: what the availability NFR allows over the counted requests, beside what the
// run failed.

#include <cstdint>
#include <optional>
#include <vector>

namespace archload::run {

struct Timeline {
  double bin_s = 0.1;
  std::vector<uint64_t> offered, ok, failed;  // by bin from the load's start
};

struct FaultWindow {
  double start_s = 0;
  double end_s = 0;  // the run's end when it lasts to the end
};

struct FaultImpact {
  double start_s = 0, end_s = 0;
  std::optional<double> detection_s;  // after start_s
  std::optional<double> recovery_s;   // after start_s; none: not back before the run ended
  uint64_t lost = 0;
  double lowest = 1;  // the lowest availability of a second in the dip
};

struct AvailabilityAnalysis {
  std::vector<double> per_second;  // ok / offered per whole second (1 where nothing offered)
  double baseline = 1;             // before the first fault (the whole run without faults)
  std::vector<FaultImpact> faults;
  double budget = 0;    // requests the availability NFR may fail over the run
  uint64_t failed = 0;  // requests offered and not answered ok
};

AvailabilityAnalysis AnalyzeAvailability(const Timeline& t, const std::vector<FaultWindow>& faults,
                                         double availability_target, double tolerance = 0.002);

}  // namespace archload::run

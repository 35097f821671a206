#pragma once

// What `archload knee` found, beside what the BoE predicted: the two knees and their ratio to
// the model, the bottleneck both ways, and the curve (measured P50/P99 and utilisation at
// fractions of the knee beside the model at the same rates). Printed and written as JSON
// (docs/run-report.md, "knee").

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "controller/capacity/boe_model.h"
#include "controller/capacity/knee_search.h"
#include "controller/capacity/trial_runner.h"

namespace archload::capacity {

struct CurvePoint {
  double fraction = 0;  // of the saturation knee
  const TrialRunner::Record* trial = nullptr;
  planner::Plan boe;
};

struct KneeReport {
  std::string problem;
  double divisor = 1;
  double warmup_s = 0, measure_s = 0, precision = 0.01;
  SearchResult search;
  std::vector<std::string> phases;  // per trial
  std::vector<const TrialRunner::Record*> trials;
  std::vector<std::string> groups;  // names, in order
  double boe_max_rps = 0;
  std::optional<double> boe_nfr_knee_rps;
  std::vector<BoeModel::NfrKnee> boe_nfr_knees;
  std::string boe_bottleneck;
  std::string measured_bottleneck, measured_bottleneck_reason;
  std::vector<CurvePoint> curve;
  bool interrupted = false;
  // When the knee disagrees with the BoE by more than 10%: the group whose measured utilisation
  // at the knee most exceeds what the BoE predicted there (its capacity is misjudged).
  std::string misjudged_group;
  double misjudged_measured = 0, misjudged_predicted = 0;
};

// Fills misjudged_* from the curve's 100% point.
void FindMisjudged(KneeReport& r);

// The group that gave out first: most rejections in the lowest failing trial above the knee,
// else the busiest group at the knee.
void FindBottleneck(KneeReport& r);

void PrintKnee(const KneeReport& r, std::ostream& out);
nlohmann::json KneeToJson(const KneeReport& r);

}  // namespace archload::capacity

#pragma once

// One knee trial: a real run of the sized fleet at one offered rate, with a warm-up that is not
// counted, judged against the BoE prediction for that rate and boiled down to what the search
// needs. The full run result of every trial is kept for the report.

#include <stdexcept>
#include <string>
#include <vector>

#include "common/spec/problem.h"
#include "controller/capacity/boe_model.h"
#include "controller/capacity/knee_search.h"
#include "controller/planner/planner.h"
#include "controller/run/runner.h"

namespace archload::capacity {

// A trial's harness is healthy when its generators kept their schedule and its emulated service
// times ended on time (P99 below this), and nothing else made the run a harness fault.
inline constexpr double kHarnessHealthyNs = 1e6;

struct TrialConfig {
  run::RunnerOptions
      runner;  // agents, drain, seed...; offered rate and durations are set per trial
  double warmup_s = 2;
  double measure_s = 6;
  double harness_bound_ns = kHarnessHealthyNs;  // --harness-bound: looser on a busy machine
};

class TrialRunner {
 public:
  TrialRunner(const spec::Problem& problem, const planner::Plan& plan, const BoeModel& boe,
              TrialConfig config);

  // Runs a trial at `scaled_rps`. Throws std::runtime_error when the fleet cannot come up.
  TrialResult operator()(double scaled_rps);

  struct Record {
    TrialResult summary;
    run::RunResult result;
  };
  const std::vector<Record>& records() const { return records_; }
  const Record* Find(double scaled_rps) const;  // the last trial at that rate
  bool interrupted() const { return interrupted_; }

 private:
  const spec::Problem& problem_;
  const planner::Plan& plan_;
  const BoeModel& boe_;
  TrialConfig config_;
  std::vector<Record> records_;
  bool interrupted_ = false;
};

// Thrown by a trial when the user interrupted it (Ctrl-C): the search stops, what was measured
// is reported.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// Boils a judged run down to the search's view of it. `keeping_up_ms` (> 0) caps the latency
// the window's edge noise is computed from (TrialResult::edge_sigma): the allowance is for the
// requests a design that keeps up has in flight, and must not grow with the queue an overload
// builds (that backlog is what the trial is there to see).
TrialResult Summarize(const run::RunResult& r, double harness_bound_ns = kHarnessHealthyNs,
                      double keeping_up_ms = 0);

}  // namespace archload::capacity

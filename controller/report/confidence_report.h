#pragma once

// How sure a run is, in its reports: the intervals of the headline figures, the verdicts it
// could not decide and how long a run would, --until-confident's outcome (docs/confidence.md).

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "controller/run/run_result.h"

namespace archload::report {

nlohmann::json IntervalJson(const std::optional<run::Interval>& i);  // [low, high] or null
// "pass" | "fail" | "inconclusive"
std::string VerdictWord(const run::Verdict& v);
// "54.0 ms ± 4.6 ms": the figure and its interval's half-width, in the NFR's unit.
std::string WithInterval(const run::Verdict& v);

// The report's "confidence" object.
nlohmann::json ConfidenceToJson(const run::RunResult& r);
// The line of headline intervals, and --until-confident's outcome, under the latency line.
void PrintIntervals(const run::RunResult& r, std::ostream& out);
// Under the verdict table: each undecided verdict and the run length that would decide it.
void PrintUndecided(const run::RunResult& r, std::ostream& out);

}  // namespace archload::report

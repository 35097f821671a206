#pragma once

// `archload compare`: run reports side by side (verdicts, percentiles, rates, per group
// utilisation) with each later run's difference from the first, and the regressions: NFRs that
// held in the first run and fail in a later one (the exit code says whether there are any, so
// a CI job can gate on it).

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "controller/report/report_reader.h"

namespace archload::report {

// Which way a figure improves, for colouring differences (offered rates and durations are
// choices, utilisation depends on the rate: neither).
enum class Better { kLower, kHigher, kNeither };

// One figure across the runs: its value in each (none where a run lacks it).
struct ComparedFigure {
  std::string name;
  std::string unit;  // ms | req/s | percent (a fraction shown in %) | s
  std::vector<std::optional<double>> values;
  Better better = Better::kLower;
};

struct ComparedNfr {
  std::string name;
  std::string unit;
  std::vector<std::optional<double>> target, measured;
  std::vector<std::optional<bool>> pass;  // none: the run did not judge it
  std::vector<bool> undecided;            // inconclusive: the target inside its interval
};

struct Regression {
  std::string nfr;
  size_t run = 0;  // the later run where it fails
  std::string text;
};

struct Comparison {
  std::vector<std::string> labels;    // each report's file name
  std::vector<std::string> problems;  // each report's problem
  std::vector<std::string> verdicts;  // PASS | FAIL | NOT JUDGED | INCOMPLETE
  std::vector<ComparedNfr> nfrs;
  std::vector<ComparedFigure> latency;      // P50 ... P99.99
  std::vector<ComparedFigure> rates;        // offered, achieved, error rate, duration
  std::vector<ComparedFigure> utilization;  // per group, by name
  std::vector<Regression> regressions;
  std::vector<std::string> notes;  // e.g. different problems compared
};

Comparison Compare(const std::vector<LoadedReport>& reports);

// 1 when any NFR that held in the first run fails in a later one; else 0.
int ComparisonExitCode(const Comparison& c);

void PrintComparison(const Comparison& c, std::ostream& out);
nlohmann::json ComparisonToJson(const Comparison& c);

// A figure in its unit: "54.0 ms", "998 req/s", "0.04%", "3 s", "0.9996" (fraction); "-" none.
std::string FormatFigure(const std::string& unit, std::optional<double> v);

// "+12.5%", "-3.0%", "±0%"; none when the base is zero or either is missing.
std::optional<std::string> RelativeChange(std::optional<double> base, std::optional<double> v);

}  // namespace archload::report

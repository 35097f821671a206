#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "common/spec/problem.h"

namespace archload::report {

// One row of `archload problems list`.
struct ProblemRow {
  std::string id;
  std::string category;
  std::string difficulty;
  int components = 0;
  bool synthesized = false;
  double rate_rps = 0;
  std::string rate_source;
  std::string latency;  // "P99 < 200 ms", empty when none parsed
};

ProblemRow RowFor(const spec::Problem& p);
nlohmann::json RowsToJson(const std::vector<ProblemRow>& rows);
void PrintRows(const std::vector<ProblemRow>& rows, std::ostream& out);

nlohmann::json ProblemStats(const std::vector<spec::Problem>& problems);
void PrintStats(const nlohmann::json& stats, std::ostream& out);

void PrintProblem(const spec::Problem& p, std::ostream& out);

}  // namespace archload::report

#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "controller/report/report_schema.h"
#include "controller/run/run_result.h"

namespace archload::report {

// The documented --report JSON (docs/run-report.md).
nlohmann::json RunToJson(const run::RunResult& r, const planner::Plan& prediction);
void PrintRun(const run::RunResult& r, const planner::Plan& prediction, std::ostream& out);

}  // namespace archload::report

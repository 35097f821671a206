#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "controller/report/report_schema.h"
#include "controller/run/run_result.h"

namespace archload::report {

// The documented --report JSON (docs/run-report.md). `prediction`: the BoE of the design alone;
// `calibrated`: the same with the harness's measured costs (what the verdict's BoE column shows),
// when the run measured them.
nlohmann::json RunToJson(const run::RunResult& r, const planner::Plan& prediction,
                         const planner::Plan* calibrated = nullptr);
void PrintRun(const run::RunResult& r, const planner::Plan& prediction, std::ostream& out,
              const planner::Plan* calibrated = nullptr);

}  // namespace archload::report

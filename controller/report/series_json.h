#pragma once

#include <nlohmann/json.hpp>

#include "controller/run/run_result.h"

namespace archload::report {

// The run report's "series" (docs/run-report.md): columns by window, per group by name.
nlohmann::json SeriesToJson(const run::Series& s, const std::vector<run::GroupResult>& groups);

// The run report's "calls": the design graph's edges with the rates they carried.
nlohmann::json CallsToJson(const run::RunResult& r);

}  // namespace archload::report

#pragma once

// The run report's faults: each injected fault with its prediction beside its measurement,
// availability second by second and the error budget, and what the callers' resilience did
// (docs/faults.md). Nothing when no fault was injected.

#include <nlohmann/json.hpp>
#include <ostream>

#include "controller/run/run_result.h"

namespace archload::report {

void PrintFaults(const run::RunResult& r, std::ostream& out);
// {"faults": [...], "availability": {...}, "resilience": [...]}, or {} without faults.
nlohmann::json FaultsToJson(const run::RunResult& r);

}  // namespace archload::report

#pragma once

#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::catalog {

// Builds a runnable design from a problem's available component types, layered by role:
// client -> edge caches -> proxies (chained) -> services -> caches, stores, brokers -> workers.
// The result is marked synthesized. Unknown types become services; each adds a warning.
spec::Design SynthesizeDesign(const std::vector<std::string>& available_types,
                              std::vector<std::string>* warnings);

}  // namespace archload::catalog

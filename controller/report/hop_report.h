#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "controller/run/hop_figures.h"

namespace archload::report {

// The per-hop table of `archload run`: wait and service split, P(wait) beside Erlang C.
void PrintHops(const std::vector<run::HopFigures>& hops, std::ostream& out);
nlohmann::json HopsToJson(const std::vector<run::HopFigures>& hops);

}  // namespace archload::report

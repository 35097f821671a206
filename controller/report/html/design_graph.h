#pragma once

// The design drawn as a graph (section 2 of the report): groups as boxes with their count, type
// and rate, coloured by measured utilisation; calls as arrows labelled with the rate they
// carried (counted by the agents); the bottleneck outlined and marked.

#include <string>

#include "controller/report/html/markup.h"

namespace archload::report::html {

struct DesignGraph {
  std::string svg;
  size_t nodes = 0, edges = 0;
};

// From a run report's "components", "calls" and "bottleneck". `id` prefixes internal ids.
DesignGraph RenderDesignGraph(const Json& report, const std::string& id);

// The box colour for a utilisation: green when idle through yellow to red at 100% and over.
std::string UtilizationColor(double utilization);

}  // namespace archload::report::html

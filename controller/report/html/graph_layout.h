#pragma once

// A layered layout for the design graph, top to bottom: cycles broken by reversing the edges a
// depth-first search finds going back, layers by longest path from the entry points (so a
// request flows downwards), order within layers by repeated barycentre sweeps (fewer
// crossings), then coordinates on a grid. Small and deterministic: a design has tens of groups.

#include <cstddef>
#include <vector>

namespace archload::report::html {

struct LayoutEdge {
  int from = 0, to = 0;
};

struct GraphLayout {
  std::vector<int> layer;        // [node]
  std::vector<int> order;        // [node]: position within its layer
  std::vector<double> x, y;      // [node]: box centre
  std::vector<bool> back;        // [edge]: drawn against the flow (it closes a cycle)
  double width = 0, height = 0;  // of the whole drawing
};

struct LayoutSizes {
  double box_w = 170, box_h = 62;  // a node's box
  double h_gap = 34, v_gap = 70;   // between boxes, between layers (room for edge labels)
  double margin = 24;
};

// `first`: nodes to start the search from when breaking cycles (clients), before the others.
GraphLayout LayOut(size_t nodes, const std::vector<LayoutEdge>& edges,
                   const std::vector<int>& first = {}, const LayoutSizes& sizes = {});

}  // namespace archload::report::html

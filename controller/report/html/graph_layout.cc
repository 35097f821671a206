#include "controller/report/html/graph_layout.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace archload::report::html {

namespace {

// Marks the edges a depth-first search meets going back to a node on its stack.
std::vector<bool> BackEdges(size_t n, const std::vector<LayoutEdge>& edges,
                            const std::vector<int>& first) {
  std::vector<std::vector<size_t>> out(n);
  std::vector<int> indegree(n, 0);
  for (size_t e = 0; e < edges.size(); ++e) {
    out[edges[e].from].push_back(e);
    if (edges[e].from != edges[e].to) ++indegree[edges[e].to];
  }
  std::vector<bool> back(edges.size(), false);
  std::vector<int> state(n, 0);  // 0 unseen, 1 on the stack, 2 done
  std::function<void(int)> visit = [&](int v) {
    state[v] = 1;
    for (size_t e : out[v]) {
      const int w = edges[e].to;
      if (state[w] == 1) {
        back[e] = true;
      } else if (state[w] == 0) {
        visit(w);
      }
    }
    state[v] = 2;
  };
  for (int v : first) {
    if (v >= 0 && static_cast<size_t>(v) < n && state[v] == 0) visit(v);
  }
  for (size_t v = 0; v < n; ++v) {
    if (state[v] == 0 && indegree[v] == 0) visit(static_cast<int>(v));
  }
  for (size_t v = 0; v < n; ++v) {
    if (state[v] == 0) visit(static_cast<int>(v));
  }
  return back;
}

}  // namespace

GraphLayout LayOut(size_t n, const std::vector<LayoutEdge>& edges, const std::vector<int>& first,
                   const LayoutSizes& sz) {
  GraphLayout g;
  g.back = BackEdges(n, edges, first);
  // Longest path from the sources over the forward edges (a DAG now), in topological order.
  std::vector<std::vector<int>> succ(n), pred(n);
  std::vector<int> indegree(n, 0);
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto [a, b] = edges[e];
    if (g.back[e] || a == b) continue;
    succ[a].push_back(b);
    pred[b].push_back(a);
    ++indegree[b];
  }
  g.layer.assign(n, 0);
  std::vector<int> ready;
  for (size_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push_back(static_cast<int>(v));
  }
  for (size_t i = 0; i < ready.size(); ++i) {
    const int v = ready[i];
    for (int w : succ[v]) {
      g.layer[w] = std::max(g.layer[w], g.layer[v] + 1);
      if (--indegree[w] == 0) ready.push_back(w);
    }
  }
  const int layers = n == 0 ? 0 : *std::max_element(g.layer.begin(), g.layer.end()) + 1;
  std::vector<std::vector<int>> rows(layers);
  for (size_t v = 0; v < n; ++v) rows[g.layer[v]].push_back(static_cast<int>(v));
  g.order.assign(n, 0);
  auto renumber = [&](std::vector<int>& row) {
    for (size_t i = 0; i < row.size(); ++i) g.order[row[i]] = static_cast<int>(i);
  };
  for (auto& row : rows) renumber(row);
  // Barycentre sweeps: each node moves to the mean position of its neighbours in the layers
  // already placed (relative positions, so rows of different widths compare), ties kept stable.
  auto rel = [&](int v) {
    const double size = static_cast<double>(rows[g.layer[v]].size());
    return (g.order[v] + 0.5) / size;
  };
  auto sweep = [&](bool down) {
    for (int l = down ? 1 : layers - 2; down ? l < layers : l >= 0; l += down ? 1 : -1) {
      auto& row = rows[l];
      std::vector<double> key(n, 0);
      for (int v : row) {
        const auto& nb = down ? pred[v] : succ[v];
        if (nb.empty()) {
          key[v] = rel(v);
          continue;
        }
        double sum = 0;
        for (int w : nb) sum += rel(w);
        key[v] = sum / static_cast<double>(nb.size());
      }
      std::stable_sort(row.begin(), row.end(), [&](int a, int b) { return key[a] < key[b]; });
      renumber(row);
    }
  };
  for (int i = 0; i < 6; ++i) sweep(i % 2 == 0);
  // Coordinates: each row centred on the widest.
  size_t widest = 1;
  for (const auto& row : rows) widest = std::max(widest, row.size());
  const double pitch = sz.box_w + sz.h_gap;
  g.width = 2 * sz.margin + static_cast<double>(widest) * pitch - sz.h_gap;
  g.height = 2 * sz.margin + layers * (sz.box_h + sz.v_gap) - (layers > 0 ? sz.v_gap : 0);
  g.x.assign(n, 0);
  g.y.assign(n, 0);
  for (int l = 0; l < layers; ++l) {
    const auto& row = rows[l];
    const double row_w = static_cast<double>(row.size()) * pitch - sz.h_gap;
    const double left = (g.width - row_w) / 2;
    for (size_t i = 0; i < row.size(); ++i) {
      g.x[row[i]] = left + static_cast<double>(i) * pitch + sz.box_w / 2;
      g.y[row[i]] = sz.margin + l * (sz.box_h + sz.v_gap) + sz.box_h / 2;
    }
  }
  return g;
}

}  // namespace archload::report::html

// The design graph's layout: requests flow downwards (every forward call goes to a lower layer),
// cycles are broken by drawing a few edges upwards, nothing overlaps, and the same design always
// lays out the same way.
#include "controller/report/html/graph_layout.h"

#include <gtest/gtest.h>

namespace archload::report::html {
namespace {

TEST(GraphLayout, ForwardCallsGoDownALayerAtLeast) {
  // client -> lb -> app -> {cache, db}; app -> queue -> worker -> db
  const std::vector<LayoutEdge> edges = {{0, 1}, {1, 2}, {2, 3}, {2, 4}, {2, 5}, {5, 6}, {6, 4}};
  const auto g = LayOut(7, edges, {0});
  for (size_t e = 0; e < edges.size(); ++e) {
    EXPECT_FALSE(g.back[e]);
    EXPECT_LT(g.layer[edges[e].from], g.layer[edges[e].to]);
  }
  EXPECT_EQ(g.layer[0], 0);
  EXPECT_EQ(g.layer[4], 5);  // longest path: client lb app queue worker db
  EXPECT_GT(g.height, 0);
}

TEST(GraphLayout, CyclesAreBrokenAndBoxesNeverOverlap) {
  // 0 -> 1 -> 2 -> 3 -> 1 (a cycle), plus 0 -> 2.
  const std::vector<LayoutEdge> edges = {{0, 1}, {1, 2}, {2, 3}, {3, 1}, {0, 2}};
  const LayoutSizes sz;
  const auto g = LayOut(4, edges, {0}, sz);
  int back = 0;
  for (size_t e = 0; e < edges.size(); ++e) {
    if (g.back[e]) {
      ++back;
      EXPECT_EQ(edges[e].from, 3);
    } else {
      EXPECT_LT(g.layer[edges[e].from], g.layer[edges[e].to]);
    }
  }
  EXPECT_EQ(back, 1);
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) {
      const bool apart =
          std::abs(g.x[a] - g.x[b]) >= sz.box_w || std::abs(g.y[a] - g.y[b]) >= sz.box_h;
      EXPECT_TRUE(apart) << a << " and " << b << " overlap";
    }
    EXPECT_GE(g.x[a] - sz.box_w / 2, 0);
    EXPECT_LE(g.x[a] + sz.box_w / 2, g.width);
  }
}

TEST(GraphLayout, BarycentresUncrossAFanOut) {
  // Two sources each with two private children, children listed crosswise: 0 -> {3, 5},
  // 1 -> {2, 4}. After the sweeps each source sits above its own children.
  const std::vector<LayoutEdge> edges = {{0, 3}, {0, 5}, {1, 2}, {1, 4}};
  const auto g = LayOut(6, edges);
  const double left0 = std::max(g.x[3], g.x[5]), right1 = std::min(g.x[2], g.x[4]);
  const double left1 = std::max(g.x[2], g.x[4]), right0 = std::min(g.x[3], g.x[5]);
  EXPECT_TRUE(left0 < right1 || left1 < right0) << "children interleave: edges cross";
}

TEST(GraphLayout, DeterministicAndEmptySafe) {
  const std::vector<LayoutEdge> edges = {{0, 1}, {0, 2}, {2, 3}, {1, 3}};
  const auto a = LayOut(4, edges), b = LayOut(4, edges);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  const auto none = LayOut(0, {});
  EXPECT_TRUE(none.x.empty());
}

}  // namespace
}  // namespace archload::report::html

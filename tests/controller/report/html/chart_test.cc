// Chart primitives: nice ticks, points mapped inside the plot, gaps, log axes leaving out what
// they cannot show, no "nan" in any coordinate, and every string escaped; the faults section.
#include <gtest/gtest.h>

#include <cmath>

#include "controller/report/html/bar_chart.h"
#include "controller/report/html/line_chart.h"
#include "controller/report/html/markup.h"
#include "controller/report/html/scale.h"
#include "controller/report/html/sections.h"

namespace archload::report::html {
namespace {

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(ChartScale, NiceTicksAndLogDecades) {
  EXPECT_DOUBLE_EQ(NiceStep(100, 5), 20);
  EXPECT_DOUBLE_EQ(NiceStep(12, 5), 2.5);
  const auto lin = Scale::Nice(3, 97, 0, 100);
  EXPECT_DOUBLE_EQ(lin.lo(), 0);
  EXPECT_DOUBLE_EQ(lin.hi(), 100);
  EXPECT_EQ(lin.Ticks(5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_DOUBLE_EQ(lin(50), 50);
  EXPECT_DOUBLE_EQ(lin(1000), 100);  // clamped
  const auto log = Scale::Nice(3, 2000, 300, 0, true);
  EXPECT_DOUBLE_EQ(log.lo(), 1);
  EXPECT_DOUBLE_EQ(log.hi(), 10000);
  EXPECT_EQ(log.Ticks(), (std::vector<double>{1, 10, 100, 1000, 10000}));
  EXPECT_DOUBLE_EQ(log(100), 150);
  EXPECT_DOUBLE_EQ(log(-5), 300);  // not drawable: pinned to the axis, never NaN
  const Scale flat(5, 5, 0, 10);
  EXPECT_TRUE(std::isfinite(flat(5)));
}

TEST(Markup, EscapesEverythingAndWritesNoNan) {
  EXPECT_EQ(Escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(Coord(NAN), "0");
  EXPECT_EQ(Coord(INFINITY), "0");
  EXPECT_EQ(Coord(-0.01), "0.0");
  EXPECT_EQ(Short(1500), "1.5k");
  EXPECT_EQ(Short(0.25), "0.25");
  EXPECT_EQ(Short(2.5e6), "2.5M");
  const Json j = {{"n", 3}, {"s", "x"}, {"nul", nullptr}, {"a", {1, 2}}};
  EXPECT_EQ(NumberAt(j, "n"), 3);
  EXPECT_FALSE(NumberAt(j, "s").has_value());
  EXPECT_FALSE(NumberAt(j, "nul").has_value());
  EXPECT_FALSE(NumberAt(Json::array(), "n").has_value());
  EXPECT_EQ(TextAt(j, "n", "fallback"), "fallback");
  EXPECT_EQ(ArrayAt(j, "a").size(), 2u);
  EXPECT_TRUE(ArrayAt(j, "s").empty());
}

TEST(LineChart, DrawsSeriesWithGapsAndReferencesInsideThePlot) {
  LineChart c;
  c.title = "t <script>";
  c.series.push_back({"p99 <b>",
                      "#d62728",
                      {ChartPoint{1, 10}, ChartPoint{2, 20}, std::nullopt, ChartPoint{4, 15},
                       ChartPoint{5, NAN}}});
  c.references.push_back({true, 30, "target \"30\"", "#000", false});
  c.references.push_back({false, 3, "knee", "#600", true});
  const std::string svg = RenderLineChart(c, "fig-x");
  EXPECT_EQ(PointCount(c), 3u);
  EXPECT_NE(svg.find("data-points=\"3\""), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline"), 1u);  // 1-2, then a lone point after the gap
  EXPECT_EQ(Count(svg, "<circle"), 1u);
  EXPECT_EQ(Count(svg, "class=\"reference\""), 2u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("p99 &lt;b&gt;"), std::string::npos);
  EXPECT_NE(svg.find("target &quot;30&quot;"), std::string::npos);
  EXPECT_NE(svg.find("clip-path=\"url(#fig-x-clip)\""), std::string::npos);
}

TEST(LineChart, LogAxesLeaveOutWhatTheyCannotShow) {
  LineChart c;
  c.y_log = true;
  c.series.push_back({"s", "#000", {ChartPoint{0, 0}, ChartPoint{1, 10}, ChartPoint{2, 1000}}});
  EXPECT_EQ(PointCount(c), 2u);
  const std::string svg = RenderLineChart(c, "l");
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_NE(svg.find(">1k<"), std::string::npos);  // a decade tick
  LineChart empty;
  EXPECT_EQ(PointCount(empty), 0u);
  EXPECT_NE(RenderLineChart(empty, "e").find("</svg>"), std::string::npos);
}

TEST(BarChart, EveryValueIsABarEvenAtZero) {
  BarChart b;
  b.series_names = {"measured", "BoE"};
  b.series_colors = {"#00f", "#999"};
  b.rows.push_back({"App <1>", {0.84, 0.83}, true});
  b.rows.push_back({"DB", {0.0, std::nullopt}, false});
  b.reference = 1;
  const std::string svg = RenderBarChart(b, "u");
  EXPECT_EQ(BarCount(b), 3u);
  EXPECT_EQ(Count(svg, "class=\"bar\""), 3u);
  EXPECT_NE(svg.find("data-value=\"0.84\""), std::string::npos);
  EXPECT_NE(svg.find("▲ App &lt;1&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

}  // namespace
}  // namespace archload::report::html

namespace archload::report::html {
namespace {

// A faulted run's report gets section 7: availability per second with the fault's window and
// the NFR, and the fault's prediction beside its measurement; a report without faults does not.
TEST(FaultsSection, AvailabilityOverTimeAndEachFaultPredictedBesideMeasured) {
  const Json r = Json::parse(R"({
    "nfr": [{"name": "availability", "target": 0.999}],
    "faults": [{"kind": "kill", "description": "kill App Servers #0 at 2 s for 3 s",
                "start_s": 2, "end_s": 5,
                "predicted": {"how": "3 failed checks", "detection_s": 2.5, "lost": 312.4},
                "measured": {"detection_s": 2.5, "lost": 318, "p99_before_ms": 50}}],
    "availability": {"per_second": [1, 1, 0.875, 0.875, 1, 1]}})");
  const std::string html = FaultsSection(r);
  EXPECT_NE(html.find("id=\"fig-availability\" data-points=\"6\""), std::string::npos) << html;
  EXPECT_EQ(Count(html, "<tr><td>"), 1u);
  EXPECT_NE(html.find("kill App Servers #0 at 2 s for 3 s"), std::string::npos);
  EXPECT_NE(html.find("<td>312</td><td>318</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("kill starts"), std::string::npos);
  EXPECT_NE(html.find("NFR 0.999"), std::string::npos);
  EXPECT_TRUE(FaultsSection(Json::parse(R"({"nfr": []})")).empty());
}

}  // namespace
}  // namespace archload::report::html

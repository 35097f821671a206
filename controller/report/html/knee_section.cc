// The knee report's figures: the throughput-latency curve of `archload knee` (its JSON, schema
// archload.knee/1, written by controller/capacity/knee_report.cc), measured points beside the
// BoE curve, the knees and the predicted maximum marked.
#include <algorithm>
#include <cmath>
#include <map>

#include "controller/report/html/page.h"
#include "controller/report/html/sections.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

std::vector<ReferenceLine> KneeMarks(const Json& knee) {
  std::vector<ReferenceLine> out;
  const auto& boe = ObjectAt(knee, "boe");
  auto add = [&](std::optional<double> v, const std::string& what, const char* color, bool dashed) {
    if (v && *v > 0) out.push_back({false, *v, what + " " + HumanRate(*v), color, dashed});
  };
  add(NumberAt(knee, "saturation_knee_rps"), "knee", "#6a1b9a", false);
  add(NumberAt(knee, "nfr_knee_rps"), "NFR knee", "#b00020", false);
  add(NumberAt(boe, "max_rps"), "BoE max", "#555555", true);
  add(NumberAt(boe, "nfr_knee_rps"), "BoE NFR knee", "#b06060", true);
  return out;
}

// Each NFR knee the BoE computed, with its latency target: a horizontal line.
std::vector<ReferenceLine> KneeTargets(const Json& knee) {
  std::vector<ReferenceLine> out;
  for (const auto& k : ArrayAt(ObjectAt(knee, "boe"), "nfr_knees")) {
    if (const auto t = NumberAt(k, "target_ms"); t && *t > 0) {
      out.push_back({true, *t, TextAt(k, "name", "target") + " " + Ms(*t), "#111111", false});
    }
  }
  return out;
}

std::string PointTable(const Json& points) {
  std::string out =
      "<table class=\"knee-points\"><thead><tr><th>step</th><th>offered req/s</th>"
      "<th>achieved req/s</th><th>errors</th><th>P50</th><th>P99</th><th>saturation</th>"
      "<th>NFRs</th></tr></thead><tbody>";
  for (const auto& p : points) {
    auto cell = [&](const char* key, auto fmt) {
      const auto v = NumberAt(p, key);
      return "<td class=\"num\">" + Escape(v ? fmt(*v) : std::string("-")) + "</td>";
    };
    auto verdict = [&](const char* key) {
      if (BoolAt(p, "void")) return std::string("<td class=\"not-judged\">void</td>");
      return std::string("<td class=\"") + (BoolAt(p, key) ? "pass\">✓ hold" : "fail\">✗ fail") +
             "</td>";
    };
    out += "<tr><td>" + Escape(TextAt(p, "phase")) + "</td>" + cell("offered_rps", HumanRate) +
           cell("achieved_rps", HumanRate) + cell("error_fraction", Percent) + cell("p50_ms", Ms) +
           cell("p99_ms", Ms) + verdict("pass") + verdict("nfr_pass") + "</tr>";
  }
  return out + "</tbody></table>\n";
}

}  // namespace

std::string KneeSection(const Json& knee) {
  const auto& points = ArrayAt(knee, "points");
  const auto& curve = ArrayAt(ObjectAt(knee, "boe"), "curve");
  std::string out =
      "<section id=\"knee\"><h2>The knee: latency and throughput against offered rate</h2>\n";
  if (points.empty()) {
    return out +
           Missing("fig-knee-latency", "Throughput-latency curve", "The knee has no points.") +
           "</section>\n";
  }
  auto column = [](const Json& rows, const char* x, const char* y) {
    std::vector<std::optional<ChartPoint>> pts;
    for (const auto& row : rows) {
      const auto a = NumberAt(row, x), b = NumberAt(row, y);
      if (a && b) pts.push_back(ChartPoint{*a, *b});
    }
    std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a->x < b->x; });
    return pts;
  };
  LineChart lat;
  lat.title = "Latency against offered rate";
  lat.x_label = "offered req/s";
  lat.y_label = "end-to-end latency (ms)";
  lat.series.push_back(
      {"P50 measured", palette::kP50, column(points, "offered_rps", "p50_ms"), false, true});
  lat.series.push_back(
      {"P99 measured", palette::kP99, column(points, "offered_rps", "p99_ms"), false, true});
  lat.series.push_back({"P50 BoE", palette::kP50, column(curve, "rps", "p50_ms"), true});
  lat.series.push_back({"P99 BoE", palette::kP99, column(curve, "rps", "p99_ms"), true});
  lat.references = KneeMarks(knee);
  for (auto& t : KneeTargets(knee)) lat.references.push_back(std::move(t));
  double lo = INFINITY, hi = 0;
  for (const auto& s : lat.series) {
    for (const auto& p : s.points) {
      if (p && p->y > 0) {
        lo = std::min(lo, p->y);
        hi = std::max(hi, p->y);
      }
    }
  }
  if (hi > 0 && lo > 0 && hi / lo > 100) lat.y_log = true;
  out += Figure("fig-knee-latency", lat.title, RenderLineChart(lat, "fig-knee-latency"),
                PointCount(lat),
                "Dots: measured steps of the search; dashed: the BoE model at each rate (it stops "
                "where a hop saturates). Vertical lines: where latency bends (knee), where an NFR "
                "first fails (NFR knee), and the model's maximum throughput." +
                    std::string(lat.y_log ? " Logarithmic scale." : ""));

  LineChart tput;
  tput.title = "Achieved against offered rate";
  tput.x_label = "offered req/s";
  tput.y_label = "achieved req/s";
  tput.series.push_back(
      {"achieved", "#2ca02c", column(points, "offered_rps", "achieved_rps"), false, true});
  std::vector<std::optional<ChartPoint>> ideal, model;
  const double max_rps = NumberAt(ObjectAt(knee, "boe"), "max_rps").value_or(INFINITY);
  double top = 0;
  for (const auto& p : points) top = std::max(top, NumberAt(p, "offered_rps").value_or(0));
  for (int i = 0; i <= 40; ++i) {
    const double x = top * i / 40;
    ideal.push_back(ChartPoint{x, x});
    model.push_back(ChartPoint{x, std::min(x, max_rps)});
  }
  tput.series.push_back({"offered = achieved", "#c7c7c7", ideal, true, false, 1.2});
  tput.series.push_back({"BoE: min(offered, max)", palette::kBoe, model, true});
  tput.references = KneeMarks(knee);
  out += Figure("fig-knee-throughput", tput.title, RenderLineChart(tput, "fig-knee-throughput"),
                PointCount(tput), "Past the bottleneck's capacity the achieved rate flattens.");

  // Utilisation per group as the rate grows: the busiest eight.
  std::map<std::string, std::vector<std::optional<ChartPoint>>> util;
  std::map<std::string, double> peak;
  for (const auto& p : points) {
    const auto x = NumberAt(p, "offered_rps");
    for (const auto& [name, u] : ObjectAt(p, "utilization").items()) {
      const auto v = AsNumber(u);
      if (!x || !v) continue;
      util[name].push_back(ChartPoint{*x, *v});
      peak[name] = std::max(peak[name], *v);
    }
  }
  if (!util.empty()) {
    std::vector<std::string> names;
    for (const auto& [n, _] : util) names.push_back(n);
    std::stable_sort(names.begin(), names.end(),
                     [&](const auto& a, const auto& b) { return peak[a] > peak[b]; });
    LineChart u;
    u.title = "Utilisation per group against offered rate";
    u.x_label = "offered req/s";
    u.y_label = "utilisation";
    u.y_format = Percent;
    for (size_t i = 0; i < names.size() && i < 8; ++i) {
      auto pts = util[names[i]];
      std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a->x < b->x; });
      u.series.push_back({names[i], palette::Cycle(i), pts, false, true});
    }
    u.references.push_back({true, 1, "100%", "#b00020", true});
    out += Figure("fig-knee-utilization", u.title, RenderLineChart(u, "fig-knee-utilization"),
                  PointCount(u), "The busiest groups at each measured step.");
  }
  return out + PointTable(points) + "</section>\n";
}

}  // namespace archload::report::html

#include "controller/report/html/sections.h"

#include <algorithm>
#include <cmath>

#include "controller/report/histogram_json.h"
#include "controller/report/html/page.h"
#include "controller/report/table.h"

namespace archload::report::html {

const char* palette::Cycle(size_t i) {
  static constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                            "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

std::vector<std::optional<ChartPoint>> Zip(const Json& xs, const Json& ys) {
  std::vector<std::optional<ChartPoint>> out;
  if (!xs.is_array() || !ys.is_array()) return out;
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    const auto x = AsNumber(xs[i]), y = AsNumber(ys[i]);
    out.push_back(x && y ? std::optional<ChartPoint>(ChartPoint{*x, *y}) : std::nullopt);
  }
  return out;
}

std::vector<ReferenceLine> LatencyTargets(const Json& report) {
  std::vector<ReferenceLine> out;
  for (const auto& n : ArrayAt(report, "nfr")) {
    const std::string name = TextAt(n, "name");
    if (TextAt(n, "unit") != "ms" || name.find("async") != std::string::npos) continue;
    if (const auto t = NumberAt(n, "target")) {
      out.push_back({true, *t, "target: " + name + " ≤ " + Ms(*t), palette::kTarget, false});
    }
  }
  return out;
}

double SpectrumX(double p) { return p >= 100 ? 6 : -std::log10(1 - p / 100); }

std::string SpectrumLabel(double x) {
  if (x <= 0) return "P0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%.*f", std::max(0, static_cast<int>(std::lround(x)) - 2),
                100 * (1 - std::pow(10, -x)));
  return buf;
}

std::vector<std::optional<ChartPoint>> MeasuredSpectrum(const Json& latency_ms) {
  std::vector<std::optional<ChartPoint>> out;
  if (const auto h = HistogramFromJson(ObjectAt(latency_ms, "histogram")); h && h->Count() > 0) {
    for (int i = 0; i <= 80; ++i) {
      const double x = i * 0.05;
      const double p = 100 * (1 - std::pow(10, -x));
      out.push_back(ChartPoint{x, h->ValueAtPercentile(p) / 1e6});
    }
    return out;
  }
  for (const auto& s : ArrayAt(latency_ms, "spectrum")) {
    const auto p = NumberAt(s, "p"), ms = NumberAt(s, "ms");
    if (p && ms && *p < 100) out.push_back(ChartPoint{SpectrumX(*p), *ms});
  }
  return out;
}

std::string LatencySection(const Json& r) {
  const std::string title = "Latency over time: P50, P95, P99 per second";
  const auto& s = ObjectAt(r, "series");
  if (ArrayAt(s, "t_s").empty()) {
    return Missing("fig-latency", title, "This report has no per-second series.");
  }
  LineChart c;
  c.title = title;
  c.x_label = "seconds into the load";
  c.y_label = "end-to-end latency (ms)";
  const auto& pred = ObjectAt(r, "predicted_latency_ms");
  struct Column {
    const char* key;
    const char* label;
    const char* color;
  };
  const Column cols[] = {
      {"p50", "P50", palette::kP50}, {"p95", "P95", palette::kP95}, {"p99", "P99", palette::kP99}};
  double lo = INFINITY, hi = 0;
  for (const auto& col : cols) {
    LineSeries line{std::string(col.label) + " measured", col.color,
                    Zip(ArrayAt(s, "t_s"), ArrayAt(s, std::string(col.key) + "_ms"))};
    for (const auto& p : line.points) {
      if (!p || p->y <= 0) continue;
      lo = std::min(lo, p->y);
      hi = std::max(hi, p->y);
    }
    c.series.push_back(std::move(line));
    if (const auto boe = NumberAt(pred, col.key); boe && BoolAt(pred, "stable", true)) {
      c.references.push_back({true, *boe, "BoE " + std::string(col.label) + " " + Ms(*boe),
                              col.color, /*dashed=*/true});
    }
  }
  for (auto& t : LatencyTargets(r)) c.references.push_back(std::move(t));
  // Tails hundreds of times the median (an overload) read better on a log axis.
  if (hi > 0 && lo > 0 && hi / lo > 100) c.y_log = true;
  std::string caption =
      "Percentiles of the responses that completed in each second, from the merged histograms. "
      "Solid black: each latency NFR's target; dashed: the BoE model's prediction at the offered "
      "rate.";
  if (!BoolAt(pred, "stable", true)) caption += " The model predicts overload: no BoE line.";
  if (c.y_log) caption += " Logarithmic scale.";
  return Figure("fig-latency", title, RenderLineChart(c, "fig-latency"), PointCount(c), caption);
}

std::string RatesSection(const Json& r) {
  const auto& s = ObjectAt(r, "series");
  if (ArrayAt(s, "t_s").empty()) {
    return Missing("fig-rates", "Offered vs achieved rate",
                   "This report has no per-second series.");
  }
  const auto& t = ArrayAt(s, "t_s");
  LineChart c;
  c.title = "Offered vs achieved rate per second";
  c.x_label = "seconds into the load";
  c.y_label = "requests per second";
  c.series.push_back({"offered", "#7f7f7f", Zip(t, ArrayAt(s, "offered_rps")), true});
  c.series.push_back({"sent", "#9467bd", Zip(t, ArrayAt(s, "sent_rps"))});
  c.series.push_back(
      {"achieved (successful responses)", "#2ca02c", Zip(t, ArrayAt(s, "achieved_rps"))});
  if (const auto max = NumberAt(r, "predicted_max_rps")) {
    c.references.push_back(
        {true, *max, "BoE max " + HumanRate(*max) + " req/s", palette::kBoe, true});
  }
  std::string out = Figure("fig-rates", c.title, RenderLineChart(c, "fig-rates"), PointCount(c),
                           "Rates at the run's scale. Dashed grey: the BoE maximum throughput "
                           "(where the bottleneck saturates).");
  LineChart e;
  e.title = "Errors and rejections per second";
  e.x_label = "seconds into the load";
  e.y_label = "per second";
  e.series.push_back({"errors (at the clients)", "#d62728", Zip(t, ArrayAt(s, "errors_rps"))});
  e.series.push_back(
      {"rejections (full queues, any group)", "#ff7f0e", Zip(t, ArrayAt(s, "rejected_rps"))});
  e.series.push_back({"dropped by the harness", "#8c564b", Zip(t, ArrayAt(s, "dropped_rps"))});
  out += Figure("fig-errors", e.title, RenderLineChart(e, "fig-errors"), PointCount(e),
                "An error is a request that failed somewhere on its path; a rejection is one "
                "hop's full queue turning a call away (one request can meet several).");
  return out;
}

std::string SpectrumSection(const Json& r) {
  const std::string title = "Percentile spectrum: measured beside the model";
  const auto& lat = ObjectAt(r, "latency_ms");
  LineChart c;
  c.title = title;
  c.x_label = "percentile (log scale: each step is ten times rarer)";
  c.y_label = "end-to-end latency (ms)";
  c.x_ticks = {0, 1, 2, 3, 4};
  c.x_format = SpectrumLabel;
  c.series.push_back({"measured", palette::kMeasured, MeasuredSpectrum(lat)});
  LineSeries boe{"BoE model", palette::kBoe, {}, /*dashed=*/true, /*markers=*/false, 2.2};
  for (const auto& p : ArrayAt(ObjectAt(r, "predicted_latency_ms"), "spectrum")) {
    const auto pc = NumberAt(p, "p"), ms = NumberAt(p, "ms");
    if (pc && ms && *pc < 100) boe.points.push_back(ChartPoint{SpectrumX(*pc), *ms});
  }
  c.series.push_back(std::move(boe));
  c.references = LatencyTargets(r);
  if (PointCount(c) == 0) return Missing("fig-spectrum", title, "This report has no spectrum.");
  return Figure("fig-spectrum", title, RenderLineChart(c, "fig-spectrum"), PointCount(c),
                "Measured: every response of the run, from the merged end-to-end histogram "
                "(within 0.8%). BoE: 20,000 requests sampled through the model's queues, so its "
                "P99.99 rests on the two slowest.");
}

}  // namespace archload::report::html

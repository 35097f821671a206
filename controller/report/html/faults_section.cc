// The run report's faults (docs/faults.md) in the HTML page: availability second by second with
// the NFR's target and each fault's window, and each fault's prediction beside its measurement.
#include <cstdio>

#include "controller/report/html/page.h"
#include "controller/report/html/sections.h"

namespace archload::report::html {

namespace {

std::string Cell(const Json& j, std::string_view key, const char* unit, const char* none) {
  const auto v = NumberAt(j, key);
  if (!v) return none;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g%s", *v, unit);
  return Escape(buf);
}

std::string Requests(const Json& j) {
  const auto v = NumberAt(j, "lost");
  return v ? Escape(std::to_string(static_cast<long long>(*v + 0.5))) : "-";
}

}  // namespace

std::string FaultsSection(const Json& r) {
  const auto& faults = ArrayAt(r, "faults");
  const auto& a = ObjectAt(r, "availability");
  const auto& per_second = ArrayAt(a, "per_second");
  if (faults.empty() || per_second.empty()) return "";
  LineChart c;
  c.title = "Availability per second";
  c.x_label = "seconds into the load";
  c.y_label = "answered ok / offered";
  c.y_from_zero = true;
  LineSeries s{"availability", palette::kMeasured, {}};
  for (size_t i = 0; i < per_second.size(); ++i) {
    if (const auto v = AsNumber(per_second[i])) {
      s.points.push_back(ChartPoint{static_cast<double>(i) + 0.5, *v});
    }
  }
  c.series.push_back(std::move(s));
  for (const auto& n : ArrayAt(r, "nfr")) {
    if (TextAt(n, "name") != "availability") continue;
    if (const auto t = NumberAt(n, "target")) {
      c.references.push_back({true, *t, "NFR " + Short(*t), palette::kTarget, true});
    }
  }
  for (const auto& f : faults) {
    const auto start = NumberAt(f, "start_s"), end = NumberAt(f, "end_s");
    const std::string kind = TextAt(f, "kind");
    if (start) c.references.push_back({false, *start, kind + " starts", "#d62728", true});
    if (end && start && *end > *start) {
      c.references.push_back({false, *end, kind + " ends", "#2ca02c", true});
    }
  }
  std::string out =
      Figure("fig-availability", c.title, RenderLineChart(c, "fig-availability"), PointCount(c),
             "Requests by their intended send time, in whole seconds. Dashed verticals: each "
             "fault's start and end; dashed horizontal: the availability NFR.");
  out +=
      "<table class=\"faults\" id=\"fault-table\"><thead><tr><th>fault</th><th>how callers "
      "notice (the model)</th><th>detection predicted</th><th>measured</th><th>lost "
      "predicted</th><th>measured</th><th>P99 before / during / after</th></tr></thead>"
      "<tbody>\n";
  for (const auto& f : faults) {
    const auto& p = ObjectAt(f, "predicted");
    const auto& m = ObjectAt(f, "measured");
    out += "<tr><td>" + Escape(TextAt(f, "description")) + "</td><td>" + Escape(TextAt(p, "how")) +
           "</td><td>" + Cell(p, "detection_s", " s", "none") + "</td><td>" +
           Cell(m, "detection_s", " s", "none") + "</td><td>" + Requests(p) + "</td><td>" +
           Requests(m) + "</td><td>" + Cell(m, "p99_before_ms", " ms", "-") + " / " +
           Cell(m, "p99_during_ms", " ms", "-") + " / " + Cell(m, "p99_after_ms", " ms", "-") +
           "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  return out;
}

}  // namespace archload::report::html

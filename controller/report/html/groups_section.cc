// Section 6 of the report: every group's utilisation, queueing, rejections and hit ratio.
#include <algorithm>

#include "controller/report/html/bar_chart.h"
#include "controller/report/html/page.h"
#include "controller/report/html/sections.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

constexpr size_t kMaxLines = 8;

std::string Cell(const std::string& text, bool num = true) {
  return std::string(num ? "<td class=\"num\">" : "<td>") + Escape(text) + "</td>";
}

std::string GroupTable(const Json& r) {
  std::string out =
      "<table class=\"groups\"><thead><tr><th>group</th><th>type</th><th>instances</th>"
      "<th>req/s</th><th>utilisation</th><th>BoE</th><th>P50 per visit</th><th>P99 per "
      "visit</th><th>rejected</th><th>hit ratio</th><th>queue at end</th></tr></thead><tbody>";
  for (const auto& c : ArrayAt(r, "components")) {
    const bool client = TextAt(c, "role") == "client";
    auto num = [&](const char* key, auto fmt) {
      const auto v = NumberAt(c, key);
      return v ? fmt(*v) : std::string("-");
    };
    out += "<tr>" + Cell(TextAt(c, "name"), false) + Cell(TextAt(c, "type"), false) +
           Cell(num("count", [](double v) { return Short(v); }));
    if (client) {
      out += "<td colspan=\"8\">load source</td>";
    } else {
      out += Cell(num("rps", HumanRate)) + Cell(num("utilization", Percent)) +
             Cell(num("predicted_utilization", Percent)) + Cell(num("p50_ms", Ms)) +
             Cell(num("p99_ms", Ms)) + Cell(num("rejected", [](double v) { return Short(v); })) +
             Cell(num("hit_ratio", Percent)) +
             Cell(num("queue_depth", [](double v) { return Short(v); }));
    }
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

}  // namespace

std::string GroupsSection(const Json& r) {
  const std::string bottleneck = TextAt(r, "bottleneck");
  std::vector<const Json*> groups;
  std::vector<size_t> index;  // into the series' groups
  const auto& comps = ArrayAt(r, "components");
  for (size_t i = 0; i < comps.size(); ++i) {
    if (TextAt(comps[i], "role") == "client") continue;
    groups.push_back(&comps[i]);
    index.push_back(i);
  }
  std::string out;
  BarChart u;
  u.title = "Utilisation per group: measured vs BoE";
  u.value_label = "utilisation (emulated busy time / capacity)";
  u.series_names = {"measured", "BoE"};
  u.series_colors = {palette::kMeasured, "#b7bcc4"};
  u.format = Percent;
  u.max = 1;
  u.reference = 1;
  u.reference_label = "100%";
  for (const auto* g : groups) {
    u.rows.push_back({TextAt(*g, "name"),
                      {NumberAt(*g, "utilization"), NumberAt(*g, "predicted_utilization")},
                      TextAt(*g, "name") == bottleneck});
  }
  out += Figure("fig-utilization", u.title, RenderBarChart(u, "fig-utilization"), BarCount(u),
                "Bottleneck (▲): " + (bottleneck.empty() ? std::string("none") : bottleneck) +
                    " — " + TextAt(r, "bottleneck_reason") + ".");

  const auto& sg = ArrayAt(ObjectAt(r, "series"), "groups");
  const auto& t = ArrayAt(ObjectAt(r, "series"), "t_s");
  if (t.empty() || sg.empty()) {
    out += Missing("fig-queue-depth", "Queue depth over time",
                   "This report has no per-second series.");
  } else {
    // The deepest queues, at most kMaxLines of them; brokers' held messages too.
    struct Line {
      std::string name;
      const Json* values;
      double peak;
    };
    std::vector<Line> lines;
    for (size_t k = 0; k < groups.size(); ++k) {
      if (index[k] >= sg.size()) continue;
      const auto& s = sg[index[k]];
      for (const char* key : {"queue_depth", "broker_depth"}) {
        const auto& v = ArrayAt(s, key);
        if (v.empty()) continue;
        double peak = 0;
        for (const auto& x : v) peak = std::max(peak, AsNumber(x).value_or(0));
        lines.push_back({TextAt(*groups[k], "name") +
                             (std::string(key) == "broker_depth" ? " (messages held)" : ""),
                         &v, peak});
      }
    }
    std::stable_sort(lines.begin(), lines.end(),
                     [](const Line& a, const Line& b) { return a.peak > b.peak; });
    const size_t shown = std::min(lines.size(), kMaxLines);
    LineChart q;
    q.title = "Queue depth over time";
    q.x_label = "seconds into the load";
    q.y_label = "requests waiting (all instances)";
    bool any = false;
    for (size_t i = 0; i < shown; ++i) {
      q.series.push_back({lines[i].name, palette::Cycle(i), Zip(t, *lines[i].values)});
      any = any || lines[i].peak > 0;
    }
    std::string caption =
        "Requests waiting for a free slot, summed over each group's instances, "
        "at the end of each second.";
    if (lines.size() > shown) {
      caption += " The " + std::to_string(shown) + " deepest of " + std::to_string(lines.size()) +
                 " queues.";
    }
    if (!any) caption += " No request ever waited at a second's end.";
    out += Figure("fig-queue-depth", q.title, RenderLineChart(q, "fig-queue-depth"), PointCount(q),
                  caption);
  }

  BarChart rej;
  rej.title = "Rejections per group";
  rej.value_label = "requests turned away by a full queue (whole run)";
  rej.series_names = {"rejected"};
  rej.series_colors = {"#ff7f0e"};
  double total = 0;
  for (const auto* g : groups) {
    const double v = NumberAt(*g, "rejected").value_or(0);
    total += v;
    rej.rows.push_back({TextAt(*g, "name"), {v}, TextAt(*g, "name") == bottleneck});
  }
  out += Figure("fig-rejections", rej.title, RenderBarChart(rej, "fig-rejections"), BarCount(rej),
                total > 0 ? "Each group's queue holds 0.5 s of work at its capacity (at least 16 "
                            "requests); beyond that it rejects."
                          : "No group rejected a request.");

  BarChart hit;
  hit.title = "Hit ratio per cache: measured vs BoE";
  hit.value_label = "hits / lookups";
  hit.series_names = {"measured", "BoE"};
  hit.series_colors = {palette::kMeasured, "#b7bcc4"};
  hit.format = Percent;
  hit.max = 1;
  for (const auto* g : groups) {
    const auto h = NumberAt(*g, "hit_ratio");
    if (h) hit.rows.push_back({TextAt(*g, "name"), {h, NumberAt(*g, "predicted_hit_ratio")}});
  }
  if (!hit.rows.empty()) {
    out += Figure("fig-hit-ratio", hit.title, RenderBarChart(hit, "fig-hit-ratio"), BarCount(hit),
                  "Measured over the whole run, cold start included.");
  }
  return out + GroupTable(r);
}

}  // namespace archload::report::html

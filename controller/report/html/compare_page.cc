#include "controller/report/html/compare_page.h"

#include "controller/report/html/line_chart.h"
#include "controller/report/html/page.h"
#include "controller/report/html/report_page.h"
#include "controller/report/html/sections.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

std::string Head(const Comparison& c, const std::string& first) {
  std::string out = "<thead><tr><th>" + Escape(first) + "</th>";
  for (size_t i = 0; i < c.labels.size(); ++i) {
    out += "<th>[" + std::to_string(i + 1) + "] " + Escape(c.labels[i]) + "</th>";
  }
  return out + "</tr></thead>";
}

std::string FigureTable(const Comparison& c, const std::string& title,
                        const std::vector<ComparedFigure>& rows) {
  std::string out = "<table class=\"compare\">" + Head(c, title) + "<tbody>";
  for (const auto& f : rows) {
    out += "<tr><td>" + Escape(f.name) + "</td>";
    for (size_t i = 0; i < f.values.size(); ++i) {
      std::string cls = "num";
      std::string text = FormatFigure(f.unit, f.values[i]);
      if (i > 0) {
        if (const auto d = RelativeChange(f.values[0], f.values[i])) {
          text += " (" + *d + ")";
          const bool up = *f.values[i] > *f.values[0];
          if (*d != "±0%" && f.better != Better::kNeither) {
            cls += up == (f.better == Better::kLower) ? " worse" : " better";
          }
        }
      }
      out += "<td class=\"" + cls + "\">" + Escape(text) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table>\n";
}

std::string Overlay(const std::vector<LoadedReport>& reports, const Comparison& c,
                    const std::string& id, const std::string& title, const char* column,
                    const std::string& y_label) {
  LineChart chart;
  chart.title = title;
  chart.x_label = "seconds into the load";
  chart.y_label = y_label;
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& s = ObjectAt(reports[i].json, "series");
    chart.series.push_back({"[" + std::to_string(i + 1) + "] " + c.labels[i], palette::Cycle(i),
                            Zip(ArrayAt(s, "t_s"), ArrayAt(s, column))});
  }
  if (PointCount(chart) == 0) return Missing(id, title, "No run here has a per-second series.");
  return Figure(id, title, RenderLineChart(chart, id), PointCount(chart));
}

}  // namespace

std::string RenderComparison(const Comparison& c, const std::vector<LoadedReport>& reports) {
  std::string out = PageStart("archload comparison: " + std::to_string(c.labels.size()) + " runs");
  out += "<header><h1>archload: " + std::to_string(c.labels.size()) + " runs compared</h1>";
  out += "<div class=\"verdict-badge " + std::string(c.regressions.empty() ? "pass" : "fail") +
         "\" id=\"verdict-word\">" +
         (c.regressions.empty() ? std::string("No regression")
                                : std::to_string(c.regressions.size()) + " regression(s)") +
         "</div></header>\n<section id=\"runs\"><h2>Runs</h2><table><thead><tr><th></th>"
         "<th>report</th><th>problem</th><th>offered</th><th>verdict</th></tr></thead><tbody>";
  for (size_t i = 0; i < c.labels.size(); ++i) {
    const auto offered = NumberAt(reports[i].json, "offered_rps");
    out += "<tr><td>[" + std::to_string(i + 1) + "]</td><td>" + Escape(c.labels[i]) + "</td><td>" +
           Escape(c.problems[i]) + "</td><td class=\"num\">" +
           Escape(offered ? HumanRate(*offered) + " req/s" : "-") + "</td><td class=\"" +
           (c.verdicts[i] == "PASS" ? "pass" : "fail") + "\">" + Escape(c.verdicts[i]) +
           "</td></tr>";
  }
  out += "</tbody></table>\n";
  for (const auto& n : c.notes) out += "<p class=\"missing\">" + Escape(n) + "</p>\n";
  if (!c.regressions.empty()) {
    out += "<ul class=\"faults\" id=\"regressions\">";
    for (const auto& r : c.regressions) out += "<li>" + Escape(r.text) + "</li>";
    out += "</ul>\n";
  }
  out += "</section>\n<section id=\"verdicts\"><h2>Verdicts</h2><table class=\"compare\">" +
         Head(c, "NFR") + "<tbody>";
  for (const auto& row : c.nfrs) {
    out += "<tr><td>" + Escape(row.name) + "</td>";
    for (size_t i = 0; i < row.pass.size(); ++i) {
      if (!row.pass[i]) {
        out += "<td>-</td>";
        continue;
      }
      const bool undecided = row.undecided[i];
      out += "<td class=\"num " +
             std::string(undecided      ? "not-judged"
                         : *row.pass[i] ? "pass"
                                        : "fail") +
             "\">" +
             Escape(FormatFigure(row.unit, row.measured[i]) + " / " +
                    FormatFigure(row.unit, row.target[i]) +
                    (undecided      ? " ?"
                     : *row.pass[i] ? " ✓"
                                    : " ✗")) +
             "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table>\n</section>\n";
  out += "<section id=\"figures\"><h2>Latency, rates, utilisation</h2>\n" +
         FigureTable(c, "latency (ms)", c.latency) + FigureTable(c, "rates", c.rates) +
         FigureTable(c, "utilisation per group", c.utilization) + "</section>\n";
  // Overlays: the spectra, then the runs second by second.
  LineChart spectrum;
  spectrum.title = "Percentile spectra";
  spectrum.x_label = "percentile (log scale)";
  spectrum.y_label = "end-to-end latency (ms)";
  spectrum.x_ticks = {0, 1, 2, 3, 4};
  spectrum.x_format = SpectrumLabel;
  for (size_t i = 0; i < reports.size(); ++i) {
    spectrum.series.push_back({"[" + std::to_string(i + 1) + "] " + c.labels[i], palette::Cycle(i),
                               MeasuredSpectrum(ObjectAt(reports[i].json, "latency_ms"))});
  }
  spectrum.references = LatencyTargets(reports.front().json);
  out += "<section id=\"overlays\"><h2>The runs overlaid</h2>\n";
  out += Figure("fig-compare-spectrum", spectrum.title,
                RenderLineChart(spectrum, "fig-compare-spectrum"), PointCount(spectrum));
  out += Overlay(reports, c, "fig-compare-p99", "P99 per second", "p99_ms", "P99 latency (ms)");
  out += Overlay(reports, c, "fig-compare-rates", "Achieved rate per second", "achieved_rps",
                 "successful responses per second");
  return out + "</section>\n" + PageEnd();
}

}  // namespace archload::report::html

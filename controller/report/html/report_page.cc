#include "controller/report/html/report_page.h"

#include <cmath>

#include "controller/report/html/design_graph.h"
#include "controller/report/html/page.h"
#include "controller/report/html/sections.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

std::string Fact(const std::string& name, const std::string& value) {
  return "<div><span>" + Escape(name) + ":</span> " + Escape(value) + "</div>";
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string VerdictTable(const Json& r) {
  std::string out =
      "<table class=\"verdict\"><thead><tr><th>NFR</th><th>as stated</th><th>target</th>"
      "<th>BoE</th><th>measured ± 95%</th><th>verdict</th></tr></thead><tbody>";
  for (const auto& n : ArrayAt(r, "nfr")) {
    const std::string unit = TextAt(n, "unit");
    const bool pass = BoolAt(n, "pass");
    const bool undecided = TextAt(n, "verdict") == "inconclusive";
    std::string measured = NfrFigure(unit, NumberAt(n, "measured"));
    const auto& ci = n.contains("ci95") ? n["ci95"] : Json();
    if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number()) {
      measured += " ± " + NfrFigure(unit, (ci[1].get<double>() - ci[0].get<double>()) / 2);
    }
    out += "<tr><td>" + Escape(TextAt(n, "name")) + "</td><td>" + Escape(TextAt(n, "raw")) +
           "</td><td class=\"num\">" + Escape(NfrFigure(unit, NumberAt(n, "target"))) +
           "</td><td class=\"num\">" + Escape(NfrFigure(unit, NumberAt(n, "boe"))) +
           "</td><td class=\"num\">" + Escape(measured) + "</td><td class=\"" +
           (undecided ? "not-judged\">? inconclusive"
            : pass    ? "pass\">✓ pass"
                      : "fail\">✗ FAIL") +
           "</td></tr>";
    if (const auto note = TextAt(n, "note"); !note.empty()) {
      out += "<tr><td></td><td colspan=\"5\" class=\"missing\">" + Escape(note) + "</td></tr>";
    }
  }
  return out + "</tbody></table>\n";
}

std::string Overview(const Json& r) {
  const auto& req = ObjectAt(r, "requests");
  const auto& h = ObjectAt(r, "harness");
  const auto& p = ObjectAt(r, "parameters");
  const auto& lat = ObjectAt(r, "latency_ms");
  std::string out = "<div class=\"facts\">";
  out += Fact("scale", TextAt(r, "scale", "1/1") + " (figures at this scale)");
  const double measured = NumberAt(r, "duration_s").value_or(0);
  const double planned = NumberAt(r, "planned_s").value_or(measured);
  out += Fact("duration",
              Seconds(measured) +
                  (measured < planned - 0.05 ? " of " + Seconds(planned) + " planned" : ""));
  out += Fact("offered", HumanRate(NumberAt(r, "offered_rps").value_or(0)) + " req/s");
  out += Fact("achieved", HumanRate(NumberAt(r, "achieved_rps").value_or(0)) + " req/s");
  out += Fact("errors", Percent(NumberAt(r, "error_rate").value_or(0)) + " (" +
                            Short(NumberAt(req, "errors").value_or(0)) + " of " +
                            Short(NumberAt(req, "sent").value_or(0)) + " sent)");
  out += Fact("latency", "P50 " + Ms(NumberAt(lat, "p50").value_or(0)) + ", P99 " +
                             Ms(NumberAt(lat, "p99").value_or(0)) + ", P99.9 " +
                             Ms(NumberAt(lat, "p999").value_or(0)));
  if (const auto max = NumberAt(r, "predicted_max_rps")) {
    out += Fact("BoE max throughput",
                HumanRate(*max) + " req/s (" + TextAt(r, "predicted_bottleneck", "?") + ")");
  }
  if (!p.empty()) {
    out += Fact("profile", TextAt(p, "profile") + ", " + TextAt(p, "arrivals") + " arrivals");
    out += Fact("seed", Short(NumberAt(p, "seed").value_or(0)));
    if (const auto sts = NumberAt(p, "service_time_scale"); sts && *sts != 1) {
      out += Fact("service times", "×" + Short(*sts));
    }
    if (const auto at = TextAt(p, "started_at"); !at.empty()) out += Fact("started", at);
  }
  out += Fact("bottleneck",
              TextAt(r, "bottleneck", "none") + " (" + TextAt(r, "bottleneck_reason") + ")");
  out += "</div>\n";
  // What the harness cost: if it was the limit, the figures measured archload.
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "%.0f agents, %.0f instances, ready in %.2f s; agents %.1f CPU s (%.0f µs per "
                "request), peak RSS %.0f MB; send lag P99 %.0f µs; timer lateness P99 %.0f µs",
                NumberAt(h, "agents").value_or(0), NumberAt(h, "instances").value_or(0),
                NumberAt(h, "startup_s").value_or(0), NumberAt(h, "agent_cpu_s").value_or(0),
                NumberAt(h, "cpu_us_per_request").value_or(0),
                NumberAt(h, "agent_max_rss_mb").value_or(0),
                NumberAt(ObjectAt(h, "send_lag_us"), "p99").value_or(0),
                NumberAt(ObjectAt(h, "timer_lateness_us"), "p99").value_or(0));
  out += "<p class=\"harness\"><b>Harness cost:</b> " + Escape(buf) + "</p>\n";
  if (const auto cmd = TextAt(p, "command"); !cmd.empty()) {
    out += "<p class=\"command\"><b>Command:</b> <code>" + Escape(cmd) + "</code></p>\n";
  }
  auto list = [&](const Json& items, const char* cls, const std::string& heading) {
    if (items.empty()) return std::string();
    std::string l = "<p><b>" + Escape(heading) + "</b></p><ul class=\"" + cls + "\">";
    for (const auto& w : items) {
      if (w.is_string()) l += "<li>" + Escape(w.get<std::string>()) + "</li>";
    }
    return l + "</ul>\n";
  };
  out += list(ArrayAt(h, "faults"), "faults", "Where the harness, not the design, was the limit:");
  out += list(ArrayAt(r, "warnings"), "warnings", "Warnings:");
  if (const auto why = TextAt(r, "incomplete_reason"); !why.empty()) {
    out += "<p class=\"missing\">Incomplete: " + Escape(why) + "</p>\n";
  }
  return out;
}

}  // namespace

std::string VerdictWord(const Json& r) {
  if (!ArrayAt(ObjectAt(r, "harness"), "faults").empty()) return "NOT JUDGED";
  if (!BoolAt(r, "complete", true)) return "INCOMPLETE";
  if (BoolAt(r, "pass")) return "PASS";
  return BoolAt(r, "inconclusive") ? "INCONCLUSIVE" : "FAIL";
}

std::string RenderRunReport(const Json& r) {
  const std::string problem = TextAt(r, "problem", "a design");
  const std::string title = TextAt(r, "title");
  std::string out = PageStart("archload report: " + problem);
  out += "<header><h1>archload: " + Escape(problem) + "</h1>";
  if (!title.empty()) out += "<p class=\"subtitle\">" + Escape(title) + "</p>";
  const std::string word = VerdictWord(r);
  std::string cls = word == "PASS" ? "pass" : word == "FAIL" ? "fail" : "not-judged";
  out += "<div class=\"verdict-badge " + cls + "\" id=\"verdict-word\">" + Escape(word) +
         (word == "PASS"           ? ": every NFR holds"
          : word == "FAIL"         ? ": some NFRs fail"
          : word == "NOT JUDGED"   ? ": the harness limited the run"
          : word == "INCONCLUSIVE" ? ": no NFR fails, but some could not be decided"
                                   : ": the run was cut short") +
         "</div></header>\n";
  out += "<section id=\"verdict\"><h2>1. Verdict</h2>\n" + VerdictTable(r) + Overview(r) +
         "</section>\n";
  out += "<section id=\"design\"><h2>2. The design</h2>\n";
  if (ArrayAt(r, "components").empty()) {
    out += Missing("fig-design", "The design", "This report names no groups.");
  } else {
    const auto graph = RenderDesignGraph(r, "fig-design");
    std::string caption =
        "Boxes: groups (instances × type, requests/s reaching them), coloured by measured "
        "utilisation. Arrows: calls between groups with the rate the agents counted.";
    if (ArrayAt(r, "calls").empty()) caption += " This report has no measured calls.";
    out += Figure("fig-design", "Groups and calls, as measured", graph.svg,
                  graph.nodes + graph.edges, caption);
  }
  out += "</section>\n";
  out += "<section id=\"latency\"><h2>3. Latency over time</h2>\n" + LatencySection(r) +
         "</section>\n";
  out += "<section id=\"rates\"><h2>4. Offered and achieved rate</h2>\n" + RatesSection(r) +
         "</section>\n";
  out += "<section id=\"spectrum\"><h2>5. Latency distribution</h2>\n" + SpectrumSection(r) +
         "</section>\n";
  out += "<section id=\"groups\"><h2>6. Per group</h2>\n" + GroupsSection(r) + "</section>\n";
  if (const std::string faults = FaultsSection(r); !faults.empty()) {
    out += "<section id=\"faults\"><h2>7. Faults and availability</h2>\n" + faults + "</section>\n";
  }
  return out + PageEnd();
}

}  // namespace archload::report::html

// The HTML report of `archload knee` (`knee --html`, `archload report knee.json`): the search's
// outcome beside the BoE's, then the curve (knee_section.cc).
#include "controller/report/html/page.h"
#include "controller/report/html/report_page.h"
#include "controller/report/html/sections.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

std::string Rate(std::optional<double> v) { return v ? HumanRate(*v) + " req/s" : "-"; }

std::string Ratio(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

std::string Row(const std::string& what, const std::string& measured, const std::string& boe,
                const std::string& ratio) {
  return "<tr><td>" + Escape(what) + "</td><td class=\"num\">" + Escape(measured) +
         "</td><td class=\"num\">" + Escape(boe) + "</td><td class=\"num\">" + Escape(ratio) +
         "</td></tr>";
}

}  // namespace

std::string RenderKneeReport(const Json& k) {
  const std::string problem = TextAt(k, "problem", "a design");
  const auto& boe = ObjectAt(k, "boe");
  const auto& bn = ObjectAt(k, "bottleneck");
  std::string out = PageStart("archload knee: " + problem);
  out += "<header><h1>archload knee: " + Escape(problem) + "</h1>";
  const bool complete = BoolAt(k, "complete", true), limited = BoolAt(k, "harness_limited");
  const auto knee = NumberAt(k, "saturation_knee_rps");
  std::string word = !complete ? "INCOMPLETE" : limited ? "HARNESS-LIMITED" : "MEASURED";
  out += "<div class=\"verdict-badge " +
         std::string(!complete || limited ? "not-judged"
                     : knee               ? "pass"
                                          : "fail") +
         "\" id=\"verdict-word\">" + Escape(word) + ": knee at " + Escape(Rate(knee)) +
         "</div></header>\n";
  out += "<section id=\"verdict\"><h2>The knee beside the BoE</h2>\n";
  out +=
      "<table class=\"verdict\"><thead><tr><th></th><th>measured</th><th>BoE</th>"
      "<th>measured / BoE</th></tr></thead><tbody>";
  out += Row("saturation knee (max throughput)", Rate(knee), Rate(NumberAt(boe, "max_rps")),
             Ratio(NumberAt(k, "ratio")));
  out += Row("NFR knee (first rate an NFR fails)", Rate(NumberAt(k, "nfr_knee_rps")),
             Rate(NumberAt(boe, "nfr_knee_rps")), Ratio(NumberAt(k, "nfr_ratio")));
  out += Row("bottleneck", TextAt(bn, "measured", "-"), TextAt(bn, "predicted", "-"),
             BoolAt(bn, "agree") ? "agree" : "DISAGREE");
  out += "</tbody></table>\n<div class=\"facts\">";
  auto fact = [&](const std::string& name, const std::string& value) {
    out += "<div><span>" + Escape(name) + ":</span> " + Escape(value) + "</div>";
  };
  fact("scale", TextAt(k, "scale", "1/1") + " (figures at this scale)");
  const auto& trial = ObjectAt(k, "trial");
  fact("trials", Short(static_cast<double>(ArrayAt(k, "points").size())) + " of " +
                     Short(NumberAt(trial, "warmup_s").value_or(0)) + " s warm-up + " +
                     Short(NumberAt(trial, "measure_s").value_or(0)) + " s measured");
  fact("precision", Percent(NumberAt(k, "precision").value_or(0)));
  if (const auto why = TextAt(bn, "measured_reason"); !why.empty()) fact("measured", why);
  out += "</div>\n";
  if (const auto& m = ObjectAt(k, "misjudged"); !m.empty()) {
    out += "<p class=\"missing\">The BoE misjudges " + Escape(TextAt(m, "group")) +
           ": measured utilisation " +
           Escape(Percent(NumberAt(m, "measured_utilization").value_or(0))) + ", BoE " +
           Escape(Percent(NumberAt(m, "boe_utilization").value_or(0))) + ".</p>\n";
  }
  if (limited) {
    out += "<p class=\"missing\">A trial was void (" + Escape(TextAt(k, "harness_reason")) +
           "): the harness, not the design, was the limit there.</p>\n";
  }
  out += "</section>\n" + KneeSection(k);
  return out + PageEnd();
}

}  // namespace archload::report::html

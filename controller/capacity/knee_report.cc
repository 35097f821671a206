#include "controller/capacity/knee_report.h"

#include <cmath>
#include <cstdio>

#include "controller/planner/scale.h"
#include "controller/report/table.h"

namespace archload::capacity {

namespace {

// The model's latency is 0 where it has none: at or past the BoE maximum, queues grow without
// bound. Written as null (JSON) and "unbounded" (text), never as a 0 ms prediction.
nlohmann::json BoeJson(double ms) { return ms > 0 ? nlohmann::json(ms) : nlohmann::json(nullptr); }
std::string BoeMs(double ms) { return ms > 0 ? report::Ms(ms) : "unbounded"; }

using report::HumanRate;
using report::Ms;
using report::Percent;
using report::Table;

nlohmann::json Opt(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

std::string Rate(const std::optional<double>& v) { return v ? HumanRate(*v) + " req/s" : "-"; }

std::string Ratio(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b || *b <= 0) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.3f", *a / *b);
  return buf;
}

nlohmann::json ByGroup(const std::vector<std::string>& names, const std::vector<double>& v) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < names.size() && i < v.size(); ++i) j[names[i]] = v[i];
  return j;
}

std::vector<double> BoeUtilization(const planner::Plan& p) {
  std::vector<double> u;
  for (const auto& g : p.groups) u.push_back(g.utilization);
  return u;
}

}  // namespace

void FindBottleneck(KneeReport& r) {
  const TrialRunner::Record* above = nullptr;
  const TrialRunner::Record* at = nullptr;
  for (const auto* t : r.trials) {
    const double rps = t->summary.offered_rps;
    const bool pass = Saturation(t->summary) == TrialVerdict::kPass;
    if (!pass && t->summary.harness_ok && (!above || rps < above->summary.offered_rps)) {
      if (!r.search.saturation.rps || rps > *r.search.saturation.rps) above = t;
    }
    if (pass && r.search.saturation.rps && std::abs(rps - *r.search.saturation.rps) < 1e-6) at = t;
  }
  if (above) {
    // A worker's rejections are a broker's flow control (the message waits and is delivered
    // again) or asynchronous: they did not fail the trial, so they do not name its bottleneck.
    size_t worst = 0;
    auto counts = [&](size_t g) {
      return g < above->result.groups.size() && above->result.groups[g].role != "worker"
                 ? above->summary.rejected[g]
                 : 0;
    };
    for (size_t g = 0; g < above->summary.rejected.size(); ++g) {
      if (counts(g) > counts(worst)) worst = g;
    }
    if (worst < r.groups.size() && counts(worst) > 0) {
      r.measured_bottleneck = r.groups[worst];
      r.measured_bottleneck_reason = std::to_string(above->summary.rejected[worst]) +
                                     " rejected at " + HumanRate(above->summary.offered_rps) +
                                     " req/s";
      return;
    }
  }
  const auto* t = at ? at : above;
  if (!t) return;
  size_t busiest = 0;
  for (size_t g = 0; g < t->summary.utilization.size(); ++g) {
    if (t->result.groups[g].role == "client") continue;
    if (t->result.groups[busiest].role == "client" ||
        t->summary.utilization[g] > t->summary.utilization[busiest]) {
      busiest = g;
    }
  }
  if (busiest < r.groups.size()) {
    r.measured_bottleneck = r.groups[busiest];
    r.measured_bottleneck_reason = "busiest, " + Percent(t->summary.utilization[busiest]) + " at " +
                                   HumanRate(t->summary.offered_rps) + " req/s";
  }
}

void FindMisjudged(KneeReport& r) {
  const auto& s = r.search;
  if (!s.saturation.rps || !(r.boe_max_rps > 0)) return;
  const double ratio = *s.saturation.rps / r.boe_max_rps;
  if (ratio >= 0.9 && ratio <= 1.1) return;
  const CurvePoint* at = nullptr;
  for (const auto& p : r.curve) {
    if (p.fraction == 1.0 && p.trial) at = &p;
  }
  if (!at) return;
  double worst = 0;
  for (size_t g = 0;
       g < r.groups.size() && g < at->trial->result.groups.size() && g < at->boe.groups.size();
       ++g) {
    if (at->trial->result.groups[g].role == "client") continue;
    const double measured = at->trial->summary.utilization[g];
    const double predicted = at->boe.groups[g].utilization;
    const double off = std::abs(measured - predicted);
    if (off > worst) {
      worst = off;
      r.misjudged_group = r.groups[g];
      r.misjudged_measured = measured;
      r.misjudged_predicted = predicted;
    }
  }
}

void PrintKnee(const KneeReport& r, std::ostream& out) {
  out << "\nKnee of " << r.problem << " at scale " << planner::FormatScale(r.divisor) << " (trials "
      << r.warmup_s + r.measure_s << " s: " << r.warmup_s << " s warm-up + " << r.measure_s
      << " s counted; precision " << Percent(r.precision) << "; " << r.trials.size()
      << " trials)\n\n";
  Table k({"", "measured", "BoE", "measured / BoE"}, {false, true, true, true});
  const auto& s = r.search;
  k.AddRow({"saturation knee",
            Rate(s.saturation.rps) + (s.saturation.confirmed ? "" : " (unconfirmed)"),
            Rate(r.boe_max_rps), Ratio(s.saturation.rps, r.boe_max_rps)});
  std::string nfr_label = "NFR knee";
  for (const auto& n : r.boe_nfr_knees) nfr_label += " (" + n.name + " " + Ms(n.target_ms) + ")";
  k.AddRow({nfr_label, Rate(s.nfr.rps) + (s.nfr.confirmed || !s.nfr.rps ? "" : " (unconfirmed)"),
            Rate(r.boe_nfr_knee_rps), Ratio(s.nfr.rps, r.boe_nfr_knee_rps)});
  k.Print(out);
  out << "\nBottleneck: measured " << (r.measured_bottleneck.empty() ? "-" : r.measured_bottleneck)
      << (r.measured_bottleneck_reason.empty() ? "" : " (" + r.measured_bottleneck_reason + ")")
      << "; BoE " << r.boe_bottleneck
      << (r.measured_bottleneck == r.boe_bottleneck ? " (agree)" : " (DISAGREE)") << "\n";
  if (!r.misjudged_group.empty()) {
    out << "The knee disagrees with the BoE (" << Ratio(s.saturation.rps, r.boe_max_rps)
        << " of it): " << r.misjudged_group << " ran at " << Percent(r.misjudged_measured)
        << " utilisation at the knee where the BoE expected " << Percent(r.misjudged_predicted)
        << ": its capacity is misjudged\n";
  }
  if (!r.curve.empty()) {
    out << "\nCurve (measured, BoE in brackets):\n";
    std::vector<std::string> head = {"% of knee", "offered", "achieved", "p50", "p99"};
    std::vector<bool> numeric = {true, true, true, true, true};
    const auto* first = r.curve.front().trial;
    for (size_t g = 0; g < r.groups.size(); ++g) {
      if (first && g < first->result.groups.size() && first->result.groups[g].role != "client") {
        head.push_back(r.groups[g] + " util");
        numeric.push_back(true);
      }
    }
    Table c(head, numeric);
    for (const auto& p : r.curve) {
      if (!p.trial) continue;
      const auto& t = p.trial->summary;
      std::vector<std::string> row = {Percent(p.fraction), HumanRate(t.offered_rps),
                                      HumanRate(t.achieved_rps),
                                      Ms(t.p50_ms) + " (" + BoeMs(p.boe.latency.p50_ms) + ")",
                                      Ms(t.p99_ms) + " (" + BoeMs(p.boe.latency.p99_ms) + ")"};
      for (size_t g = 0; g < r.groups.size() && g < p.trial->result.groups.size(); ++g) {
        if (p.trial->result.groups[g].role == "client") continue;
        row.push_back(Percent(t.utilization[g]) + " (" +
                      Percent(g < p.boe.groups.size() ? p.boe.groups[g].utilization : 0) + ")");
      }
      c.AddRow(row);
    }
    c.Print(out);
  }
  if (s.harness_limited) {
    out << "\nHARNESS: a trial was void (" << s.harness_reason
        << "): the harness, not the design, was the limit there; the knee is at least what "
           "passed below it\n";
  }
  if (r.interrupted) out << "\nINCOMPLETE: interrupted; the figures above are what was measured\n";
}

nlohmann::json KneeToJson(const KneeReport& r) {
  nlohmann::json j;
  j["schema"] = "archload.knee/1";
  j["problem"] = r.problem;
  j["scale"] = planner::FormatScale(r.divisor);
  j["scale_divisor"] = r.divisor;
  j["trial"] = {{"warmup_s", r.warmup_s}, {"measure_s", r.measure_s}};
  j["precision"] = r.precision;
  auto& pts = j["points"] = nlohmann::json::array();
  for (size_t i = 0; i < r.trials.size(); ++i) {
    const auto& t = r.trials[i]->summary;
    pts.push_back({{"phase", i < r.phases.size() ? r.phases[i] : ""},
                   {"offered_rps", t.offered_rps},
                   {"arrived_rps", t.arrived_rps},
                   {"achieved_rps", t.achieved_rps},
                   {"error_fraction", t.error_fraction},
                   {"p50_ms", t.p50_ms},
                   {"p99_ms", t.p99_ms},
                   {"pass", Saturation(t) == TrialVerdict::kPass},
                   {"nfr_pass", Nfr(t) == TrialVerdict::kPass},
                   {"void", !t.harness_ok},
                   {"harness_reason", t.harness_reason},
                   {"utilization", ByGroup(r.groups, t.utilization)}});
  }
  const auto& s = r.search;
  j["saturation_knee_rps"] = Opt(s.saturation.rps);
  j["saturation_confirmed"] = s.saturation.confirmed;
  j["saturation_failed_rps"] = Opt(s.saturation.failed_rps);
  j["nfr_knee_rps"] = Opt(s.nfr.rps);
  j["nfr_confirmed"] = s.nfr.confirmed;
  j["harness_limited"] = s.harness_limited;
  j["harness_reason"] = s.harness_reason;
  j["ratio"] = s.saturation.rps && r.boe_max_rps > 0
                   ? nlohmann::json(*s.saturation.rps / r.boe_max_rps)
                   : nlohmann::json(nullptr);
  j["nfr_ratio"] = s.nfr.rps && r.boe_nfr_knee_rps && *r.boe_nfr_knee_rps > 0
                       ? nlohmann::json(*s.nfr.rps / *r.boe_nfr_knee_rps)
                       : nlohmann::json(nullptr);
  j["bottleneck"] = {{"measured", r.measured_bottleneck},
                     {"measured_reason", r.measured_bottleneck_reason},
                     {"predicted", r.boe_bottleneck},
                     {"agree", r.measured_bottleneck == r.boe_bottleneck}};
  auto boe_knees = nlohmann::json::array();
  for (const auto& k : r.boe_nfr_knees) {
    boe_knees.push_back({{"name", k.name}, {"target_ms", k.target_ms}, {"rps", Opt(k.rps)}});
  }
  auto boe_curve = nlohmann::json::array();
  auto curve = nlohmann::json::array();
  for (const auto& p : r.curve) {
    boe_curve.push_back({{"rps", p.fraction * s.saturation.rps.value_or(0)},
                         {"p50_ms", BoeJson(p.boe.latency.p50_ms)},
                         {"p99_ms", BoeJson(p.boe.latency.p99_ms)},
                         {"utilization", ByGroup(r.groups, BoeUtilization(p.boe))}});
    if (!p.trial) continue;
    const auto& t = p.trial->summary;
    curve.push_back({{"fraction", p.fraction},
                     {"offered_rps", t.offered_rps},
                     {"achieved_rps", t.achieved_rps},
                     {"p50_ms", t.p50_ms},
                     {"p99_ms", t.p99_ms},
                     {"boe_p50_ms", BoeJson(p.boe.latency.p50_ms)},
                     {"boe_p99_ms", BoeJson(p.boe.latency.p99_ms)},
                     {"utilization", ByGroup(r.groups, t.utilization)},
                     {"boe_utilization", ByGroup(r.groups, BoeUtilization(p.boe))}});
  }
  j["boe"] = {{"max_rps", r.boe_max_rps},
              {"nfr_knee_rps", Opt(r.boe_nfr_knee_rps)},
              {"nfr_knees", boe_knees},
              {"bottleneck", r.boe_bottleneck},
              {"curve", boe_curve}};
  j["curve"] = curve;
  j["misjudged"] = r.misjudged_group.empty()
                       ? nlohmann::json(nullptr)
                       : nlohmann::json{{"group", r.misjudged_group},
                                        {"measured_utilization", r.misjudged_measured},
                                        {"boe_utilization", r.misjudged_predicted}};
  j["complete"] = !r.interrupted;
  return j;
}

}  // namespace archload::capacity

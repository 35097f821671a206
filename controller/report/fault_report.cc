#include "controller/report/fault_report.h"

#include <cmath>
#include <cstdio>

#include "common/spec/spec_yaml.h"
#include "controller/report/table.h"
#include "controller/run/fault_figures.h"

namespace archload::report {

namespace {

std::string Seconds(std::optional<double> s, const char* none) {
  if (!s) return none;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", *s);
  return buf;
}

std::string Count(double v) { return spec::FormatNumber(std::round(v)); }

std::string Fraction(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", *v);
  return buf;
}

// One character per second: how much of it was answered ok.
std::string Sparkline(const std::vector<double>& per_second) {
  static const char* kLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string out;
  for (double a : per_second) {
    // 1.0 is full; every 1% below drops a level (below 93%: the lowest).
    const int drop = a >= 1 ? 0 : std::min(7, 1 + static_cast<int>((1 - a) * 100));
    out += kLevels[7 - drop];
  }
  return out;
}

nlohmann::json Opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nullptr; }

std::string GroupName(int g, const run::RunResult& r) {
  return g >= 0 && static_cast<size_t>(g) < r.groups.size() ? r.groups[g].name : "?";
}

}  // namespace

void PrintFaults(const run::RunResult& r, std::ostream& out) {
  if (r.faults.empty() || !r.availability) return;
  const auto& a = *r.availability;
  out << "\nFaults injected (docs/faults.md)\n";
  for (const auto& f : r.faults) {
    const auto& p = f.predicted;
    const auto& m = f.measured;
    out << "  " << f.target << "\n";
    if (!p.how.empty()) out << "    model: " << p.how << "\n";
    Table t({"", "predicted", "measured"}, {false, true, true});
    const bool instance_fault = f.fault.kind == model::FaultKind::kKill ||
                                f.fault.kind == model::FaultKind::kHang ||
                                f.fault.kind == model::FaultKind::kErrors;
    // Nothing failed: no dip to detect or recover from.
    const bool clean = m.lost == 0 && m.recovery_s && *m.recovery_s == 0 && !m.detection_s;
    if (instance_fault) {
      // Detection, as availability sees it: the failures stop (callers stopped choosing it).
      t.AddRow({"detection (failures stop)", Seconds(p.detection_s, "none"),
                clean ? "nothing failed" : Seconds(m.detection_s, "none")});
      t.AddRow({"callers' own account", "", Seconds(f.callers_detected_s, "none")});
      const double length = m.end_s - m.start_s;
      t.AddRow({"recovery (availability back)",
                Seconds(p.detection_s ? p.detection_s : std::optional<double>(length), "-"),
                Seconds(m.recovery_s, "not before the end")});
      if (f.fault.kind == model::FaultKind::kKill && f.fault.restart && f.fault.duration_s > 0) {
        t.AddRow({"back in the choice after the end", Seconds(p.restored_s, "not in the run"),
                  Seconds(f.callers_restored_s, "not in the run")});
      }
      t.AddRow({"requests lost", Count(p.lost), Count(static_cast<double>(m.lost))});
      t.AddRow({"availability (run)", Fraction(p.availability), "-"});
      if (p.survivors_utilization) {
        t.AddRow({"survivors' utilisation", Percent(*p.survivors_utilization), "-"});
      }
    } else if (f.fault.kind == model::FaultKind::kPartition && p.availability) {
      t.AddRow({"recovery (availability back)", "-", Seconds(m.recovery_s, "not before the end")});
      t.AddRow({"requests lost", Count(p.lost), Count(static_cast<double>(m.lost))});
      t.AddRow({"availability (run)", Fraction(p.availability), "-"});
    } else {
      if (f.boe_p99_with_ms) {
        t.AddRow({"P99 (BoE without the fault → with it)",
                  (f.boe_p99_without_ms ? Ms(*f.boe_p99_without_ms) : "-") + " → " +
                      Ms(*f.boe_p99_with_ms),
                  "-"});
      }
      t.AddRow({"recovery (availability back)", "-", Seconds(m.recovery_s, "not before the end")});
      t.AddRow({"requests lost in the dip", "-", Count(static_cast<double>(m.lost))});
    }
    t.AddRow({"lowest second", "-", Fraction(m.lowest)});
    auto ms = [](std::optional<double> v) { return v ? Ms(*v) : std::string("-"); };
    t.AddRow({"P99 before / during / after", "-",
              ms(f.p99_before_ms) + " / " + ms(f.p99_during_ms) + " / " + ms(f.p99_after_ms)});
    t.Print(out);
    if (p.metastable) out << "    predicted: metastable (stays overloaded after the surge)\n";
  }
  out << "  availability per second (█ 100%, each level down 1%): " << Sparkline(a.per_second)
      << "\n";
  out << "  baseline before the first fault " << Fraction(a.baseline) << "; the run failed "
      << a.failed << " requests";
  if (a.budget > 0) {
    out << " against an error budget of " << Count(a.budget) << " (the availability NFR over "
        << "the requests offered): " << (a.failed <= a.budget ? "within it" : "spent") << " ("
        << spec::FormatNumber(std::round(100 * a.failed / a.budget)) << "%)";
  }
  out << "\n";
  if (r.unanswered > 0) {
    out << "  " << r.unanswered << " counted requests were never answered (a hang, no timeout): "
        << "counted against availability\n";
  }
  if (r.edges.empty()) return;
  out << "\nCallers' resilience (calls through timeouts, retries, ejection, checks)\n";
  Table e({"caller → target", "calls", "failed", "retries", "timeouts", "fast-failed",
           "budget refused", "dropped", "ejections", "checks"},
          {false, true, true, true, true, true, true, true, true, true});
  for (const auto& x : r.edges) {
    e.AddRow({GroupName(x.caller, r) + " → " + GroupName(x.target, r), std::to_string(x.calls),
              std::to_string(x.failed), std::to_string(x.retries), std::to_string(x.timeouts),
              std::to_string(x.overflows), std::to_string(x.budget_refused),
              std::to_string(x.partitioned), std::to_string(x.ejections),
              std::to_string(x.checks)});
  }
  e.Print(out);
  for (const auto& x : r.edges) {
    size_t shown = 0;
    for (const auto& ev : x.events) {
      if (++shown > 8) {
        out << "    ... " << x.events.size() - 8 << " more\n";
        break;
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f s", ev.at_s);
      out << "    " << buf << " " << GroupName(x.caller, r) << " → " << GroupName(x.target, r)
          << " #" << ev.instance << " " << ev.what;
      if (ev.what == "ejected") {
        std::snprintf(buf, sizeof buf, "%.2f s", ev.until_s);
        out << " until " << buf;
      }
      out << "\n";
    }
  }
}

nlohmann::json FaultsToJson(const run::RunResult& r) {
  nlohmann::json j = nlohmann::json::object();
  if (r.faults.empty() || !r.availability) return j;
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& f : r.faults) {
    const auto& p = f.predicted;
    const auto& m = f.measured;
    faults.push_back({
        {"kind", model::FaultKindName(f.fault.kind)},
        {"description", f.target},
        {"group", f.fault.group >= 0 ? nlohmann::json(GroupName(f.fault.group, r)) : nullptr},
        {"instance", f.fault.instance >= 0 ? nlohmann::json(f.fault.instance) : nullptr},
        {"peer", f.fault.peer_group >= 0 && f.fault.kind == model::FaultKind::kPartition
                     ? nlohmann::json(GroupName(f.fault.peer_group, r))
                     : nullptr},
        {"start_s", m.start_s},
        {"end_s", m.end_s},
        {"predicted",
         {{"how", p.how},
          {"detection_s", Opt(p.detection_s)},
          {"restored_s", Opt(p.restored_s)},
          {"failing_share", p.failing_share},
          {"lost", p.lost},
          {"availability", Opt(p.availability)},
          {"survivors_utilization", Opt(p.survivors_utilization)},
          {"saturates", p.saturates},
          {"metastable", p.metastable}}},
        {"measured",
         {{"detection_s", Opt(m.detection_s)},
          {"recovery_s", Opt(m.recovery_s)},
          {"lost", m.lost},
          {"lowest", m.lowest},
          {"callers_detected_s", Opt(f.callers_detected_s)},
          {"callers_restored_s", Opt(f.callers_restored_s)},
          {"p99_before_ms", Opt(f.p99_before_ms)},
          {"p99_during_ms", Opt(f.p99_during_ms)},
          {"p99_after_ms", Opt(f.p99_after_ms)}}},
        {"boe_p99_without_ms", Opt(f.boe_p99_without_ms)},
        {"boe_p99_with_ms", Opt(f.boe_p99_with_ms)},
    });
  }
  const auto& a = *r.availability;
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& x : r.edges) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& ev : x.events) {
      events.push_back({{"at_s", ev.at_s},
                        {"instance", ev.instance},
                        {"what", ev.what},
                        {"until_s", ev.what == "ejected" ? nlohmann::json(ev.until_s) : nullptr}});
    }
    edges.push_back({{"caller", GroupName(x.caller, r)},
                     {"target", GroupName(x.target, r)},
                     {"views", x.views},
                     {"calls", x.calls},
                     {"failed", x.failed},
                     {"retries", x.retries},
                     {"timeouts", x.timeouts},
                     {"fast_failed", x.overflows},
                     {"budget_refused", x.budget_refused},
                     {"dropped", x.partitioned},
                     {"ejections", x.ejections},
                     {"checks", x.checks},
                     {"events", events}});
  }
  j["faults"] = faults;
  j["availability"] = {{"per_second", a.per_second},
                       {"baseline", a.baseline},
                       {"failed", a.failed},
                       {"budget", a.budget},
                       {"unanswered", r.unanswered},
                       {"bin_s", r.timeline.bin_s},
                       {"offered", r.timeline.offered},
                       {"ok", r.timeline.ok},
                       {"failed_bins", r.timeline.failed}};
  j["resilience"] = edges;
  return j;
}

}  // namespace archload::report

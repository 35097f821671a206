#include "controller/report/hop_report.h"

#include <cstdio>

#include "controller/report/table.h"

namespace archload::report {

namespace {

std::string Beside(const std::string& measured, const std::optional<std::string>& boe) {
  return boe ? measured + " (" + *boe + ")" : measured;
}

std::optional<std::string> MsOf(std::optional<double> v) {
  if (!v) return std::nullopt;
  return Ms(*v);
}

std::optional<std::string> PercentOf(std::optional<double> v) {
  if (!v) return std::nullopt;
  return Percent(*v);
}

nlohmann::json Opt(std::optional<double> v) { return v ? nlohmann::json(*v) : nullptr; }

}  // namespace

void PrintHops(const std::vector<run::HopFigures>& hops, std::ostream& out) {
  if (hops.empty()) return;
  out << "Per hop: a visit waits for a slot, then holds it (BoE in brackets: Allen-Cunneen wait, "
         "Erlang C P(wait))\n";
  Table t({"group", "visits/s", "wait mean", "wait p99", "P(wait)", "service mean", "service p99",
           "timer overrun"},
          {false, true, true, true, true, true, true, true});
  for (const auto& h : hops) {
    char overrun[32];
    std::snprintf(overrun, sizeof overrun, "%.0f µs", h.overrun_us);
    t.AddRow({h.group, HumanRate(h.rps), Beside(Ms(h.wait_mean_ms), MsOf(h.boe_wait_ms)),
              Ms(h.wait_p99_ms),
              Beside(Percent(h.wait_probability), PercentOf(h.boe_wait_probability)),
              Beside(Ms(h.service_mean_ms), MsOf(h.boe_service_ms)), Ms(h.service_p99_ms),
              h.sampled_mean_ms > 0 ? overrun : "-"});
  }
  t.Print(out);
}

nlohmann::json HopsToJson(const std::vector<run::HopFigures>& hops) {
  auto j = nlohmann::json::array();
  for (const auto& h : hops) {
    j.push_back({{"group", h.group},
                 {"count", h.count},
                 {"concurrency", h.concurrency},
                 {"visits", h.visits},
                 {"rps", h.rps},
                 {"wait_mean_ms", h.wait_mean_ms},
                 {"wait_p99_ms", h.wait_p99_ms},
                 {"wait_probability", h.wait_probability},
                 {"service_mean_ms", h.service_mean_ms},
                 {"service_p99_ms", h.service_p99_ms},
                 {"sampled_service_mean_ms", h.sampled_mean_ms},
                 {"overrun_us", h.overrun_us},
                 {"utilization", h.utilization},
                 {"hold_utilization", h.hold_utilization},
                 {"predicted_wait_ms", Opt(h.boe_wait_ms)},
                 {"predicted_service_ms", Opt(h.boe_service_ms)},
                 {"predicted_wait_probability", Opt(h.boe_wait_probability)}});
  }
  return j;
}

}  // namespace archload::report

#include "controller/report/budget_report.h"

#include <cmath>

#include "controller/report/table.h"

namespace archload::report {

namespace {
nlohmann::json Finite(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
std::string MsOrInf(double v) { return std::isfinite(v) ? Ms(v) : "unbounded"; }
}  // namespace

void PrintBudgets(const std::vector<planner::LatencyBudget>& budgets, std::ostream& out) {
  for (const auto& b : budgets) {
    out << "\nLatency budget: " << b.nfr << " target " << Ms(b.target_ms) << ", BoE "
        << MsOrInf(b.predicted_ms) << " (" << MsOrInf(b.no_queueing_ms)
        << " with no queueing anywhere)\n";
    Table t({"hop", "service (mean)", "its queueing costs", "its service costs"},
            {false, true, true, true});
    for (const auto& h : b.hops) {
      if (h.queueing_ms < 0.005 && h.service_share_ms < 0.005) continue;
      t.AddRow({h.group, Ms(h.service_ms), Ms(h.queueing_ms), Ms(h.service_share_ms)});
    }
    t.Print(out);
    out << "  -> " << b.advice << "\n";
  }
}

nlohmann::json BudgetsToJson(const std::vector<planner::LatencyBudget>& budgets) {
  auto j = nlohmann::json::array();
  for (const auto& b : budgets) {
    auto hops = nlohmann::json::array();
    for (const auto& h : b.hops) {
      hops.push_back({{"group", h.group},
                      {"service_ms", h.service_ms},
                      {"queueing_ms", h.queueing_ms},
                      {"service_share_ms", h.service_share_ms}});
    }
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [g, c] : b.counts) counts[g] = c;
    j.push_back({{"nfr", b.nfr},
                 {"target_ms", b.target_ms},
                 {"predicted_ms", Finite(b.predicted_ms)},
                 {"no_queueing_ms", Finite(b.no_queueing_ms)},
                 {"met", b.met},
                 {"reachable_by_counts", b.reachable_by_counts},
                 {"counts", counts},
                 {"ceiling",
                  b.ceiling_group.empty()
                      ? nlohmann::json(nullptr)
                      : nlohmann::json{{"group", b.ceiling_group},
                                       {"from_ms", b.ceiling_from_ms},
                                       {"to_ms", b.ceiling_to_ms ? nlohmann::json(*b.ceiling_to_ms)
                                                                 : nlohmann::json(nullptr)}}},
                 {"hops", hops},
                 {"advice", b.advice}});
  }
  return j;
}

}  // namespace archload::report

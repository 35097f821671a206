#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "controller/planner/latency_budget.h"

namespace archload::report {

// Per latency NFR: the hops that spend its milliseconds and what would meet it.
void PrintBudgets(const std::vector<planner::LatencyBudget>& budgets, std::ostream& out);
nlohmann::json BudgetsToJson(const std::vector<planner::LatencyBudget>& budgets);

}  // namespace archload::report

#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "controller/planner/planner.h"
#include "controller/planner/tier_checker.h"

namespace archload::report {

// The documented JSON form of a plan (docs/plan-json.md).
nlohmann::json PlanToJson(const planner::Plan& plan);
void PrintPlanTable(const planner::Plan& plan, std::ostream& out);

nlohmann::json TiersToJson(const std::vector<planner::TierResult>& tiers);
void PrintTiers(const std::vector<planner::TierResult>& tiers, std::ostream& out);

}  // namespace archload::report

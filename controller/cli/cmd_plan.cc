// `archload plan` and `archload check`.
#include <fstream>
#include <iostream>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/catalog.h"
#include "controller/cli/commands.h"
#include "controller/planner/latency_budget.h"
#include "controller/planner/planner.h"
#include "controller/planner/tier_checker.h"
#include "controller/planner/what_if.h"
#include "controller/report/budget_report.h"
#include "controller/report/plan_report.h"

namespace archload::cli {

planner::Plan PlanFor(const GlobalOptions& g, const PlanCliOptions& o, spec::Problem* problem,
                      std::vector<planner::LatencyBudget>* budgets) {
  catalog::Catalog cat(catalog::FindCatalogDir(g.catalog_flag, g.argv0));
  *problem = catalog::LoadProblemOrDesign(o.target, cat);
  std::vector<planner::Change> changes;
  for (const auto& s : o.set) changes.push_back(planner::ParseChange(s));
  planner::ApplyChanges(*problem, changes);
  planner::PlanOptions options;
  options.rate_rps = o.rate;
  options.scale = planner::ParseScale(o.scale);
  options.headroom = o.headroom;
  auto plan = planner::MakePlan(*problem, options);
  if (o.size_for == "latency") {
    // The smallest counts that meet every latency NFR counts can meet; the budgets say which not.
    *problem = planner::SizeForLatency(*problem, plan, options, budgets);
    plan = planner::MakePlan(*problem, options);
  }
  if (budgets && budgets->empty()) *budgets = planner::LatencyBudgets(*problem, plan, options);
  return plan;
}

namespace {

// Whether a design about to be written loads again, saying why not. A design that shares parts
// through YAML aliases is written out expanded, which can take it past the loader's limits.
bool ReadsBack(const std::string& text, const std::string& path) {
  try {
    spec::ParseProblemYaml(text, path);
    return true;
  } catch (const spec::SpecError& e) {
    std::cerr << "error: not writing " << path << ": the sized design would not load again ("
              << e.what() << ")\n";
    return false;
  }
}

}  // namespace

int RunPlan(const GlobalOptions& g, const PlanCliOptions& o) {
  if (o.format != "table" && o.format != "json") {
    std::cerr << "error: unknown --format '" << o.format << "' (expected table or json)\n";
    return kExitError;
  }
  spec::Problem problem;
  std::vector<planner::LatencyBudget> budgets;
  const auto plan = PlanFor(g, o, &problem, &budgets);
  if (o.size_for == "latency") {
    // After sizing, the budgets of the sized plan: what still misses is what counts cannot fix.
    budgets =
        planner::LatencyBudgets(problem, plan, {o.rate, planner::ParseScale(o.scale), o.headroom});
  }
  if (o.format == "json") {
    auto j = report::PlanToJson(plan);
    j["latency_budgets"] = report::BudgetsToJson(budgets);
    j["sized_for"] = o.size_for;
    std::cout << j.dump(2) << "\n";
  } else {
    report::PrintPlanTable(plan, std::cout);
    report::PrintBudgets(budgets, std::cout);
  }
  if (!o.write_design.empty()) {
    const std::string text = spec::EmitProblemYaml(planner::SizedProblem(problem, plan));
    if (!ReadsBack(text, o.write_design)) return kExitError;
    std::ofstream out(o.write_design, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "error: " << o.write_design << ": cannot write\n";
      return kExitError;
    }
  }
  return kExitOk;
}

int RunCheck(const GlobalOptions& g, const PlanCliOptions& o) {
  if (o.format != "table" && o.format != "json") {
    std::cerr << "error: unknown --format '" << o.format << "' (expected table or json)\n";
    return kExitError;
  }
  if (o.fault_run && !o.faults) {
    std::cerr << "error: --run goes with --faults\n";
    return kExitError;
  }
  if (o.faults) return RunCheckFaults(g, o);
  spec::Problem problem;
  const auto plan = PlanFor(g, o, &problem, nullptr);
  const spec::Design& design = o.unsized ? *problem.design : plan.sized_design;
  const auto tiers = planner::CheckTiers(problem, design);
  const bool pass = planner::AllPass(tiers);
  if (o.format == "json") {
    nlohmann::json j{{"problem", problem.id},
                     {"design", o.unsized ? "as written" : "planned"},
                     {"pass", pass},
                     {"tiers", report::TiersToJson(tiers)}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "Tier checks for " << problem.id << " ("
              << (o.unsized ? "design as written, unset counts = 1" : "planned design") << ")\n";
    report::PrintTiers(tiers, std::cout);
    std::cout << (pass ? "all tiers pass\n" : "some tiers fail\n");
  }
  return pass ? kExitOk : kExitFailed;
}

}  // namespace archload::cli

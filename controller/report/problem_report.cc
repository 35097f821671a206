#include "controller/report/problem_report.h"

#include <map>

#include "common/spec/spec_yaml.h"
#include "controller/planner/workload.h"
#include "controller/report/table.h"

namespace archload::report {
namespace {

const spec::LatencyTarget* HeadlineLatency(const spec::Problem& p) {
  for (const auto& n : p.nfrs) {
    if (n.kind == spec::NfrKind::kLatency && !n.latency.empty()) return &n.latency.front();
  }
  return nullptr;
}

bool HasNfrRate(const spec::Problem& p) {
  for (const auto& n : p.nfrs) {
    if (n.kind == spec::NfrKind::kRate && !n.rates.empty()) return true;
  }
  return false;
}

std::string LatencyText(const spec::LatencyTarget& t) {
  return "P" + spec::FormatNumber(t.percentile) + (t.percentile_assumed ? "?" : "") + " < " +
         spec::FormatNumber(t.ms) + " ms";
}

}  // namespace

ProblemRow RowFor(const spec::Problem& p) {
  ProblemRow r;
  r.id = p.id;
  r.category = p.category;
  r.difficulty = p.difficulty;
  if (p.design) {
    r.components = static_cast<int>(p.design->components.size());
    r.synthesized = p.design->synthesized;
  }
  const auto w = planner::ResolveWorkload(p);
  r.rate_rps = w.rate_rps;
  r.rate_source = w.rate_source;
  if (const auto* t = HeadlineLatency(p)) r.latency = LatencyText(*t);
  return r;
}

nlohmann::json RowsToJson(const std::vector<ProblemRow>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rows) {
    arr.push_back({{"id", r.id},
                   {"category", r.category},
                   {"difficulty", r.difficulty},
                   {"components", r.components},
                   {"synthesized", r.synthesized},
                   {"target_rps", r.rate_rps},
                   {"target_rps_source", r.rate_source},
                   {"latency_target",
                    r.latency.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.latency)}});
  }
  return arr;
}

void PrintRows(const std::vector<ProblemRow>& rows, std::ostream& out) {
  Table t({"id", "category", "difficulty", "components", "target req/s", "latency"},
          {false, false, false, true, true, false});
  for (const auto& r : rows) {
    t.AddRow({r.id, r.category, r.difficulty,
              std::to_string(r.components) + (r.synthesized ? "*" : ""), HumanRate(r.rate_rps),
              r.latency.empty() ? "-" : r.latency});
  }
  t.Print(out);
  out << rows.size() << " problems (* = synthesized design)\n";
}

nlohmann::json ProblemStats(const std::vector<spec::Problem>& problems) {
  int reference = 0, synthesized = 0, latency = 0, latency_explicit = 0, rate = 0, workload = 0;
  int tiers = 0, checks = 0;
  std::map<std::string, int> by_difficulty, by_category, check_kinds;
  for (const auto& p : problems) {
    if (p.design && p.design->synthesized) ++synthesized;
    if (p.design && !p.design->synthesized) ++reference;
    if (const auto* t = HeadlineLatency(p)) {
      ++latency;
      bool explicit_pct = false;
      for (const auto& n : p.nfrs) {
        for (const auto& lt : n.latency) explicit_pct = explicit_pct || !lt.percentile_assumed;
      }
      if (explicit_pct) ++latency_explicit;
      (void)t;
    }
    if (HasNfrRate(p)) ++rate;
    if (planner::ResolveWorkload(p).rate_source.rfind("default", 0) != 0) ++workload;
    tiers += static_cast<int>(p.tiers.size());
    for (const auto& t : p.tiers) {
      for (const auto& c : t.checks) {
        ++checks;
        ++check_kinds[spec::CheckKindName(c.kind)];
      }
    }
    ++by_difficulty[p.difficulty.empty() ? "(none)" : p.difficulty];
    ++by_category[p.category];
  }
  return {{"problems", problems.size()},
          {"reference_designs", reference},
          {"synthesized_designs", synthesized},
          {"parsed_latency_target", latency},
          {"parsed_latency_target_with_percentile", latency_explicit},
          {"parsed_rate", rate},
          {"rate_from_nfr_or_constants", workload},
          {"tiers", tiers},
          {"tier_checks", checks},
          {"tier_checks_by_kind", check_kinds},
          {"by_difficulty", by_difficulty},
          {"by_category", by_category}};
}

void PrintStats(const nlohmann::json& s, std::ostream& out) {
  Table t({"measure", "problems"}, {false, true});
  for (const char* k : {"problems", "reference_designs", "synthesized_designs",
                        "parsed_latency_target", "parsed_latency_target_with_percentile",
                        "parsed_rate", "rate_from_nfr_or_constants", "tiers", "tier_checks"}) {
    t.AddRow({k, std::to_string(s[k].get<int>())});
  }
  t.Print(out);
  out << "\n";
  Table d({"difficulty", "problems"}, {false, true});
  for (const auto& [k, v] : s["by_difficulty"].items()) d.AddRow({k, std::to_string(v.get<int>())});
  d.Print(out);
  out << "\n";
  Table c({"tier check", "count"}, {false, true});
  for (const auto& [k, v] : s["tier_checks_by_kind"].items()) {
    c.AddRow({k, std::to_string(v.get<int>())});
  }
  c.Print(out);
}

void PrintProblem(const spec::Problem& p, std::ostream& out) {
  out << p.id << " — " << p.title << "\n";
  out << "category " << p.category << ", difficulty " << p.difficulty << "\n";
  if (!p.summary.empty()) out << "\n" << p.summary << "\n";
  if (!p.goal.empty()) out << "Goal: " << p.goal << "\n";
  out << "\nNon-functional requirements\n";
  for (const auto& n : p.nfrs) {
    out << "  " << n.name << ": " << n.raw << "\n";
    for (const auto& t : n.latency) {
      out << "      → " << LatencyText(t) << (t.label.empty() ? "" : " (" + t.label + ")") << "\n";
    }
    for (const auto& r : n.rates) {
      out << "      → " << HumanRate(r.per_second) << "/s " << r.label
          << (r.request_class.empty() ? "" : " " + r.request_class) << " (" << r.noun << ")\n";
    }
    if (n.availability)
      out << "      → availability " << spec::FormatNumber(*n.availability) << "\n";
  }
  if (!p.constants.empty()) {
    out << "\nConstants\n";
    for (const auto& c : p.constants) {
      out << "  " << c.key << ": " << (c.number ? spec::FormatNumber(*c.number) : c.text) << "\n";
    }
  }
  if (!p.tiers.empty()) {
    out << "\nTiers\n";
    for (const auto& t : p.tiers) {
      out << "  " << t.name << "\n";
      for (const auto& c : t.checks) out << "    - " << c.raw << "\n";
    }
  }
  if (p.design) {
    out << "\nDesign" << (p.design->synthesized ? " (synthesized from available components)" : "")
        << "\n";
    for (const auto& c : p.design->components) {
      out << "  " << c.name << " (" << c.type << ", " << spec::RoleName(c.role) << ")"
          << (c.count ? " ×" + std::to_string(*c.count) : "") << "\n";
    }
    for (const auto& c : p.design->connections) out << "  " << c.from << " → " << c.to << "\n";
  }
}

}  // namespace archload::report

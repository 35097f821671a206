// `archload check --faults`: for every group whose tiers demand a minimum count (for
// availability), one instance killed: do the NFRs still hold? The fault model answers for an
// instance lost once in a window (default an hour, --window), the survivors at n - 1 answer for
// latency and capacity; with --run each case is also emulated (a short `archload run` with the
// kill) and the measured detection and loss are put beside the prediction (docs/faults.md).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "archload/v1/faults.h"
#include "common/spec/spec_yaml.h"
#include "controller/cli/commands.h"
#include "controller/planner/fault_model.h"
#include "controller/report/table.h"
#include "controller/run/run_spec.h"

namespace archload::cli {

namespace {

struct Case {
  std::string group;
  int count = 0, minimum = 0;
  planner::FaultPrediction predicted;
  std::optional<double> survivors_p99_ms;  // the latency NFR's figure at n - 1, when it has one
  bool latency_holds = true, capacity_holds = true, availability_holds = true;
  // --run: what a short run with the kill measured.
  std::optional<double> measured_detection_s, measured_availability;
  std::string run_note;
};

std::optional<double> AvailabilityTarget(const spec::Problem& p) {
  for (const auto& n : p.nfrs) {
    if (n.kind == spec::NfrKind::kAvailability && n.availability) return n.availability;
  }
  return std::nullopt;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The run: the kill at 5 s with no restart, 20 s of load; from its report, when the failures
// stopped and how many were lost; over the window, the loss rate while undetected.
void Emulate(Case& c, const PlanCliOptions& o, const GlobalOptions& g, double window_s) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path report =
      fs::temp_directory_path() / ("archload-check-faults-" + std::to_string(::getpid()) + ".json");
  std::string cmd = Quote(self.string());
  if (!g.catalog_flag.empty()) cmd += " --catalog " + Quote(g.catalog_flag);
  cmd += " run " + Quote(o.target) + " --duration 20s --quiet --no-metrics --scale " +
         Quote(o.scale) + " --report " + Quote(report.string()) + " --fault " +
         Quote("{kind: kill, component: \"" + c.group +
               "\", instance: 0, start_s: 5, restart: false}");
  if (o.rate) cmd += " --rate " + spec::FormatNumber(*o.rate);
  for (const auto& s : o.set) cmd += " --set " + Quote(s);
  cmd += " >/dev/null 2>&1";
  fs::remove(report, ec);
  (void)std::system(cmd.c_str());
  std::ifstream in(report);
  const auto j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
  fs::remove(report, ec);
  if (!j.is_object() || !j.contains("faults") || j["faults"].empty()) {
    c.run_note = "the run gave no report";
    return;
  }
  const auto& m = j["faults"][0]["measured"];
  const double rate = j.value("offered_rps", 0.0);
  const double lost = m.value("lost", 0.0);
  if (m["detection_s"].is_number()) {
    c.measured_detection_s = m["detection_s"].get<double>();
    if (rate > 0) c.measured_availability = 1 - lost / (rate * window_s);
  } else if (rate > 0) {
    // Never detected: it fails its share for as long as it is down.
    c.measured_availability = 1 - lost / (rate * 15);
    c.run_note = "not detected within the run";
  }
}

}  // namespace

int RunCheckFaults(const GlobalOptions& g, const PlanCliOptions& o) {
  spec::Problem problem;
  const auto full = PlanFor(g, o, &problem, nullptr);
  const double window = o.fault_window_s;
  const auto target = AvailabilityTarget(problem);
  // What runs at --scale (the counts and rate the emulated case has): predicted on that.
  spec::Problem sized = planner::SizedProblem(problem, full);
  for (size_t k = 0; k < full.groups.size(); ++k) {
    sized.design->components[k].count = full.groups[k].scaled_count;
  }
  planner::PlanOptions as_run;
  as_run.rate_rps = full.workload.rate_rps / full.scale_divisor;
  as_run.headroom = o.headroom;
  const auto plan = planner::MakePlan(sized, as_run);
  planner::FaultModelInput in;
  // The same instant as the emulated case: 5 s into the load, the window counted from there.
  constexpr double kAt = 5;
  in.rate_rps = plan.workload.rate_rps;
  in.counted_from_s = kAt;
  in.run_s = kAt + window;
  for (size_t k = 0; k < plan.groups.size(); ++k) {
    const auto& comps = sized.design->components;
    in.resilience.push_back(v1::FromProto(
        run::ResilienceSpecOf(k < comps.size() ? comps[k].resilience : std::nullopt)));
    in.caller_views.push_back(1);
  }
  std::vector<Case> cases;
  for (size_t k = 0; k < plan.groups.size(); ++k) {
    const auto& gp = plan.groups[k];
    if (full.groups[k].tier_min < 2 || gp.count < 2) continue;
    Case c;
    c.group = gp.name;
    c.count = gp.count;
    c.minimum = full.groups[k].tier_min;
    model::Fault kill;
    kill.kind = model::FaultKind::kKill;
    kill.group = static_cast<int>(k);
    kill.instance = 0;
    kill.restart = false;
    kill.start_s = kAt;
    c.predicted = planner::PredictFault(plan, kill, in);
    c.capacity_holds = !c.predicted.saturates;
    // The survivors, as a design of their own at the same rate.
    spec::Problem fewer = sized;
    fewer.design->components[k].count = gp.count - 1;
    planner::PlanOptions po;
    po.rate_rps = plan.workload.rate_rps;
    po.headroom = o.headroom;
    const auto after = planner::MakePlan(fewer, po);
    for (const auto& n : after.nfrs) {
      if (n.unit != "ms") continue;
      if (!c.survivors_p99_ms || n.predicted > *c.survivors_p99_ms)
        c.survivors_p99_ms = n.predicted;
      c.latency_holds = c.latency_holds && n.pass && after.latency.stable;
    }
    c.availability_holds = !target || c.predicted.availability.value_or(1) >= *target;
    if (o.fault_run) Emulate(c, o, g, window);
    if (c.measured_availability && target) {
      c.availability_holds = c.availability_holds && *c.measured_availability >= *target;
    }
    cases.push_back(std::move(c));
  }
  bool all = true;
  for (const auto& c : cases) {
    all = all && c.latency_holds && c.capacity_holds && c.availability_holds;
  }
  if (o.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& c : cases) {
      auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nullptr; };
      arr.push_back({{"group", c.group},
                     {"count", c.count},
                     {"tier_minimum", c.minimum},
                     {"how", c.predicted.how},
                     {"detection_s", opt(c.predicted.detection_s)},
                     {"survivors_utilization", opt(c.predicted.survivors_utilization)},
                     {"survivors_latency_ms", opt(c.survivors_p99_ms)},
                     {"availability", opt(c.predicted.availability)},
                     {"measured_detection_s", opt(c.measured_detection_s)},
                     {"measured_availability", opt(c.measured_availability)},
                     {"latency_holds", c.latency_holds},
                     {"capacity_holds", c.capacity_holds},
                     {"availability_holds", c.availability_holds}});
    }
    std::cout << nlohmann::json{{"problem", problem.id},
                                {"window_s", window},
                                {"availability_target", target ? nlohmann::json(*target) : nullptr},
                                {"holds", all},
                                {"cases", arr}}
                     .dump(2)
              << "\n";
    return all ? kExitOk : kExitFailed;
  }
  std::cout << "Fault check for " << problem.id << " (planned design): one instance of each group "
            << "whose tiers demand a minimum, killed once in a " << spec::FormatNumber(window)
            << " s window, not restarted\n";
  if (cases.empty()) {
    std::cout << "no group's tiers demand two or more instances\n";
    return kExitOk;
  }
  auto secs = [](std::optional<double> v) {
    if (!v) return std::string("never");
    char b[32];
    std::snprintf(b, sizeof b, "%.2f s", *v);
    return std::string(b);
  };
  auto frac = [](std::optional<double> v) {
    if (!v) return std::string("-");
    char b[32];
    std::snprintf(b, sizeof b, "%.5f", *v);
    return std::string(b);
  };
  std::vector<std::string> headers = {"group",           "inst",           "tier min",
                                      "survivors' util", "latency at n-1", "detection",
                                      "availability"};
  if (o.fault_run) headers.push_back("measured: detection, availability");
  headers.push_back("holds");
  std::vector<bool> numeric(headers.size(), true);
  numeric.front() = false;
  numeric.back() = false;
  report::Table t(headers, numeric);
  for (const auto& c : cases) {
    const bool holds = c.latency_holds && c.capacity_holds && c.availability_holds;
    std::vector<std::string> row = {
        c.group,
        std::to_string(c.count),
        std::to_string(c.minimum),
        c.predicted.survivors_utilization ? report::Percent(*c.predicted.survivors_utilization)
                                          : "-",
        c.survivors_p99_ms ? report::Ms(*c.survivors_p99_ms) + (c.latency_holds ? " ✓" : " ✗")
                           : "-",
        secs(c.predicted.detection_s),
        frac(c.predicted.availability)};
    if (o.fault_run) {
      row.push_back(secs(c.measured_detection_s) + ", " + frac(c.measured_availability));
    }
    row.push_back(holds ? "✓" : "✗");
    t.AddRow(row);
  }
  t.Print(std::cout);
  for (const auto& c : cases) {
    std::cout << "  " << c.group << ": " << c.predicted.how;
    if (!c.run_note.empty()) std::cout << " (run: " << c.run_note << ")";
    std::cout << "\n";
  }
  if (target) std::cout << "availability target " << frac(target) << "\n";
  std::cout << (all ? "every NFR holds with one instance lost\n"
                    : "some NFRs fail with one instance lost\n");
  return all ? kExitOk : kExitFailed;
}

}  // namespace archload::cli

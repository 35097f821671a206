// `archload knee`: the highest sustainable rate, measured, beside the BoE's.
#include <fstream>
#include <iostream>

#include "controller/capacity/boe_model.h"
#include "controller/capacity/knee_report.h"
#include "controller/capacity/knee_search.h"
#include "controller/capacity/trial_runner.h"
#include "controller/catalog/catalog.h"
#include "controller/cli/commands.h"
#include "controller/report/html/report_page.h"
#include "controller/report/report_file.h"
#include "controller/report/table.h"
#include "controller/run/interrupt.h"

namespace archload::cli {

namespace {

const char* Word(capacity::TrialVerdict v) {
  switch (v) {
    case capacity::TrialVerdict::kPass:
      return "pass";
    case capacity::TrialVerdict::kFail:
      return "fail";
    case capacity::TrialVerdict::kVoid:
      return "VOID (harness)";
  }
  return "?";
}

}  // namespace

int RunKnee(const GlobalOptions& g, const KneeCliOptions& o) {
  catalog::Catalog cat(catalog::FindCatalogDir(g.catalog_flag, g.argv0));
  spec::Problem problem = catalog::LoadProblemOrDesign(o.target, cat);
  if (problem.design && !problem.design->faults.empty()) {
    // The knee is the design's capacity; its faults are a run's question (docs/faults.md).
    std::cerr << "note: knee ignores the design's " << problem.design->faults.size()
              << " fault(s)\n";
    problem.design->faults.clear();
  }
  if (!o.report.empty()) report::CheckWritable("--report", o.report);
  if (!o.html.empty()) report::CheckWritable("--html", o.html);
  planner::PlanOptions popts;
  popts.scale = planner::ParseScale(o.scale);
  popts.headroom = o.headroom;
  const planner::Plan plan = planner::MakePlan(problem, popts);
  const capacity::BoeModel boe(problem, plan, o.headroom);
  for (const auto& w : plan.warnings) std::cerr << "warning: " << w << "\n";
  if (!(boe.max_rps() > 0) || !std::isfinite(boe.max_rps())) {
    std::cerr << "error: the BoE predicts no maximum throughput for " << problem.id
              << " (no group is loaded): nothing to search\n";
    return kExitError;
  }

  capacity::TrialConfig tc;
  tc.warmup_s = o.warmup_s;
  tc.measure_s = o.trial_s;
  tc.runner.agents = o.agents;
  tc.harness_bound_ns = o.harness_bound_ms * 1e6;
  tc.runner.run.seed = o.seed;
  const run::InterruptGuard interrupts;
  tc.runner.interrupt = run::InterruptGuard::Flag();
  capacity::TrialRunner trials(problem, plan, boe, tc);

  capacity::KneeReport rep;
  rep.problem = problem.id;
  rep.divisor = plan.scale_divisor;
  rep.warmup_s = o.warmup_s;
  rep.measure_s = o.trial_s;
  rep.precision = o.precision;
  for (const auto& gp : plan.groups) rep.groups.push_back(gp.name);
  if (plan.implicit_client) rep.groups.push_back("client (implicit)");
  rep.boe_max_rps = boe.max_rps();
  rep.boe_nfr_knees = boe.NfrKnees();
  rep.boe_nfr_knee_rps = boe.NfrKneeRps();
  rep.boe_bottleneck = boe.bottleneck();
  std::cerr << "archload knee " << problem.id << ": BoE maximum "
            << report::HumanRate(boe.max_rps()) << " req/s (scaled), starting at "
            << o.start_fraction * 100 << "% of it; trials of " << o.warmup_s << " + " << o.trial_s
            << " s\n";

  capacity::SearchOptions so;
  so.start_rps = o.start_fraction * boe.max_rps();
  so.precision = o.precision;
  so.max_trials = o.max_trials;
  auto progress = [&](const capacity::TrialResult& t, int i, const std::string& phase) {
    const double arrived = t.arrived_rps > 0 ? t.arrived_rps : t.offered_rps;
    char buf[360];
    std::snprintf(buf, sizeof buf,
                  "[trial %2d, %s] %s req/s: arrived %s, achieved %s (%.1f%%), errors %.2f%%, "
                  "p99 %s: saturation %s, NFRs %s%s%s\n",
                  i, phase.c_str(), report::HumanRate(t.offered_rps).c_str(),
                  report::HumanRate(arrived).c_str(), report::HumanRate(t.achieved_rps).c_str(),
                  arrived > 0 ? 100 * t.achieved_rps / arrived : 0.0, 100 * t.error_fraction,
                  report::Ms(t.p99_ms).c_str(), Word(capacity::Saturation(t)),
                  Word(capacity::Nfr(t)), t.harness_ok ? "" : ": ", t.harness_reason.c_str());
    std::cerr << buf << std::flush;
  };
  capacity::KneeSearch search(so, std::ref(trials),
                              [&](const capacity::TrialResult& t, int i, const std::string& phase) {
                                rep.phases.push_back(phase);
                                progress(t, i, phase);
                              });
  try {
    rep.search = search.Run();
  } catch (const capacity::Interrupted&) {
    rep.interrupted = true;
  }
  // The curve: 10-100% of the saturation knee, each beside the model at the same rate.
  if (!rep.interrupted && rep.search.saturation.rps && o.curve) {
    try {
      for (double f : {0.10, 0.25, 0.50, 0.75, 0.90, 1.0}) {
        const double rps = f * *rep.search.saturation.rps;
        const auto* t = trials.Find(rps);
        if (!t) {
          const auto summary = trials(rps);
          rep.phases.push_back("curve");
          progress(summary, static_cast<int>(trials.records().size()), "curve");
        }
        rep.curve.push_back({f, nullptr, boe.At(rps)});
      }
    } catch (const capacity::Interrupted&) {
      rep.interrupted = true;
    }
    for (auto& p : rep.curve) p.trial = trials.Find(p.fraction * *rep.search.saturation.rps);
  }
  for (const auto& rec : trials.records()) rep.trials.push_back(&rec);
  capacity::FindBottleneck(rep);
  capacity::FindMisjudged(rep);
  capacity::PrintKnee(rep, std::cout);
  if (!o.report.empty() || !o.html.empty()) {
    const auto json = capacity::KneeToJson(rep);
    if (!o.report.empty()) report::WriteAtomically(o.report, json.dump(2) + "\n");
    if (!o.html.empty()) report::WriteAtomically(o.html, report::html::RenderKneeReport(json));
  }
  if (rep.interrupted) return 128 + run::InterruptGuard::Signal();
  return rep.search.saturation.rps ? kExitOk : kExitError;
}

}  // namespace archload::cli

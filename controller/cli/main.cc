// archload: the controller CLI. Flags are parsed here; each subcommand lives in cmd_*.cc.
#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>

#include "common/spec/spec_error.h"
#include "controller/cli/commands.h"

using namespace archload::cli;

int main(int argc, char** argv) {
  CLI::App app{"archload: emulate a system design on real hardware and check its NFRs"};
  app.require_subcommand(1);
  GlobalOptions g;
  g.argv0 = argv[0];
  app.add_option("--catalog", g.catalog_flag, "problem catalog directory (default: problems/)");
  int code = kExitOk;

  std::string seed, out_dir = "problems";
  auto* import_cmd =
      app.add_subcommand("import-seed", "parse the seed Markdown into problems/*.yaml");
  import_cmd->add_option("seed", seed, "seed file")->required();
  import_cmd->add_option("--out", out_dir, "output directory");
  import_cmd->callback([&] { code = RunImportSeed(g, seed, out_dir); });

  auto* problems = app.add_subcommand("problems", "browse the problem catalog");
  problems->require_subcommand(1);
  ListOptions list;
  auto* plist = problems->add_subcommand("list", "one row per problem");
  plist->add_option("--category", list.category);
  plist->add_option("--difficulty", list.difficulty);
  plist->add_option("--format", list.format, "table|json");
  plist->callback([&] { code = RunProblemsList(g, list); });
  std::string show_id, show_format = "text";
  auto* pshow = problems->add_subcommand("show", "one problem in full");
  pshow->add_option("id", show_id, "problem id or design file")->required();
  pshow->add_option("--format", show_format, "text|yaml");
  pshow->callback([&] { code = RunProblemsShow(g, show_id, show_format); });
  std::string stats_format = "table";
  auto* pstats = problems->add_subcommand("stats", "how much of the catalog parsed");
  pstats->add_option("--format", stats_format, "table|json");
  pstats->callback([&] { code = RunProblemsStats(g, stats_format); });

  PlanCliOptions plan;
  auto* pplan = app.add_subcommand("plan", "back-of-the-envelope sizing of a design");
  pplan->add_option("target", plan.target, "problem id or design.yaml")->required();
  pplan->add_option("--rate", plan.rate, "client req/s (default: from the NFRs)")
      ->check(CLI::PositiveNumber);
  pplan->add_option("--scale", plan.scale, "1, 1/N or auto");
  pplan->add_option("--headroom", plan.headroom, "spare capacity fraction (default 0.2)")
      ->check(CLI::Range(0.0, 10.0));
  pplan->add_option("--format", plan.format, "table|json");
  pplan->add_option("--write-design", plan.write_design, "write the sized design as YAML");
  pplan->callback([&] { code = RunPlan(g, plan); });

  PlanCliOptions check;
  auto* pcheck = app.add_subcommand("check", "evaluate the problem's tier checks");
  pcheck->add_option("target", check.target, "problem id or design.yaml")->required();
  pcheck->add_flag("--unsized", check.unsized, "check the design as written, not as planned");
  pcheck->add_option("--rate", check.rate, "client req/s for sizing")->check(CLI::PositiveNumber);
  pcheck->add_option("--format", check.format, "table|json");
  pcheck->callback([&] { code = RunCheck(g, check); });

  RunCliOptions run;
  auto* prun = app.add_subcommand("run", "emulate the design on this machine and judge its NFRs");
  prun->add_option("target", run.target, "problem id or design.yaml")->required();
  prun->add_option("--rate", run.rate, "offered client req/s (default: the problem's)")
      ->check(CLI::PositiveNumber);
  prun->add_option("--scale", run.scale, "1, 1/N or auto");
  prun->add_option("--duration", run.duration, "e.g. 20s, 2m");
  prun->add_option("--profile", run.profile, "constant|ramp|step|spike");
  prun->add_option("--arrivals", run.arrivals, "poisson|constant");
  prun->add_option("--agents", run.agents, "agent processes (default: one per core)")
      ->check(CLI::Range(1, 1024));
  prun->add_option("--headroom", run.headroom, "sizing headroom")->check(CLI::Range(0.0, 10.0));
  prun->add_option("--seed", run.seed, "random seed");
  prun->add_option("--report", run.report, "write the JSON report here");
  prun->add_flag("--quiet", run.quiet, "no progress line");
  prun->add_option("--service-time-scale", run.service_time_scale,
                   "multiply emulated service times (0: measure the harness itself)")
      ->check(CLI::Range(0.0, 1000.0));
  prun->add_option("--timer-spin-us", run.timer_spin_us,
                   "agents spin when a timer is due within this many µs (0: always sleep)")
      ->check(CLI::Range(0, 10000));
  prun->add_option("--metrics-port", run.metrics_port,
                   "the controller's Prometheus /metrics port (0: any free port)")
      ->check(CLI::Range(0, 65535));
  prun->add_flag("--no-metrics", run.no_metrics,
                 "serve no Prometheus metrics (controller, agents)");
  prun->add_option("--prometheus-sd", run.prometheus_sd,
                   "write this run's Prometheus file_sd targets to DIR/<run-id>.json");
  prun->add_option("--linger", run.linger,
                   "after the run, serve the final figures until scraped once or this passes "
                   "(default 2s: two scrape intervals)");
  prun->callback([&] { code = RunRun(g, run); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitError;
  } catch (const archload::spec::SpecError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitError;
  }
  return code;
}

// archload: the controller CLI. Flags are parsed here; each subcommand lives in cmd_*.cc.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "common/spec/spec_error.h"
#include "common/spec/spec_yaml.h"
#include "controller/cli/commands.h"
#include "controller/planner/limits.h"

using namespace archload::cli;

namespace {

// What a numeric flag accepts: [min, max], or (min, max] when min_exclusive.
struct NumberRule {
  double min;
  double max;
  bool min_exclusive = false;
  bool whole = false;  // integers only
};

bool Accepts(const NumberRule& rule, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0') return false;
  // Written so that NaN fails every test: each comparison with NaN is false.
  const bool above_min = rule.min_exclusive ? v > rule.min : v >= rule.min;
  return std::isfinite(v) && above_min && v <= rule.max && (!rule.whole || v == std::floor(v));
}

// The one check for every numeric flag. CLI11's PositiveNumber and Range test `v < min`, which
// lets "nan" through (every comparison with NaN is false), and PositiveNumber accepts "inf".
CLI::Validator Number(const NumberRule& rule) {
  using archload::spec::FormatNumber;
  const std::string range = (rule.min_exclusive ? "(" : "[") + FormatNumber(rule.min) + ", " +
                            FormatNumber(rule.max) + "]";
  const std::string kind = rule.whole ? "a whole number" : "a finite number";
  return CLI::Validator(
      [rule, range, kind](std::string& text) {
        return Accepts(rule, text) ? std::string()
                                   : "expected " + kind + " in " + range + ", got '" + text + "'";
      },
      (rule.whole ? "INT in " : "NUMBER in ") + range);
}

const NumberRule kRate{.min = 0, .max = archload::planner::kMaxRateRps, .min_exclusive = true};
const NumberRule kHeadroom{.min = 0, .max = archload::planner::kMaxHeadroom};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"archload: emulate a system design on real hardware and check its NFRs"};
  app.require_subcommand(1);
  GlobalOptions g;
  g.argv0 = argv[0];
  for (int i = 0; i < argc; ++i) {
    const std::string arg = i == 0 ? "archload" : argv[i];
    const bool plain = !arg.empty() && arg.find_first_of(" \t\"'$`\\") == std::string::npos;
    g.command_line += (i ? " " : "") + (plain ? arg : "'" + arg + "'");
  }
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
      ->check(Number(kRate));
  pplan->add_option("--scale", plan.scale, "1, 1/N or auto");
  pplan->add_option("--headroom", plan.headroom, "spare capacity fraction (default 0.2)")
      ->check(Number(kHeadroom));
  pplan->add_option("--format", plan.format, "table|json");
  pplan->add_option("--write-design", plan.write_design, "write the sized design as YAML");
  pplan
      ->add_option("--size-for", plan.size_for,
                   "throughput (default): counts for the rate; latency: also the smallest counts "
                   "that meet every latency NFR counts can meet")
      ->check(CLI::IsMember({"throughput", "latency"}));
  pplan->add_option("--set", plan.set,
                    "what-if: \"Group.field=value\" (count, concurrency, "
                    "service_time, capacity, hit_rate, queue_limit); repeatable");
  pplan->callback([&] { code = RunPlan(g, plan); });

  PlanCliOptions check;
  auto* pcheck = app.add_subcommand("check", "evaluate the problem's tier checks");
  pcheck->add_option("target", check.target, "problem id or design.yaml")->required();
  pcheck->add_flag("--unsized", check.unsized, "check the design as written, not as planned");
  pcheck->add_option("--rate", check.rate, "client req/s for sizing")->check(Number(kRate));
  pcheck->add_option("--format", check.format, "table|json");
  pcheck->add_option("--set", check.set, "what-if: \"Group.field=value\"; repeatable");
  pcheck->add_flag("--faults", check.faults,
                   "for every group whose tiers demand a minimum, one instance killed: do the "
                   "NFRs still hold? (docs/faults.md)");
  pcheck->add_flag("--run", check.fault_run, "with --faults: also emulate each case (20 s each)");
  pcheck
      ->add_option("--window", check.fault_window_s,
                   "with --faults: seconds over which availability is judged (default 3600)")
      ->check(CLI::Range(1.0, 1e9));
  pcheck->callback([&] { code = RunCheck(g, check); });

  RunCliOptions run;
  auto* prun = app.add_subcommand("run", "emulate the design on this machine and judge its NFRs");
  prun->add_option("target", run.target, "problem id or design.yaml")->required();
  prun->add_option("--rate", run.rate, "offered client req/s (default: the problem's)")
      ->check(Number(kRate));
  prun->add_option("--scale", run.scale, "1, 1/N or auto");
  auto* run_duration = prun->add_option(
      "--duration", run.duration,
      "e.g. 20s, 2m (default 20s; with --until-confident the least it runs, default 10s)");
  prun->add_option("--backend", run.backends,
                   "a real component for a group: \"Shared Cache=redis://127.0.0.1:6379\", "
                   "\"Events=kafka://h:9092\", \"Load Balancer=haproxy\" (repeatable)");
  prun->add_option("--fault", run.faults,
                   "inject a fault, in the design's syntax: \"{kind: kill, component: App Servers, "
                   "instance: 0, start_s: 5, duration_s: 10}\" (repeatable; docs/faults.md)");
  prun->add_option("--warmup", run.warmup,
                   "e.g. 2s: the first seconds load the design but are not counted (default 0)");
  prun->add_flag("--until-confident", run.until_confident,
                 "run on until every NFR verdict is decided by its 95% interval");
  prun->add_option("--max-duration", run.max_duration,
                   "with --until-confident: the most it runs (default 5m)");
  prun->add_option("--profile", run.profile, "constant|ramp|step|spike");
  prun->add_option("--arrivals", run.arrivals, "poisson|constant");
  prun->add_option("--agents", run.agents, "agent processes (default: one per core)")
      ->check(Number({.min = 1, .max = 1024, .whole = true}));
  prun->add_option("--headroom", run.headroom, "sizing headroom")->check(Number(kHeadroom));
  prun->add_option("--seed", run.seed, "random seed");
  prun->add_option("--report", run.report, "write the JSON report here");
  prun->add_option("--html", run.html, "write the HTML report here (one file, no network)");
  prun->add_flag("--quiet", run.quiet, "no progress line");
  prun->add_option("--service-time-scale", run.service_time_scale,
                   "multiply emulated service times (0: measure the harness itself)")
      ->check(Number({.min = 0, .max = 1000}));
  prun->add_option("--timer-spin-us", run.timer_spin_us,
                   "agents spin when a timer is due within this many µs (0: always sleep)")
      ->check(Number({.min = 0, .max = 10000, .whole = true}));
  prun->add_option("--event-loop", run.event_loop,
                   "agents' data-plane loop: poll (default) or asio, the loop it replaced, to "
                   "measure against (docs/performance.md)")
      ->check(CLI::IsMember({"poll", "asio"}));
  prun->add_flag("--force-sockets", run.force_sockets,
                 "every call over TCP, even between instances of one agent");
  prun->add_option("--hosts", run.hosts, "agents on hosts: a file with a command per host")
      ->check(CLI::ExistingFile);
  prun->add_option("--wait-agents", run.wait_agents,
                   "admit N agents started elsewhere (systemd, Kubernetes) that dial in")
      ->check(Number({.min = 1, .max = 4096, .whole = true}));
  prun->add_option("--listen", run.listen, "control plane address host:port (default 127.0.0.1:0)");
  prun->add_option("--advertise", run.advertise, "the address agents dial, if not --listen's");
  prun->add_option("--token-file", run.token_file,
                   "the run's token (default $ARCHLOAD_TOKEN; local runs make a fresh one)")
      ->check(CLI::ExistingFile);
  prun->add_option("--tls-cert", run.tls_cert, "PEM certificate: serve the control plane on TLS")
      ->check(CLI::ExistingFile);
  prun->add_option("--tls-key", run.tls_key, "PEM key of --tls-cert")->check(CLI::ExistingFile);
  prun->add_option("--tls-client-ca", run.tls_client_ca,
                   "PEM CA: agents must present a certificate it signed (mutual TLS)")
      ->check(CLI::ExistingFile);
  prun->add_option("--ready-timeout", run.ready_timeout_s,
                   "seconds for every agent to connect and be ready (default 30)")
      ->check(Number({.min = 1, .max = 3600}));
  prun->add_option(
          "--lease-timeout", run.lease_timeout_s,
          "seconds of silence after which an agent is lost, and it gives us up (default 3)")
      ->check(Number({.min = 1, .max = 600}));
  prun->add_option("--on-agent-loss", run.on_agent_loss, "fail (default) | continue")
      ->check(CLI::IsMember({"fail", "continue"}));
  prun->add_option("--placement", run.placement, "spread (default) | local")
      ->check(CLI::IsMember({"spread", "local"}));
  prun->add_option("--size-for", run.size_for, "throughput (default) | latency")
      ->check(CLI::IsMember({"throughput", "latency"}));
  prun->add_option("--set", run.set, "what-if: \"Group.field=value\"; repeatable");
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
  prun->callback([&] {
    run.duration_given = run_duration->count() > 0;
    code = RunRun(g, run);
  });

  KneeCliOptions knee;
  auto* pknee = app.add_subcommand(
      "knee", "measure the highest sustainable rate and put it beside the BoE's prediction");
  pknee->add_option("target", knee.target, "problem id or design.yaml")->required();
  pknee->add_option("--scale", knee.scale, "1, 1/N or auto");
  pknee->add_option("--headroom", knee.headroom, "sizing headroom")->check(Number(kHeadroom));
  pknee->add_option("--precision", knee.precision, "bisect to this fraction (default 0.01)")
      ->check(Number({.min = 0.001, .max = 0.5}));
  pknee
      ->add_option("--start", knee.start_fraction,
                   "first trial at this fraction of the BoE maximum (default 0.25)")
      ->check(Number({.min = 0.01, .max = 4}));
  pknee->add_option("--warmup", knee.warmup_s, "seconds per trial not counted (default 2)")
      ->check(Number({.min = 0, .max = 600}));
  pknee->add_option("--trial", knee.trial_s, "seconds per trial counted (default 6)")
      ->check(Number({.min = 0.5, .max = 3600}));
  pknee->add_option("--max-trials", knee.max_trials, "bound on the search (default 30)")
      ->check(Number({.min = 3, .max = 500, .whole = true}));
  pknee
      ->add_option("--harness-bound", knee.harness_bound_ms,
                   "ms: a trial whose send lag or timer lateness P99 exceeds this is void "
                   "(default 1)")
      ->check(Number({.min = 0.01, .max = 1000}));
  pknee->add_option("--agents", knee.agents, "agent processes (default: one per core)")
      ->check(Number({.min = 1, .max = 1024, .whole = true}));
  pknee->add_flag("!--no-curve", knee.curve,
                  "the knees only: no trials at 10-90% of the saturation knee for the curve");
  pknee->add_option("--seed", knee.seed, "random seed");
  pknee->add_option("--report", knee.report, "write the JSON report here");
  pknee->add_option("--html", knee.html, "write the HTML report here");
  pknee->callback([&] { code = RunKnee(g, knee); });

  ReportCliOptions rep;
  auto* preport =
      app.add_subcommand("report", "render a run's or a knee's JSON report as one HTML file");
  preport->add_option("report", rep.input, "a JSON report from run or knee --report")->required();
  preport->add_option("-o,--output", rep.output, "the HTML file (default: beside, .html)");
  preport->callback([&] { code = RunReport(g, rep); });

  CompareCliOptions cmp;
  auto* pcompare = app.add_subcommand(
      "compare", "runs side by side; exit 1 when an NFR that held in the first fails later");
  pcompare->add_option("reports", cmp.inputs, "two or more JSON reports, the baseline first")
      ->required()
      ->expected(2, -1);
  pcompare->add_option("--html", cmp.html, "also write the comparison as HTML");
  pcompare->add_option("--format", cmp.format, "table|json")
      ->check(CLI::IsMember({"table", "json"}));
  pcompare->callback([&] { code = RunCompare(g, cmp); });

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

#include "controller/report/confidence_report.h"

#include <cmath>
#include <cstdio>

#include "controller/report/table.h"

namespace archload::report {

namespace {

std::string MsInterval(double ms, const std::optional<run::Interval>& i) {
  return i ? Ms(ms) + " ± " + Ms(i->HalfWidth()) : Ms(ms);
}

}  // namespace

nlohmann::json IntervalJson(const std::optional<run::Interval>& i) {
  if (!i) return nullptr;
  return nlohmann::json::array({i->low, i->high});
}

std::string VerdictWord(const run::Verdict& v) {
  return v.inconclusive ? "inconclusive" : v.pass ? "pass" : "fail";
}

std::string WithInterval(const run::Verdict& v) {
  std::string out = NfrFigure(v.unit, v.measured);
  if (v.measured && v.interval) out += " ± " + NfrFigure(v.unit, v.interval->HalfWidth());
  return out;
}

nlohmann::json ConfidenceToJson(const run::RunResult& r) {
  const auto& cf = r.confidence;
  return {{"level", 0.95},
          {"method", "batch means (sectioning), docs/confidence.md"},
          {"batches", cf.batches},
          {"batch_s", cf.batch_s},
          {"latency_ms",
           {{"mean", IntervalJson(cf.latency_mean_ms)},
            {"p50", IntervalJson(cf.latency_p50_ms)},
            {"p99", IntervalJson(cf.latency_p99_ms)}}},
          {"achieved_rps", IntervalJson(cf.achieved_rps)},
          {"availability", IntervalJson(cf.availability)}};
}

void PrintIntervals(const run::RunResult& r, std::ostream& out) {
  const auto& cf = r.confidence;
  const auto all = run::FiguresOf(r.all_ns);
  if (cf.latency_mean_ms || cf.achieved_rps) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%d batches of %.1f s", cf.batches, cf.batch_s);
    out << "95% intervals (batch means, " << buf << "): mean "
        << MsInterval(all.mean_ms, cf.latency_mean_ms) << ", p50 "
        << MsInterval(all.p50_ms, cf.latency_p50_ms) << ", p99 "
        << MsInterval(all.p99_ms, cf.latency_p99_ms);
    if (cf.achieved_rps) {
      out << ", achieved " << HumanRate(r.achieved_rps) << " ± "
          << HumanRate(cf.achieved_rps->HalfWidth()) << " req/s";
    }
    out << "\n";
  } else if (!r.nfrs.empty() && r.duration_s > 0) {
    out << "95% intervals: none (they need at least 2 one-second batches after the warm-up)\n";
  }
  if (!r.until_confident) return;
  if (r.decided_at_s > 0) {
    out << "--until-confident: every verdict was decided after "
        << run::FormatSeconds(r.decided_at_s) << "; the load stopped there\n";
  } else if (r.complete && run::Inconclusive(r)) {
    out << "--until-confident: still undecided after " << run::FormatSeconds(r.duration_s)
        << ", the most it was allowed (--max-duration)\n";
  } else if (r.complete) {
    out << "--until-confident: the verdicts were decided only as --max-duration ("
        << run::FormatSeconds(r.duration_s) << ") ended\n";
  }
}

void PrintUndecided(const run::RunResult& r, std::ostream& out) {
  const double counted_s = std::max(0.0, r.duration_s - r.warmup_s);
  for (const auto& n : r.nfrs) {
    if (!n.inconclusive) continue;
    out << "  " << n.name << ": the target lies inside the interval, so this run cannot tell pass "
        << "from fail; ";
    if (n.decide_s) {
      out << "a run of about " << run::FormatSeconds(std::ceil(*n.decide_s))
          << " would decide it (this one counted " << run::FormatSeconds(counted_s)
          << "; --until-confident runs until it does)\n";
    } else {
      out << "the figure sits on the target, and no run length would decide it\n";
    }
  }
}

}  // namespace archload::report

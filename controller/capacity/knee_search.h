#pragma once

// Finds the highest sustainable rate of a design the way nighthawk's adaptive controller and
// CSIT's MLRsearch do, on two criteria at once: double from a start rate until a trial fails,
// bisect the bracket to a precision, re-measure the final point (and bisect again below it
// when the re-measure fails). Every trial answers twice:
//   saturation: errors and rejections < 1% and achieved ≥ 99% of what arrived (throughput
//               holds), less twice the window's edge noise (TrialResult::edge_sigma)
//   NFR:        saturation, and every latency NFR holds
// A trial in which the harness was not healthy (send lag or timer lateness past its bound) is
// void: it says nothing about the design, and the search stops climbing there and reports the
// harness as the limit. The trial runner is injected, so the search is testable with fakes.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace archload::capacity {

struct TrialResult {
  double offered_rps = 0;  // the rate asked for
  // The rate that arrived in the window (Poisson: the count is off the rate by ~1/sqrt(n), 1.2%
  // over a 6 s trial at 1,200 req/s, so "achieved >= 99% of offered" would fail by chance).
  // Throughput holds when what arrived completed. 0: unknown, offered_rps is used.
  double arrived_rps = 0;
  double achieved_rps = 0;
  // Achieved counts what completed in the window, arrived what arrived in it: they differ by the
  // requests in flight at its two ends, each ~ Poisson(λ·T) for a design that keeps up (T its
  // mean latency), so by √(2λT) requests at random. As a fraction of λ·window: 1.2% over 1 s at
  // 1,000 req/s and 70 ms. A design is not failed for that noise: the 99% is lowered by twice it.
  double edge_sigma = 0;
  double error_fraction = 0;  // (errors + rejections) / answered
  bool harness_ok = true;
  std::string harness_reason;  // why not, when not
  bool nfrs_ok = true;         // every latency NFR held
  // For the report; the search does not read these.
  double p50_ms = 0, p99_ms = 0;
  std::vector<double> utilization;  // per group
  std::vector<uint64_t> rejected;   // per group
};

enum class TrialVerdict { kPass, kFail, kVoid };

struct Criteria {
  double max_error_fraction = 0.01;
  double min_achieved_fraction = 0.99;
};
TrialVerdict Saturation(const TrialResult& t, const Criteria& c = {});
TrialVerdict Nfr(const TrialResult& t, const Criteria& c = {});

struct SearchOptions {
  double start_rps = 100;
  double precision = 0.01;  // bisect until the bracket is this fraction of its low end
  int max_trials = 40;
  double max_rps = 1e9;
};

struct Knee {
  std::optional<double> rps;  // the highest rate that passed (and passed again when confirmed)
  std::optional<double> failed_rps;  // the lowest rate seen to fail above it
  bool confirmed = false;
};

struct SearchResult {
  Knee saturation;
  Knee nfr;
  bool harness_limited = false;  // a void trial stopped the climb
  std::string harness_reason;
  std::vector<TrialResult> trials;  // in order
};

class KneeSearch {
 public:
  using Trial = std::function<TrialResult(double rps)>;
  // Called after each trial (the progress line).
  using Observer = std::function<void(const TrialResult&, int index, const std::string& phase)>;

  KneeSearch(SearchOptions options, Trial trial, Observer observer = {});
  SearchResult Run();

 private:
  struct Bracket {
    double lo = 0;  // highest pass (0: none)
    double hi = 0;  // lowest fail above lo (0: none)
  };
  TrialResult Measure(double rps, const std::string& phase);
  void Note(const TrialResult& t);
  bool Done(const Bracket& b) const;
  void Bisect(Bracket& b, bool nfr);
  void Settle(Bracket& b, Knee& knee, bool nfr);

  SearchOptions o_;
  Trial trial_;
  Observer observer_;
  SearchResult result_;
  Bracket sat_, nfr_;
};

}  // namespace archload::capacity

#include "controller/capacity/knee_search.h"

#include <algorithm>
#include <cmath>

namespace archload::capacity {

TrialVerdict Saturation(const TrialResult& t, const Criteria& c) {
  if (!t.harness_ok) return TrialVerdict::kVoid;
  const double arrived = t.arrived_rps > 0 ? t.arrived_rps : t.offered_rps;
  const double floor = c.min_achieved_fraction - 2 * std::max(0.0, t.edge_sigma);
  const bool ok = t.error_fraction < c.max_error_fraction && t.achieved_rps >= floor * arrived;
  return ok ? TrialVerdict::kPass : TrialVerdict::kFail;
}

TrialVerdict Nfr(const TrialResult& t, const Criteria& c) {
  const auto s = Saturation(t, c);
  if (s != TrialVerdict::kPass) return s;
  return t.nfrs_ok ? TrialVerdict::kPass : TrialVerdict::kFail;
}

KneeSearch::KneeSearch(SearchOptions options, Trial trial, Observer observer)
    : o_(options), trial_(std::move(trial)), observer_(std::move(observer)) {}

TrialResult KneeSearch::Measure(double rps, const std::string& phase) {
  TrialResult t = trial_(rps);
  t.offered_rps = rps;
  result_.trials.push_back(t);
  if (observer_) observer_(t, static_cast<int>(result_.trials.size()), phase);
  Note(t);
  return t;
}

// Every trial informs both brackets: a pass raises the low end, a fail lowers the high end. A
// rate counts as passing only while no trial at or below it has failed: near the edge trials
// are noisy, and a knee must hold every time it was measured.
void KneeSearch::Note(const TrialResult& t) {
  const auto s = Saturation(t);
  if (s == TrialVerdict::kVoid && !result_.harness_limited) {
    result_.harness_limited = true;
    result_.harness_reason = t.harness_reason;
  }
  auto recompute = [&](Bracket& b, bool nfr) {
    double lowest_fail = 0;
    for (const auto& x : result_.trials) {
      if ((nfr ? Nfr(x) : Saturation(x)) == TrialVerdict::kFail &&
          (lowest_fail == 0 || x.offered_rps < lowest_fail)) {
        lowest_fail = x.offered_rps;
      }
    }
    double highest_pass = 0;
    for (const auto& x : result_.trials) {
      if ((nfr ? Nfr(x) : Saturation(x)) == TrialVerdict::kPass &&
          (lowest_fail == 0 || x.offered_rps < lowest_fail)) {
        highest_pass = std::max(highest_pass, x.offered_rps);
      }
    }
    b.lo = highest_pass;
    b.hi = lowest_fail;
    // A void trial bounds what can be said from above, like a failure (but is not one).
    for (const auto& x : result_.trials) {
      if (!x.harness_ok && x.offered_rps > b.lo && (b.hi == 0 || x.offered_rps < b.hi)) {
        b.hi = x.offered_rps;
      }
    }
  };
  recompute(sat_, false);
  recompute(nfr_, true);
}

bool KneeSearch::Done(const Bracket& b) const {
  if (static_cast<int>(result_.trials.size()) >= o_.max_trials) return true;
  if (b.lo <= 0 || b.hi <= 0) return false;
  return b.hi - b.lo <= o_.precision * b.lo;
}

void KneeSearch::Bisect(Bracket& b, bool nfr) {
  while (!Done(b) && b.lo > 0 && b.hi > 0) {
    const double mid = (b.lo + b.hi) / 2;
    Measure(mid, nfr ? "bisect (NFR knee)" : "bisect (saturation)");
  }
}

// Bisects the bracket to the precision, then re-measures its low end. Near the edge trials are
// noisy: a re-measure that fails moves the bracket down (Note), and the search bisects again
// between the failure and the highest pass below it. Stepping down from there instead would
// report the low end measured on the way up: a single early pass at 1,200 req/s of an NFR knee
// later seen failing at 1,197 left 600 req/s, the previous climb step, as the knee.
void KneeSearch::Settle(Bracket& b, Knee& knee, bool nfr) {
  for (int round = 0; round < 4; ++round) {
    // The NFR knee is at or below saturation: the saturation failure bounds it from above.
    if (nfr && b.hi <= 0 && sat_.hi > 0) b.hi = sat_.hi;
    Bisect(b, nfr);
    if (b.lo <= 0 || static_cast<int>(result_.trials.size()) >= o_.max_trials + 4) break;
    const double r = b.lo;
    const auto t = Measure(r, nfr ? "confirm (NFR knee)" : "confirm (saturation)");
    if ((nfr ? Nfr(t) : Saturation(t)) == TrialVerdict::kPass) {
      knee.rps = r;
      knee.confirmed = true;
      break;
    }
  }
  if (!knee.rps && b.lo > 0) knee.rps = b.lo;  // unconfirmed: report it as such
  if (b.hi > 0) knee.failed_rps = b.hi;
}

SearchResult KneeSearch::Run() {
  double r = std::clamp(o_.start_rps, 1e-3, o_.max_rps);
  // Climb: double until saturation fails (or the harness gives out). If the start already
  // fails, halve instead until something passes.
  for (;;) {
    const auto t = Measure(r, "climb");
    const auto v = Saturation(t);
    if (v == TrialVerdict::kVoid) break;
    if (v == TrialVerdict::kFail) {
      if (sat_.lo > 0) break;
      if (r <= o_.start_rps / 1024 || Done(sat_)) break;
      r /= 2;
      continue;
    }
    if (r >= o_.max_rps || static_cast<int>(result_.trials.size()) >= o_.max_trials) break;
    r = std::min(r * 2, o_.max_rps);
  }
  Settle(sat_, result_.saturation, false);
  // The NFR knee is at or below saturation; if no trial met the NFRs, look below the start.
  for (double down = o_.start_rps / 2; nfr_.lo <= 0 && down > o_.start_rps / 1024 && !Done(nfr_);
       down /= 2) {
    const auto t = Measure(down, "below (NFR knee)");
    if (!t.harness_ok) break;
  }
  Settle(nfr_, result_.nfr, true);
  return result_;
}

}  // namespace archload::capacity

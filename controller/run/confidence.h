#pragma once

// Confidence for a judged run: intervals on its headline figures and on every verdict, and
// which verdicts the run could not decide (docs/confidence.md).

#include "controller/run/run_result.h"

namespace archload::run {

// The run's batches (r.batches) give the intervals of r.confidence and of each NFR in r.nfrs;
// a verdict whose target lies inside its interval becomes inconclusive, with the counted run
// length that would likely decide it. Called by Judge.
void AttachConfidence(RunResult& r);

// Every NFR has an interval and none is inconclusive: what --until-confident waits for.
bool EveryVerdictDecided(const RunResult& r);

}  // namespace archload::run

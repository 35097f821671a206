#pragma once

// Harness calibration: what this run's harness cost per hop, as the planner takes it (round trip
// per call from the agents' probes, overrun per emulated service time from every visit), so the
// BoE can be shown without and with it (docs/confidence.md, "Harness calibration").

#include "controller/planner/latency_predictor.h"
#include "controller/run/run_result.h"

namespace archload::run {

// Empty when the run measured neither (no probe answered, no service time emulated).
planner::HarnessCosts HarnessCostsOf(const RunResult& result);

}  // namespace archload::run

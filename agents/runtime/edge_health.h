#pragma once

// A caller group's active health checks of the group it calls (docs/faults.md): every interval,
// on the load's clock (so a run's checks fall at the same instants every time and the planner can
// predict when a killed instance is noticed), one check per instance of the target, over the
// same connections as the calls. An answer within the check's timeout is a pass; a failure or
// silence is a fail. The edge's HealthChecker turns the results into down and up, and each
// change is recorded as an event.

#include "agents/runtime/call_edges.h"

namespace archload::agent {

class Fleet;

// Starts the checks of `edge` (caller → target) on this agent; they run until the load stops.
void StartHealthChecks(Fleet& fleet, int caller, int target, EdgeState& edge);

}  // namespace archload::agent

#pragma once

// What the runner tells whoever watches a run as it goes (the Prometheus metrics,
// controller/metrics/), from the run's own thread. Every call must be quick: the runner's loop
// keeps a 50 ms pace.

#include <chrono>
#include <vector>

#include "controller/run/control_server.h"
#include "controller/run/run_spec.h"

namespace archload::run {

class RunObserver {
 public:
  virtual ~RunObserver() = default;

  // Every agent is ready (their Ready messages name their metrics ports); no load yet.
  virtual void OnReady(const RunSpec& spec, const std::vector<AgentState>& agents) = 0;
  // Whether the load may start; false holds it, at most HoldLimit() (e.g. until Prometheus has
  // scraped every target once, so its counters start from zero).
  virtual bool ReadyForLoad(const std::vector<AgentState>& agents) = 0;
  virtual std::chrono::milliseconds HoldLimit() const = 0;
  // While the load runs, with the agents' latest stats; elapsed_s counts from the load's start.
  virtual void OnTick(double elapsed_s, const std::vector<AgentState>& agents) = 0;
  // The final stats are in (or the last heard from agents that did not deliver them).
  virtual void OnCollected(double measured_s, const std::vector<AgentState>& agents) = 0;
};

}  // namespace archload::run

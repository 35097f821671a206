#pragma once

// The agent's Prometheus endpoint (docs/metrics.md): the collector behind prometheus-cpp's
// exposer on the agent's host, frozen at the final stats, and the linger after the run so the
// last interval reaches the time-series store.

#include <functional>
#include <memory>
#include <string>

#include "agents/metrics/agent_collector.h"
#include "agents/runtime/agent_runtime.h"
#include "archload/v1/control.pb.h"
#include "common/metrics/endpoint.h"

namespace archload::agent::metrics {

class AgentMetrics {
 public:
  // Serves /metrics on host:port (0: any free port) for `runtime`, already configured with
  // `assignment`. `on_first_scrape` runs once, on a server thread, when Prometheus first scrapes
  // (the controller may hold the load until then). Throws std::runtime_error when it cannot
  // listen.
  AgentMetrics(AgentRuntime& runtime, const v1::Assignment& assignment, const std::string& agent_id,
               const std::string& host, int port, std::function<void()> on_first_scrape);
  ~AgentMetrics();

  int port() const { return endpoint_->port(); }

  // Stop reading the runtime (before it shuts down); scrapes get the final figures from now on.
  void Detach() { collector_->Detach(); }

  // After the final stats: until a scrape has been answered with them, or the assignment's
  // linger has passed since they were taken. Returns at once when nobody ever scraped us.
  void Linger();

 private:
  std::shared_ptr<AgentCollector> collector_;
  std::unique_ptr<archload::metrics::Endpoint> endpoint_;
  double linger_s_;
};

}  // namespace archload::agent::metrics

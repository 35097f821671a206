#include "agents/metrics/agent_metrics.h"

namespace archload::agent::metrics {

AgentMetrics::AgentMetrics(AgentRuntime& runtime, const v1::Assignment& assignment,
                           const std::string& agent_id, const std::string& host, int port,
                           std::function<void()> on_first_scrape)
    : collector_(std::make_shared<AgentCollector>(runtime, assignment, agent_id)),
      linger_s_(std::max(0.0, assignment.metrics().linger_s())) {
  if (on_first_scrape) {
    collector_->ledger().SetListener([f = std::move(on_first_scrape)](uint64_t n) {
      if (n == 1) f();
    });
  }
  // The freeze happens on the io thread inside the final Snapshot, so the figures served after
  // the run are exactly the final stats. A weak pointer: the runtime may outlive this.
  std::weak_ptr<AgentCollector> weak = collector_;
  runtime.OnFinalSnapshot([weak](const AgentRuntime::View& v) {
    if (auto c = weak.lock()) c->Freeze(TakeView(v, c->plan(), /*final=*/true));
  });
  endpoint_ = std::make_unique<archload::metrics::Endpoint>(host, port, collector_);
}

AgentMetrics::~AgentMetrics() {
  endpoint_.reset();  // joins the server threads before the collector can go
}

void AgentMetrics::Linger() {
  const auto frozen = collector_->frozen_at();
  if (!frozen) return;  // the run ended without final figures: nothing to hold on to
  const auto deadline = *frozen + std::chrono::milliseconds(static_cast<int64_t>(linger_s_ * 1000));
  collector_->ledger().WaitForFinalScrape(deadline);
}

}  // namespace archload::agent::metrics

#pragma once

// The agent's Prometheus collector: at each scrape it reads the counters and histograms the data
// plane already keeps (one hop onto the io thread, agent_view.h) and converts them; nothing is
// counted through prometheus-cpp on the request path. From the final stats on it serves those
// figures, frozen, so the last scrape equals the run report. docs/metrics.md lists the series.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agents/metrics/agent_view.h"
#include "agents/runtime/agent_runtime.h"
#include "archload/v1/control.pb.h"
#include "common/metrics/families.h"
#include "common/metrics/scrape_ledger.h"
#include "common/stats/bucket_layout.h"

namespace archload::agent::metrics {

class AgentCollector final : public prometheus::Collectable {
 public:
  // `runtime` must be configured with `assignment`, and outlive every live read (see Detach).
  AgentCollector(AgentRuntime& runtime, const v1::Assignment& assignment, std::string agent_id);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // The final figures (taken on the io thread within the final Snapshot): served from now on.
  void Freeze(AgentView final_view);
  // No more reads of the runtime (call before it shuts down): scrapes get the frozen figures,
  // else the last ones read.
  void Detach();

  archload::metrics::ScrapeLedger& ledger() const { return ledger_; }
  // When Freeze ran; nullopt before.
  std::optional<std::chrono::steady_clock::time_point> frozen_at() const;
  const ViewPlan& plan() const { return plan_; }

 private:
  struct GroupInfo {
    std::string name, role, type;
    int count = 0;
    int concurrency = 1;
    double hit_rate = 0;
    bool lookups = false;  // caches and CDNs: hits and misses
    bool broker = false;
    bool consumer = false;  // fed by a broker
  };

  // The figures to serve and whether they are final.
  std::pair<AgentView, bool> Read() const;
  std::vector<prometheus::MetricFamily> Convert(const AgentView& v) const;
  void AddAgent(archload::metrics::Families& f, const AgentView& v) const;
  void AddClient(archload::metrics::Families& f, const AgentView& v) const;
  void AddComponents(archload::metrics::Families& f, const AgentView& v) const;
  archload::metrics::Labels ComponentLabels(int group, int instance) const;

  AgentRuntime& runtime_;
  std::string run_, problem_, agent_id_;
  std::vector<GroupInfo> groups_;
  stats::BucketLayout latency_layout_;  // end to end, with the latency NFR targets as edges
  stats::BucketLayout async_layout_;    // publish -> processed, with the async targets
  stats::BucketLayout plain_layout_;    // everything else
  ViewPlan plan_;

  mutable std::mutex live_mu_;  // held while reading the runtime
  bool detached_ = false;       // guarded by live_mu_
  mutable std::mutex frozen_mu_;
  std::optional<AgentView> frozen_;                                 // guarded by frozen_mu_
  std::optional<std::chrono::steady_clock::time_point> frozen_at_;  // guarded by frozen_mu_
  mutable std::optional<AgentView> last_;                           // guarded by frozen_mu_
  mutable archload::metrics::ScrapeLedger ledger_;
};

}  // namespace archload::agent::metrics

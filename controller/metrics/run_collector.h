#pragma once

// The controller's Prometheus collector: the run-level figures (exact merged percentiles, NFR
// targets and BoE predictions, rates, utilisation measured and predicted, agents, the verdict).
// RunMetrics hands it a new RunFigures as the run goes; a scrape converts the latest.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <mutex>
#include <string>

#include "common/metrics/scrape_ledger.h"
#include "controller/metrics/run_figures.h"

namespace archload::metrics {

class RunCollector final : public prometheus::Collectable {
 public:
  RunCollector(std::string run_id, std::string problem);

  std::vector<prometheus::MetricFamily> Collect() const override;

  // `final`: the run is judged; these figures will not change.
  void Update(RunFigures figures, bool final);

  ScrapeLedger& ledger() const { return ledger_; }

 private:
  std::string run_, problem_;
  mutable std::mutex mu_;
  RunFigures figures_;
  bool final_ = false;
  mutable ScrapeLedger ledger_;
};

// The conversion itself (no state): for tests and the collector.
std::vector<prometheus::MetricFamily> RunFamilies(const std::string& run_id,
                                                  const std::string& problem,
                                                  const RunFigures& figures);

}  // namespace archload::metrics

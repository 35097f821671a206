#pragma once

// Histograms and latency spectra in the run report's JSON (docs/run-report.md): a histogram
// travels whole, serialized and base64-encoded, so any percentile can be recomputed from a
// report later (`archload report`, `archload compare`).

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/stats/histogram.h"

namespace archload::report {

inline constexpr const char* kHistogramFormat = "archload-histogram-v1";

// {"format": "archload-histogram-v1", "unit": "ns", "count": N, "base64": "..."}
nlohmann::json HistogramToJson(const stats::Histogram& h);
// nullopt when `j` is not such an object or its bytes do not decode to a histogram.
std::optional<stats::Histogram> HistogramFromJson(const nlohmann::json& j);

// [{"p": 0, "ms": 1.2}, ..., {"p": 99.99, "ms": 80.1}] at planner::kSpectrumPercentiles; empty
// for an empty histogram.
nlohmann::json SpectrumJson(const stats::Histogram& h_ns);
nlohmann::json SpectrumJson(const std::vector<std::pair<double, double>>& percentile_ms);

}  // namespace archload::report

#include "controller/report/histogram_json.h"

#include <cmath>

#include "common/text/base64.h"
#include "controller/planner/latency_predictor.h"

namespace archload::report {

nlohmann::json HistogramToJson(const stats::Histogram& h) {
  return {{"format", kHistogramFormat},
          {"unit", "ns"},
          {"count", h.Count()},
          {"base64", text::Base64Encode(h.Serialize())}};
}

std::optional<stats::Histogram> HistogramFromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.value("format", "") != kHistogramFormat || !j.contains("base64") ||
      !j["base64"].is_string()) {
    return std::nullopt;
  }
  const auto bytes = text::Base64Decode(j["base64"].get<std::string>());
  if (!bytes) return std::nullopt;
  return stats::Histogram::Deserialize(*bytes);
}

nlohmann::json SpectrumJson(const stats::Histogram& h) {
  auto out = nlohmann::json::array();
  if (h.Count() == 0) return out;
  for (double p : planner::kSpectrumPercentiles) {
    out.push_back({{"p", p}, {"ms", h.ValueAtPercentile(p) / 1e6}});
  }
  return out;
}

nlohmann::json SpectrumJson(const std::vector<std::pair<double, double>>& percentile_ms) {
  auto out = nlohmann::json::array();
  for (const auto& [p, ms] : percentile_ms) {
    if (std::isfinite(ms)) out.push_back({{"p", p}, {"ms", ms}});
  }
  return out;
}

}  // namespace archload::report

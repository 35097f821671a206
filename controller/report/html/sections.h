#pragma once

// The report's figure sections, each from the run report's JSON (docs/run-report.md). Each
// returns HTML: its figures, or a note saying what the report lacks (an older schema).

#include <optional>
#include <string>
#include <vector>

#include "controller/report/html/line_chart.h"
#include "controller/report/html/markup.h"

namespace archload::report::html {

// 3. P50/P95/P99 per second, each latency NFR's target (a line) and the BoE prediction (dashed).
std::string LatencySection(const Json& report);
// 4. Offered, sent and achieved rate per second beside the BoE maximum; errors and rejections.
std::string RatesSection(const Json& report);
// 5. The measured percentile spectrum (P0 to P99.99 on a log(1/(1-p)) axis) beside the model's.
std::string SpectrumSection(const Json& report);
// 6. Per group: utilisation measured vs BoE, queue depth over time, rejections, hit ratios.
std::string GroupsSection(const Json& report);
// 7. Injected faults (docs/faults.md): availability per second with each fault's window and the
// NFR, and each fault's prediction beside its measurement. Empty when no fault was injected.
std::string FaultsSection(const Json& report);
// The knee report's figures (`archload knee`'s JSON, schema archload.knee/1): latency, achieved
// rate and utilisation against offered rate, measured and BoE, the knees marked.
std::string KneeSection(const Json& knee);

// Shared by the sections (and the comparison page).
namespace palette {
inline constexpr const char* kP50 = "#1f77b4";
inline constexpr const char* kP95 = "#ff7f0e";
inline constexpr const char* kP99 = "#d62728";
inline constexpr const char* kTarget = "#111111";
inline constexpr const char* kMeasured = "#1f77b4";
inline constexpr const char* kBoe = "#8c8c8c";
// Distinct colours for many lines (groups, runs).
const char* Cycle(size_t i);
}  // namespace palette

// (x, y) pairs from two parallel JSON arrays; null entries become gaps.
std::vector<std::optional<ChartPoint>> Zip(const Json& xs, const Json& ys);

// Each latency NFR (unit "ms", not async) as a target line.
std::vector<ReferenceLine> LatencyTargets(const Json& report);

// The spectrum's x coordinate for percentile p: log10(1 / (1 - p/100)), so 90 -> 1, 99 -> 2.
double SpectrumX(double percentile);
// "99.9%" for x = 3, and so on.
std::string SpectrumLabel(double x);
// The measured spectrum: dense from the serialized histogram, else the JSON's spectrum points.
std::vector<std::optional<ChartPoint>> MeasuredSpectrum(const Json& latency_ms);

}  // namespace archload::report::html

#pragma once

// `archload compare --html`: the runs side by side in one self-contained file: each NFR's
// verdict per run, latency percentiles, rates and per group utilisation with the difference
// from the first run (green better, red worse), the regressions, and overlays of the runs'
// spectra and per-second P99 and achieved rate.

#include <string>
#include <vector>

#include "controller/report/compare.h"

namespace archload::report::html {

std::string RenderComparison(const Comparison& c, const std::vector<LoadedReport>& reports);

}  // namespace archload::report::html

#pragma once

// The HTML report of a run (`archload run --html`, `archload report`): one self-contained file
// from the run report's JSON (docs/run-report.md). Sections: 1 the verdict with the run's
// parameters, scale, harness cost and warnings; 2 the design as a graph; 3 latency over time;
// 4 offered vs achieved rate, errors and rejections; 5 the percentile spectrum beside the
// model's; 6 per group figures.

#include <string>

#include "controller/report/html/markup.h"

namespace archload::report::html {

std::string RenderRunReport(const Json& report);

// The HTML report of `archload knee` from its JSON (schema archload.knee/1): the knees measured
// beside the BoE's, the throughput-latency curve, utilisation per group against the rate.
std::string RenderKneeReport(const Json& knee);

// "PASS", "FAIL", "NOT JUDGED" or "INCOMPLETE", as the run's exit code would say.
std::string VerdictWord(const Json& report);

}  // namespace archload::report::html

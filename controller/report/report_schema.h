#pragma once

// What a run report's JSON says it is (docs/run-report.md). Readers (`archload report`,
// `archload compare`) check these. Version 2 added the series, histograms, spectra, calls and
// parameters; version 1 reports carried no schema fields.

namespace archload::report {

inline constexpr const char* kRunReportSchema = "archload-run-report";
inline constexpr int kRunReportSchemaVersion = 2;
// `archload knee --report` (controller/capacity/knee_report.cc).
inline constexpr const char* kKneeReportSchema = "archload.knee/1";

}  // namespace archload::report

// `archload report`: a run or knee report's JSON rendered as one self-contained HTML file.
#include <iostream>

#include "controller/cli/commands.h"
#include "controller/report/compare.h"
#include "controller/report/html/compare_page.h"
#include "controller/report/html/report_page.h"
#include "controller/report/report_file.h"
#include "controller/report/report_reader.h"
#include "controller/report/report_schema.h"

namespace archload::cli {

namespace {

std::string DefaultOutput(const std::string& input) {
  const std::string ext = ".json";
  if (input.size() > ext.size() && input.compare(input.size() - ext.size(), ext.size(), ext) == 0) {
    return input.substr(0, input.size() - ext.size()) + ".html";
  }
  return input + ".html";
}

}  // namespace

int RunReport(const GlobalOptions&, const ReportCliOptions& o) {
  const std::string output = o.output.empty() ? DefaultOutput(o.input) : o.output;
  try {
    const auto loaded = report::ReadRunOrKneeReport(o.input);
    if (loaded.version > report::kRunReportSchemaVersion) {
      std::cerr << "warning: " << o.input << ": schema version " << loaded.version
                << " is newer than this archload's (" << report::kRunReportSchemaVersion
                << "): rendering what it knows\n";
    }
    report::CheckWritable("-o", output);
    const std::string page = loaded.knee ? report::html::RenderKneeReport(loaded.json)
                                         : report::html::RenderRunReport(loaded.json);
    report::WriteAtomically(output, page);
    std::cerr << "wrote " << output << " (" << (page.size() + 1023) / 1024 << " KB)\n";
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitError;
  }
  return kExitOk;
}

int RunCompare(const GlobalOptions&, const CompareCliOptions& o) {
  std::vector<report::LoadedReport> reports;
  try {
    if (o.inputs.size() < 2) throw report::ReportError("compare needs two reports or more");
    for (const auto& path : o.inputs) reports.push_back(report::ReadRunReport(path));
    if (!o.html.empty()) report::CheckWritable("--html", o.html);
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitError;
  }
  const auto comparison = report::Compare(reports);
  if (o.format == "json") {
    std::cout << report::ComparisonToJson(comparison).dump(2) << "\n";
  } else {
    report::PrintComparison(comparison, std::cout);
  }
  if (!o.html.empty()) {
    try {
      report::WriteAtomically(o.html, report::html::RenderComparison(comparison, reports));
    } catch (const std::runtime_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitError;
    }
  }
  return report::ComparisonExitCode(comparison) == 0 ? kExitOk : kExitFailed;
}

}  // namespace archload::cli

#pragma once

// Reads run reports back (`archload report`, `archload compare`): a JSON file written by
// `archload run --report` (docs/run-report.md), of this schema version or an older one.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace archload::report {

// What is wrong with a file given as a run report; the message names the file.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedReport {
  std::string path;
  nlohmann::json json;
  int version = 1;  // schema_version; 1 for reports that predate the field
};

// Throws ReportError naming `path` when it cannot be read, is not JSON, or is not a run report.
LoadedReport ReadRunReport(const std::string& path);

// A run report or a knee report (schema archload.knee/1: `knee` is set, version 1).
struct LoadedAnyReport : LoadedReport {
  bool knee = false;
};
LoadedAnyReport ReadRunOrKneeReport(const std::string& path);

// The same checks on JSON already parsed; `name` is what messages call it.
void CheckRunReport(const nlohmann::json& j, const std::string& name, int* version = nullptr);

}  // namespace archload::report

#include "controller/report/report_reader.h"

#include <fstream>
#include <sstream>

#include "controller/report/report_schema.h"

namespace archload::report {

void CheckRunReport(const nlohmann::json& j, const std::string& name, int* version) {
  const std::string what = name + ": not an archload run report";
  if (!j.is_object()) throw ReportError(what + " (the JSON is not an object)");
  int v = 1;
  if (j.contains("schema")) {
    if (!j["schema"].is_string() || j["schema"].get<std::string>() != kRunReportSchema) {
      throw ReportError(what + " (its schema is " + j["schema"].dump() + ", not \"" +
                        kRunReportSchema + "\")");
    }
    if (!j.contains("schema_version") || !j["schema_version"].is_number_integer() ||
        j["schema_version"].get<int>() < 1) {
      throw ReportError(what + " (no valid schema_version)");
    }
    v = j["schema_version"].get<int>();
  }
  // What every version has and every reader needs.
  if (!j.contains("problem") || !j["problem"].is_string()) {
    throw ReportError(what + " (no \"problem\")");
  }
  for (const char* list : {"nfr", "components"}) {
    if (!j.contains(list) || !j[list].is_array()) {
      throw ReportError(what + " (no \"" + list + "\" list)");
    }
  }
  for (const auto& n : j["nfr"]) {
    if (!n.is_object() || !n.contains("name") || !n["name"].is_string() || !n.contains("pass") ||
        !n["pass"].is_boolean()) {
      throw ReportError(what + " (an \"nfr\" entry without a name and a pass)");
    }
  }
  if (version) *version = v;
}

namespace {

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportError(path + ": cannot read it");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw ReportError(path + ": not JSON (" + e.what() + ")");
  }
}

}  // namespace

LoadedReport ReadRunReport(const std::string& path) {
  LoadedReport r;
  r.path = path;
  r.json = ReadJson(path);
  CheckRunReport(r.json, path, &r.version);
  return r;
}

LoadedAnyReport ReadRunOrKneeReport(const std::string& path) {
  LoadedAnyReport r;
  r.path = path;
  r.json = ReadJson(path);
  if (r.json.is_object() && r.json.value("schema", nlohmann::json()) == kKneeReportSchema) {
    if (!r.json.contains("points") || !r.json["points"].is_array()) {
      throw ReportError(path + ": a knee report without \"points\"");
    }
    r.knee = true;
    return r;
  }
  CheckRunReport(r.json, path, &r.version);
  return r;
}

}  // namespace archload::report

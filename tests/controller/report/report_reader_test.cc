// Reading reports back: a file that is not a run report is refused with its name and the reason,
// before anything is rendered or compared.
#include "controller/report/report_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/controller/report/report_fixture.h"

namespace archload::report {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("archload-reader-" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string Refusal(const std::string& path) {
  try {
    ReadRunReport(path);
  } catch (const ReportError& e) {
    return e.what();
  }
  return "";
}

TEST(ReportReader, ReadsThisVersionAndTheFirst) {
  const auto v2 = ReadRunReport(Write("v2.json", testing::RunReportJson(1000, 60, true).dump()));
  EXPECT_EQ(v2.version, 2);
  auto old = testing::RunReportJson(1000, 60, true);
  old.erase("schema");
  old.erase("schema_version");
  EXPECT_EQ(ReadRunReport(Write("v1.json", old.dump())).version, 1);
}

TEST(ReportReader, RefusesWhatIsNotARunReportNamingTheFile) {
  const std::string missing = "/nonexistent/r.json";
  EXPECT_EQ(Refusal(missing), missing + ": cannot read it");
  const auto text = Write("text.json", "hello");
  EXPECT_NE(Refusal(text).find(text + ": not JSON"), std::string::npos);
  const auto array = Write("array.json", "[1, 2]");
  EXPECT_NE(Refusal(array).find(array + ": not an archload run report"), std::string::npos);
  const auto plan = Write("plan.json", R"({"problem": "x", "groups": [], "nfrs": []})");
  EXPECT_NE(Refusal(plan).find("no \"nfr\" list"), std::string::npos);
  const auto other = Write("other.json", R"({"schema": "something-else", "schema_version": 1})");
  EXPECT_NE(Refusal(other).find("its schema is \"something-else\""), std::string::npos);
  auto bad = testing::RunReportJson(1000, 60, true);
  bad["nfr"][0].erase("pass");
  EXPECT_NE(Refusal(Write("bad.json", bad.dump())).find("without a name and a pass"),
            std::string::npos);
}

}  // namespace
}  // namespace archload::report

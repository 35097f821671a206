// The HTML report from a run report's JSON: every section present with data in it, every
// string escaped, nothing that would reach the network, and reports that are older or odd
// render what they have instead of failing.
#include "controller/report/html/report_page.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/controller/report/report_fixture.h"

namespace archload::report::html {
namespace {

using report::testing::KneeJson;
using report::testing::RunReportJson;

// data-points of the figure with this id; -1 when it is absent.
int Points(const std::string& page, const std::string& id) {
  const std::regex re("<figure class=\"figure\" id=\"" + id + "\" data-points=\"([0-9]+)\"");
  std::smatch m;
  return std::regex_search(page, m, re) ? std::stoi(m[1]) : -1;
}

// A coordinate or value that is not a number, anywhere in the markup.
bool HasNan(const std::string& page) {
  static const std::regex re("(^|[^A-Za-z])-?(nan|NaN|inf|Infinity)([^A-Za-z]|$)");
  return std::regex_search(page, re);
}

void ExpectSelfContained(const std::string& page) {
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_FALSE(HasNan(page));
}

TEST(ReportPage, EverySectionHasItsFigureWithData) {
  const std::string page = RenderRunReport(RunReportJson(1000, 60, true));
  for (const char* id : {"fig-design", "fig-latency", "fig-rates", "fig-errors", "fig-spectrum",
                         "fig-utilization", "fig-queue-depth", "fig-rejections", "fig-hit-ratio"}) {
    EXPECT_GT(Points(page, id), 0) << id;
  }
  EXPECT_EQ(Points(page, "fig-knee-latency"), -1);  // no knee in a plain run
  EXPECT_NE(page.find("id=\"verdict-word\">PASS"), std::string::npos);
  EXPECT_NE(page.find("<table class=\"verdict\">"), std::string::npos);
  // 5 groups, 5 calls; the bottleneck outlined and marked.
  EXPECT_EQ(Points(page, "fig-design"), 10);
  EXPECT_NE(page.find("class=\"node bottleneck\" data-name=\"App &lt;Servers&gt;\""),
            std::string::npos);
  // The target as a line, the BoE as dashed lines.
  EXPECT_NE(page.find("data-reference=\"target: P99 latency ≤ 200 ms\""), std::string::npos);
  EXPECT_NE(page.find("data-reference=\"BoE P99 55.0 ms\""), std::string::npos);
  ExpectSelfContained(page);
}

TEST(ReportPage, EscapesEveryStringFromTheReport) {
  auto j = RunReportJson(1000, 60, true);
  j["problem"] = "<script>alert(1)</script>";
  j["components"][1]["name"] = "\"><img src=x onerror=alert(1)>";
  j["calls"][0]["to"] = j["components"][1]["name"];
  j["nfr"][0]["raw"] = "</td><script>";
  const std::string page = RenderRunReport(j);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("Demo &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.find("a warning with &lt;tags&gt;"), std::string::npos);
}

TEST(ReportPage, AKneeReportDrawsTheCurveWithTheKneesMarked) {
  const std::string page = RenderKneeReport(KneeJson());
  EXPECT_EQ(Points(page, "fig-knee-latency"), 20);  // 5 + 5 measured, 5 + 5 BoE
  EXPECT_GT(Points(page, "fig-knee-throughput"), 5);
  EXPECT_EQ(Points(page, "fig-knee-utilization"), 10);
  for (const char* mark : {"knee 1150", "NFR knee 1100", "BoE max 1200", "BoE NFR knee 1160"}) {
    EXPECT_NE(page.find(std::string("data-reference=\"") + mark), std::string::npos) << mark;
  }
  EXPECT_NE(page.find("data-reference=\"P99 latency 200"), std::string::npos);
  EXPECT_NE(page.find("<table class=\"knee-points\">"), std::string::npos);
  EXPECT_NE(page.find("App &lt;Servers&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<Servers>"), std::string::npos);
  ExpectSelfContained(page);
}

TEST(ReportPage, AFailingRunSaysSoAndAVersionOneReportStillRenders) {
  const std::string failing = RenderRunReport(RunReportJson(3000, 900, false));
  EXPECT_NE(failing.find("id=\"verdict-word\">FAIL"), std::string::npos);
  EXPECT_NE(failing.find("✗ FAIL"), std::string::npos);
  // Version 1: no series, histograms, spectra or calls.
  auto v1 = RunReportJson(1000, 60, true);
  for (const char* key : {"schema", "schema_version", "series", "calls", "parameters"}) {
    v1.erase(key);
  }
  v1["latency_ms"].erase("histogram");
  v1["predicted_latency_ms"].erase("spectrum");
  const std::string page = RenderRunReport(v1);
  EXPECT_NE(page.find("This report has no per-second series."), std::string::npos);
  EXPECT_NE(page.find("This report has no measured calls."), std::string::npos);
  EXPECT_GT(Points(page, "fig-utilization"), 0);
  ExpectSelfContained(page);
}

TEST(ReportPage, OddValuesNeverThrowOrReachTheSvg) {
  auto j = RunReportJson(1000, 60, true);
  j["offered_rps"] = "lots";
  j["series"]["p99_ms"] = {"x", nullptr, 1e308};
  j["components"][2]["count"] = nullptr;
  j["latency_ms"]["histogram"]["base64"] = "!!!";
  std::string page;
  ASSERT_NO_THROW(page = RenderRunReport(j));
  EXPECT_FALSE(HasNan(page));
  EXPECT_NO_THROW(RenderRunReport(nlohmann::json::object()));
  auto k = KneeJson();
  k["points"][1]["p99_ms"] = "slow";
  k["boe"]["curve"] = "none";
  ASSERT_NO_THROW(page = RenderKneeReport(k));
  EXPECT_FALSE(HasNan(page));
  EXPECT_NO_THROW(RenderKneeReport({{"points", "none"}}));
}

}  // namespace
}  // namespace archload::report::html

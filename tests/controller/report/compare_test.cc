// `archload compare`: NFRs matched by name across runs, differences against the first, and the
// regression gate: an NFR that held in the first run and fails in a later one, nothing else.
#include "controller/report/compare.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/controller/report/report_fixture.h"

namespace archload::report {
namespace {

using testing::RunReportJson;

LoadedReport Loaded(const std::string& path, nlohmann::json j) { return {path, std::move(j), 2}; }

TEST(Compare, AnNfrThatHeldAndNowFailsIsARegression) {
  const auto c = Compare({Loaded("/tmp/a.json", RunReportJson(1000, 60, true)),
                          Loaded("/tmp/b.json", RunReportJson(3000, 900, false))});
  ASSERT_EQ(c.labels, (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(c.verdicts[0], "PASS");
  EXPECT_EQ(c.verdicts[1], "FAIL");
  ASSERT_EQ(c.regressions.size(), 3u);  // P99 latency, throughput, availability
  EXPECT_EQ(c.regressions[0].nfr, "P99 latency");
  EXPECT_EQ(c.regressions[0].run, 1u);
  EXPECT_NE(c.regressions[0].text.find("900 ms against 200 ms"), std::string::npos);
  EXPECT_EQ(ComparisonExitCode(c), 1);
  std::ostringstream out;
  PrintComparison(c, out);
  EXPECT_NE(out.str().find("REGRESSION: P99 latency held in [1] a.json"), std::string::npos);
  EXPECT_NE(out.str().find("3 NFR(s) that held in [1] fail in a later run"), std::string::npos);
  const auto j = ComparisonToJson(c);
  EXPECT_EQ(j["regressions"].size(), 3u);
  EXPECT_EQ(j["nfr"][0]["pass"], nlohmann::json({true, false}));
}

TEST(Compare, FailingFirstImprovingLaterOrAbsentIsNoRegression) {
  // Failed in the first, fails again: not a regression; a later run that improves: neither.
  EXPECT_EQ(ComparisonExitCode(Compare({Loaded("a", RunReportJson(3000, 900, false)),
                                        Loaded("b", RunReportJson(3000, 950, false))})),
            0);
  EXPECT_EQ(ComparisonExitCode(Compare({Loaded("a", RunReportJson(3000, 900, false)),
                                        Loaded("b", RunReportJson(1000, 60, true))})),
            0);
  // An NFR the later run did not judge (no async path, say) is shown as absent, not failed.
  auto later = RunReportJson(1000, 60, true);
  later["nfr"].erase(2);
  const auto c = Compare({Loaded("a", RunReportJson(1000, 60, true)), Loaded("b", later)});
  EXPECT_EQ(ComparisonExitCode(c), 0);
  EXPECT_FALSE(c.nfrs[2].pass[1].has_value());
  // Any later run counts, not only the last.
  const auto three = Compare({Loaded("a", RunReportJson(1000, 60, true)),
                              Loaded("b", RunReportJson(3000, 900, false)),
                              Loaded("c", RunReportJson(1000, 60, true))});
  EXPECT_EQ(ComparisonExitCode(three), 1);
  EXPECT_EQ(three.regressions[0].run, 1u);
}

// A later run that could not decide an NFR (its target inside the interval) shows it as
// undecided, not as a regression.
TEST(Compare, AnInconclusiveVerdictIsNoRegression) {
  auto later = RunReportJson(1000, 195, true);
  later["nfr"][0]["pass"] = false;
  later["nfr"][0]["verdict"] = "inconclusive";
  const auto c = Compare({Loaded("a", RunReportJson(1000, 60, true)), Loaded("b", later)});
  EXPECT_EQ(ComparisonExitCode(c), 0);
  EXPECT_TRUE(c.nfrs[0].undecided[1]);
  std::ostringstream out;
  PrintComparison(c, out);
  EXPECT_NE(out.str().find("200 ms ?"), std::string::npos) << out.str();
}

TEST(Compare, FiguresAndDifferences) {
  const auto c = Compare(
      {Loaded("a", RunReportJson(1000, 60, true)), Loaded("b", RunReportJson(3000, 900, false))});
  ASSERT_EQ(c.latency.size(), 5u);
  EXPECT_EQ(c.latency[4].name, "P99.99");  // recomputed from the serialized histogram
  ASSERT_TRUE(c.latency[4].values[1].has_value());
  EXPECT_NEAR(*c.latency[4].values[1], 900, 9);
  EXPECT_EQ(c.rates[0].name, "offered");
  EXPECT_EQ(c.rates[0].values[1], 3000);
  EXPECT_EQ(c.utilization.size(), 4u);  // clients have none
  EXPECT_EQ(RelativeChange(100.0, 150.0), "+50%");
  EXPECT_EQ(RelativeChange(100.0, 97.5), "-2.5%");
  EXPECT_EQ(RelativeChange(100.0, 100.0), "±0%");
  EXPECT_FALSE(RelativeChange(0.0, 5.0).has_value());
  EXPECT_FALSE(RelativeChange(std::nullopt, 5.0).has_value());
  auto other = RunReportJson(1000, 60, true);
  other["problem"] = "another";
  EXPECT_EQ(Compare({Loaded("a", RunReportJson(1000, 60, true)), Loaded("b", other)}).notes.size(),
            1u);
}

}  // namespace
}  // namespace archload::report

#include "common/metrics/families.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <sstream>
#include <thread>

#include "common/metrics/scrape_ledger.h"

namespace archload::metrics {
namespace {

TEST(Families, SamplesGroupByNameAndCarryTheCommonLabelsFirst) {
  Families f({{"run", "r1"}, {"problem", "p"}});
  f.Counter("archload_x_total", "help x", {{"outcome", "ok"}}, 3);
  f.Gauge("archload_y", "help y", {}, 1.5);
  f.Counter("archload_x_total", "", {{"outcome", "error"}}, 1);
  const auto families = f.Take();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "archload_x_total");
  EXPECT_EQ(families[0].help, "help x");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Counter);
  ASSERT_EQ(families[0].metric.size(), 2u);
  const auto& labels = families[0].metric[1].label;
  ASSERT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels[0].name, "run");
  EXPECT_EQ(labels[2].value, "error");
  EXPECT_EQ(families[0].metric[1].counter.value, 1);
  EXPECT_EQ(families[1].metric[0].gauge.value, 1.5);
}

TEST(Families, HistogramsGoOutInSecondsWithCumulativeBucketsAndInf) {
  const stats::BucketLayout layout({0.2});
  stats::ThresholdCounts exact(layout.exact_ns());
  stats::Histogram h;
  for (uint64_t ns : {1'000'000u, 150'000'000u, 200'000'000u, 200'000'001u, 3'000'000'000u}) {
    h.Record(ns);
    exact.Record(ns);
  }
  Families f({});
  f.Histogram("archload_latency_seconds", "latency", {}, layout, h, &exact);
  const auto families = f.Take();
  ASSERT_EQ(families.size(), 1u);
  const auto& hist = families[0].metric[0].histogram;
  EXPECT_EQ(hist.sample_count, 5u);
  EXPECT_NEAR(hist.sample_sum, 3.551, 3.551 / 100);
  ASSERT_EQ(hist.bucket.size(), layout.bounds_s().size() + 1);
  EXPECT_TRUE(std::isinf(hist.bucket.back().upper_bound));
  EXPECT_EQ(hist.bucket.back().cumulative_count, 5u);
  for (size_t i = 0; i < layout.bounds_s().size(); ++i) {
    if (hist.bucket[i].upper_bound == 0.2) {
      EXPECT_EQ(hist.bucket[i].cumulative_count, 3u);
    }
    if (i > 0) {
      EXPECT_GE(hist.bucket[i].cumulative_count, hist.bucket[i - 1].cumulative_count);
    }
  }
  // The text exposition prints the edge as written, once, and one +Inf bucket.
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, families);
  EXPECT_NE(text.str().find("le=\"0.2\"} 3"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("le=\"0.00112\"}"), std::string::npos);
  size_t infs = 0;
  for (size_t at = 0; (at = text.str().find("le=\"+Inf\"", at)) != std::string::npos; ++at) ++infs;
  EXPECT_EQ(infs, 1u);
}

TEST(ScrapeLedger, NobodyScrapingHoldsNothingUp) {
  ScrapeLedger ledger;
  const auto start = ScrapeLedger::Clock::now();
  EXPECT_FALSE(ledger.WaitForFinalScrape(start + std::chrono::seconds(30)));
  EXPECT_LT(ScrapeLedger::Clock::now() - start, std::chrono::seconds(5));
}

TEST(ScrapeLedger, AScrapedEndpointWaitsForTheFinalFiguresOrTheDeadline) {
  ScrapeLedger ledger;
  uint64_t heard = 0;
  ledger.SetListener([&heard](uint64_t n) { heard = n; });
  ledger.Answered(false);
  EXPECT_EQ(heard, 1u);
  EXPECT_EQ(ledger.scrapes(), 1u);
  // Scraped before, no final scrape: the wait runs to its deadline.
  EXPECT_FALSE(
      ledger.WaitForFinalScrape(ScrapeLedger::Clock::now() + std::chrono::milliseconds(50)));
  std::thread scraper([&ledger] { ledger.Answered(true); });
  EXPECT_TRUE(ledger.WaitForFinalScrape(ScrapeLedger::Clock::now() + std::chrono::seconds(30)));
  scraper.join();
  EXPECT_TRUE(ledger.final_scraped());
  EXPECT_EQ(heard, 2u);
}

}  // namespace
}  // namespace archload::metrics

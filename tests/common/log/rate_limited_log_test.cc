#include "common/log/rate_limited_log.h"

#include <gtest/gtest.h>

#include <vector>

namespace archload::logging {
namespace {

TEST(RateLimitedLog, OneLinePerKindPerIntervalWithTheHeldBackCount) {
  std::vector<std::string> lines;
  RateLimitedLog log("p: ", 1000, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_TRUE(log.Log("a", "first", 0));
  EXPECT_FALSE(log.Log("a", "again", 10));
  EXPECT_FALSE(log.Log("a", "again", 999));
  EXPECT_TRUE(log.Log("b", "other kind", 20));  // kinds are limited apart
  EXPECT_TRUE(log.Log("a", "later", 1000));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "p: first");
  EXPECT_EQ(lines[1], "p: other kind");
  EXPECT_EQ(lines[2], "p: later (2 more like this since the last report)");
}

TEST(RateLimitedLog, AFloodCostsOneLinePerInterval) {
  int written = 0;
  RateLimitedLog log("", 1000000000, [&](const std::string&) { ++written; });
  for (int64_t t = 0; t < 10'000'000'000; t += 1'000'000) log.Log("flood", "x", t);
  EXPECT_EQ(written, 10);
}

}  // namespace
}  // namespace archload::logging

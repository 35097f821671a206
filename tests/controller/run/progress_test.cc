#include "controller/run/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace archload::run {
namespace {

AgentState Agent(uint64_t offered, uint64_t ok, double cut_at_s) {
  AgentState a;
  a.latest.mutable_client()->set_offered(offered);
  a.latest.mutable_client()->set_ok(ok);
  a.latest.set_elapsed_ns(static_cast<int64_t>(cut_at_s * 1e9));
  return a;
}

// Two agents at 500 req/s each. The controller's second tick comes before their second figures:
// the line repeats the last rates instead of reading 0 req/s, and the tick after that does not
// read twice the rate.
TEST(Progress, RatesFollowTheAgentsFiguresNotTheControllersTick) {
  std::ostringstream out;
  Progress p(out, 3, /*tty=*/false);
  p.Line(1.0, {Agent(500, 500, 1.0), Agent(500, 490, 1.0)});
  p.Line(2.0, {Agent(500, 500, 1.0), Agent(500, 490, 1.0)});  // nothing new yet
  p.Line(3.0, {Agent(1500, 1500, 3.0), Agent(1500, 1470, 3.0)});
  std::istringstream lines(out.str());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_NE(line.find("offered    1000 req/s  achieved     990 req/s"), std::string::npos)
        << "line " << n << ": " << line;
  }
  EXPECT_EQ(n, 3);
}

// Without the agents' times (a controller older than them), the controller's clock is used.
TEST(Progress, WithoutTheAgentsTimesTheTickIsTheClock) {
  std::ostringstream out;
  Progress p(out, 2, /*tty=*/false);
  p.Line(1.0, {Agent(200, 200, 0)});
  p.Line(2.0, {Agent(600, 600, 0)});
  EXPECT_NE(out.str().find("offered     400 req/s  achieved     400 req/s"), std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace archload::run

// Figures stay honest when a run breaks: rates over the time measured, nothing answered is not
// "available", what the harness lost is not the design's, and a stalled agent names the harness.
#include "controller/run/run_result.h"

#include <gtest/gtest.h>

#include "controller/run/local_launcher.h"
#include "controller/run/run_spec.h"

namespace archload::run {
namespace {

RunSpec TwoGroups() {
  RunSpec s;
  s.workload.set_rate_rps(1000);
  for (int i = 0; i < 2; ++i) {
    v1::GroupSpec g;
    g.set_index(i);
    g.set_name(i == 0 ? "client" : "App");
    g.set_role(i == 0 ? v1::ROLE_CLIENT : v1::ROLE_SERVICE);
    g.set_count(i == 0 ? 1 : 4);
    g.set_concurrency(2);
    s.groups.push_back(g);
  }
  s.agent_of = {{0}, {0, 1, 0, 1}};
  s.agents = 2;
  return s;
}

AgentState Agent(const std::string& id, uint64_t ok, uint64_t errors, uint64_t received) {
  AgentState a;
  a.id = id;
  a.finished = true;
  a.latest.mutable_client()->set_offered(ok + errors);
  a.latest.mutable_client()->set_sent(ok + errors);
  a.latest.mutable_client()->set_ok(ok);
  a.latest.mutable_client()->set_completed_in_window(ok);
  a.latest.mutable_client()->set_errors(errors);
  auto* g = a.latest.add_groups();
  g->set_group(1);
  g->set_received(received);
  return a;
}

spec::Problem WithAvailability(double target) {
  spec::Problem p;
  p.id = "p";
  spec::Nfr n;
  n.name = "Availability";
  n.kind = spec::NfrKind::kAvailability;
  n.raw = "Availability: 99.9%";
  n.availability = target;
  p.nfrs.push_back(n);
  return p;
}

const Verdict* Find(const RunResult& r, const std::string& name) {
  for (const auto& v : r.nfrs) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

TEST(RunResult, RatesAreOverTheWindowMeasuredNotTheWindowPlanned) {
  // 5 s of a 30 s run at 1,000 req/s: 5,000 answered.
  auto r = MergeResults(TwoGroups(), {Agent("agent-0", 5000, 0, 5000)}, 5.0);
  EXPECT_NEAR(r.achieved_rps, 1000, 1e-9);
  EXPECT_NEAR(r.groups[1].rps, 1000, 1e-9);
}

// Throughput counts completions inside the window, not what finishes in the drain after it, nor
// the warm-up before it.
TEST(RunResult, ThroughputIsWhatCompletedInsideTheCountedWindow) {
  auto spec = TwoGroups();
  spec.workload.set_warmup_s(2);
  auto a = Agent("agent-0", 8400, 0, 8000);
  a.latest.mutable_client()->set_completed_in_window(8000);  // 400 finished in the drain
  auto r = MergeResults(spec, {a}, 10.0);
  EXPECT_NEAR(r.achieved_rps, 1000, 1e-9);  // 8,000 over the 8 counted seconds
  EXPECT_NEAR(r.groups[1].rps, 1000, 1e-9);
  EXPECT_EQ(r.warmup_s, 2);
}

TEST(RunResult, NothingAnsweredMakesAvailabilityUndefinedAndFailing) {
  auto r = MergeResults(TwoGroups(), {Agent("agent-0", 0, 0, 0)}, 5.0);
  Judge(r, WithAvailability(0.999), planner::Plan{});
  const auto* a = Find(r, "availability");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->measured.has_value());
  EXPECT_FALSE(a->pass);
  EXPECT_NE(a->note.find("no request was answered"), std::string::npos);
  const auto* t = Find(r, "throughput");
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->pass);
  EXPECT_FALSE(AllPass(r));
}

TEST(RunResult, WhatTheHarnessLostIsNotTheDesignsErrorButFailsTheRun) {
  auto a = Agent("agent-0", 5000, 0, 5000);
  a.latest.mutable_client()->set_harness_errors(40);
  a.latest.mutable_health()->mutable_data_plane()->set_connect_errors(3);
  auto r = MergeResults(TwoGroups(), {a}, 5.0);
  EXPECT_EQ(r.error_rate, 0);  // the design answered everything it was asked
  Judge(r, WithAvailability(0.999), planner::Plan{});
  NoteHarnessFaults(r);
  ASSERT_EQ(r.harness_faults.size(), 1u);
  EXPECT_NE(r.harness_faults[0].find("40 requests were lost by the harness"), std::string::npos)
      << r.harness_faults[0];
  EXPECT_NE(r.harness_faults[0].find("3 connect errors"), std::string::npos);
  EXPECT_FALSE(AllPass(r));
}

TEST(RunResult, ArrivalsNeverSentAreAHarnessFault) {
  auto a = Agent("agent-0", 5000, 0, 5000);
  a.latest.mutable_client()->set_dropped(7);
  auto r = MergeResults(TwoGroups(), {a}, 5.0);
  NoteHarnessFaults(r);
  ASSERT_FALSE(r.harness_faults.empty());
  EXPECT_NE(r.harness_faults[0].find("7 arrivals were never sent"), std::string::npos);
}

TEST(RunResult, AStalledAgentIsNamedAsTheBottleneckNotADesignGroup) {
  auto a = Agent("agent-0", 5000, 0, 5000);
  a.latest.mutable_groups(0)->set_rejected(900);  // what the stall made the design look like
  auto r = MergeResults(TwoGroups(), {a, Agent("agent-1", 0, 0, 0)}, 10.0);
  r.harness.stalls.push_back({"agent-1", 3.0, 8.0});
  Judge(r, WithAvailability(0.999), planner::Plan{});
  NoteHarnessFaults(r);
  EXPECT_EQ(r.bottleneck, "the harness (agent-1)");
  ASSERT_FALSE(r.harness_faults.empty());
  EXPECT_NE(r.harness_faults[0].find("agent-1 stalled for 5.0 s"), std::string::npos);
  EXPECT_FALSE(AllPass(r));
}

TEST(RunResult, RefusedIntrudersAreReportedButChangeNoFigure) {
  auto a = Agent("agent-0", 5000, 0, 5000);
  a.latest.mutable_health()->mutable_data_plane()->set_refused_connections(2);
  auto r = MergeResults(TwoGroups(), {a}, 5.0);
  r.harness.control_plane_refused = 3;
  NoteHarnessFaults(r);
  EXPECT_TRUE(r.harness_faults.empty());
  EXPECT_EQ(r.warnings.size(), 2u);
  EXPECT_NEAR(r.achieved_rps, 1000, 1e-9);
}

TEST(RunSpec, AFleetOverThePerAgentLimitIsRefusedNamingIt) {
  RunSpec s = TwoGroups();
  s.groups[1].set_count(1500000);
  s.agents = 1;
  try {
    CheckFleetSize(s);
    FAIL() << "1.5M instances on one agent accepted";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("1000000 instances per agent"), std::string::npos) << m;
    EXPECT_NE(m.find("--agents 2"), std::string::npos) << m;
  }
  s.agents = 2;
  EXPECT_NO_THROW(CheckFleetSize(s));
}

TEST(RunSpec, EveryInstanceIsHostedOnceAndPlacedWhereItIsHosted) {
  const RunSpec s = TwoGroups();
  v1::Start start;
  FillPlacement(s, &start);
  ASSERT_EQ(start.placement_size(), 2);
  int hosted = 0;
  for (int agent = 0; agent < s.agents; ++agent) {
    for (const auto& h : HostedBy(s, agent)) {
      for (uint32_t i : h.instances()) {
        ++hosted;
        EXPECT_EQ(start.placement(h.group()).agent(static_cast<int>(i)),
                  static_cast<uint32_t>(agent));
      }
    }
  }
  EXPECT_EQ(hosted, 5);
}

TEST(LocalLauncher, ExitsAreDescribedInWords) {
  EXPECT_EQ(DescribeExit(2 << 8), "exited with code 2 (it refused its assignment or its flags)");
  EXPECT_EQ(DescribeExit(9), "killed by signal 9 (SIGKILL)");
}

}  // namespace
}  // namespace archload::run

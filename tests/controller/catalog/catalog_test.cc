// Whole-catalog properties: every committed problem loads, matches a fresh import of the seed,
// is written back as it is, plans, (for the 217 reference designs) passes its own tiers once
// sized, and its sized design loads again and plans the same.
#include "controller/catalog/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/seed_importer.h"
#include "controller/planner/planner.h"
#include "controller/planner/tier_checker.h"

namespace archload::catalog {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = ARCHLOAD_SOURCE_DIR;

const std::vector<spec::Problem>& All() {
  static const auto* all = new std::vector<spec::Problem>(Catalog(kSource / "problems").LoadAll());
  return *all;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Catalog, Holds618ProblemsWithUniqueIdsThatNameTheirFiles) {
  const Catalog cat(kSource / "problems");
  const auto files = cat.Files();
  EXPECT_EQ(files.size(), 618u);
  ASSERT_EQ(All().size(), 618u);
  std::set<std::string> ids;
  for (const auto& p : All()) {
    EXPECT_TRUE(ids.insert(p.id).second) << "duplicate id " << p.id;
    EXPECT_EQ(fs::path(p.source).stem().string(), p.id);
    EXPECT_EQ(fs::path(p.source).parent_path().filename().string(), p.category);
    ASSERT_TRUE(p.design.has_value()) << p.id;
  }
}

TEST(Catalog, MatchesAFreshImportOfTheSeed) {
  const fs::path seed_dir = kSource.parent_path() / "shared" / "seed";
  std::vector<fs::path> seeds;
  std::error_code ec;
  if (fs::is_directory(seed_dir, ec)) {
    for (const auto& e : fs::directory_iterator(seed_dir)) {
      if (e.path().extension() == ".txt") seeds.push_back(e.path());
    }
  }
  if (seeds.empty()) GTEST_SKIP() << "no seed under " << seed_dir << ": drift not checked";
  ASSERT_EQ(seeds.size(), 1u);
  const auto result = ImportSeed(Slurp(seeds[0]), seeds[0].string());
  ASSERT_EQ(result.problems.size(), 618u);
  size_t drifted = 0;
  for (const auto& p : result.problems) {
    const fs::path committed = kSource / "problems" / p.category / (p.id + ".yaml");
    const std::string fresh = spec::EmitProblemYaml(p);
    if (!fs::exists(committed) || Slurp(committed) != fresh) {
      ADD_FAILURE() << committed << " differs from a fresh import; run: archload import-seed "
                    << seeds[0] << " --out problems";
      if (++drifted > 5) break;
    }
  }
  EXPECT_EQ(drifted, 0u);
  EXPECT_EQ(Catalog(kSource / "problems").Files().size(), result.problems.size());
}

TEST(Catalog, ParsesLatencyAndRateForNearlyAll) {
  int latency = 0, rate = 0;
  for (const auto& p : All()) {
    bool has_latency = false, has_rate = false;
    for (const auto& n : p.nfrs) {
      for (const auto& t : n.latency) has_latency = has_latency || !t.percentile_assumed;
      has_rate = has_rate || (n.kind == spec::NfrKind::kRate && !n.rates.empty());
    }
    latency += has_latency;
    rate += has_rate;
  }
  EXPECT_GE(latency, 570);
  EXPECT_GE(rate, 570);
}

TEST(Catalog, EveryReferenceDesignPassesItsTiersAfterSizing) {
  int reference = 0;
  for (const auto& p : All()) {
    if (p.design->synthesized) continue;
    ++reference;
    const auto plan = planner::MakePlan(p, {});
    const auto tiers = planner::CheckTiers(p, plan.sized_design);
    for (const auto& t : tiers) {
      for (const auto& c : t.checks) {
        EXPECT_TRUE(c.pass) << p.id << ": " << t.name << ": " << c.check.raw << " — " << c.reason;
      }
    }
  }
  EXPECT_EQ(reference, 217);
}

TEST(Catalog, EveryProblemYieldsAPlan) {
  int planned = 0;
  for (const auto& p : All()) {
    const auto plan = planner::MakePlan(p, {});
    EXPECT_GT(plan.workload.rate_rps, 0) << p.id;
    EXPECT_FALSE(plan.groups.empty()) << p.id;
    EXPECT_GT(plan.max_throughput_rps, 0) << p.id;
    for (const auto& g : plan.groups) EXPECT_GE(g.count, 1) << p.id << " " << g.name;
    ++planned;
  }
  EXPECT_EQ(planned, 618);
}

// Loading and emitting are inverse on the catalog: a committed file is written back byte for
// byte (multi-line text once came back with an extra line break).
TEST(Catalog, EveryFileIsWrittenBackAsItIs) {
  size_t differ = 0;
  for (const auto& p : All()) {
    if (spec::EmitProblemYaml(p) != Slurp(p.source)) {
      ADD_FAILURE() << p.source << " is not written back as it is";
      if (++differ > 5) break;
    }
  }
  EXPECT_EQ(differ, 0u);
}

// `plan X --write-design out.yaml` then `plan out.yaml`: the written design loads and sizes to
// the same counts, for every problem of the catalog.
TEST(Catalog, EverySizedDesignLoadsAgainAndPlansTheSame) {
  planner::PlanOptions options;
  options.latency_samples = 200;  // counts do not depend on the latency prediction
  int round_trips = 0, failures = 0;
  for (const auto& p : All()) {
    const auto plan = planner::MakePlan(p, options);
    const std::string written = spec::EmitProblemYaml(planner::SizedProblem(p, plan));
    spec::Problem again;
    try {
      again = spec::ParseProblemYaml(written, p.id + " (sized)");
    } catch (const spec::SpecError& e) {
      ADD_FAILURE() << p.id << ": the written design does not load: " << e.what();
      if (++failures > 5) break;
      continue;
    }
    const auto replan = planner::MakePlan(again, options);
    ASSERT_EQ(replan.groups.size(), plan.groups.size()) << p.id;
    for (size_t i = 0; i < plan.groups.size(); ++i) {
      EXPECT_EQ(replan.groups[i].name, plan.groups[i].name) << p.id;
      EXPECT_EQ(replan.groups[i].count, plan.groups[i].count)
          << p.id << ": " << plan.groups[i].name;
    }
    EXPECT_DOUBLE_EQ(replan.workload.rate_rps, plan.workload.rate_rps) << p.id;
    EXPECT_EQ(replan.nfrs.size(), plan.nfrs.size()) << p.id;
    // Written again, the design is the same bytes: nothing drifts from one round to the next.
    EXPECT_EQ(spec::EmitProblemYaml(planner::SizedProblem(again, replan)), written) << p.id;
    ++round_trips;
  }
  EXPECT_EQ(round_trips, 618);
}

}  // namespace
}  // namespace archload::catalog

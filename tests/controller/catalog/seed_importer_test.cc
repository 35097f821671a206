#include "controller/catalog/seed_importer.h"

#include <gtest/gtest.h>

#include "common/spec/roles.h"
#include "controller/catalog/design_synthesizer.h"

namespace archload::catalog {
namespace {

const char* kSeed = R"(# All System Design Problems

## 1. 📚 Tutorial: Tiny Blog

**ID:** tiny-blog
**Category:** tutorial
**Difficulty:** Easy

### Summary

A blog

### Goal

Serve 1,000 requests/sec

### Functional Requirements

- Read posts
- Write posts

### Non-Functional Requirements

- **Latency:** P99 < 200ms
- **Request Rate:** Start: 100 req/sec, Target: 1,000 req/sec

### Constants/Assumptions

- **read_qps:** 900
- **app_capacity_per_instance:** 150
- **level:** L5

### Available Components

- client
- app

### Tiers/Checkpoints

**T0: 🎯 Basic**
  - Must include: app
  - Minimum 7 of type: app
  - Must have connection from: app
  - Parameter range check: cache.hit_rate

### Reference Solution

**Components:**
- Readers (redirect_client)
- ALB (API) (lb)
- App Servers (app)
- DB (db_primary)

**Connections:**
- Readers → ALB (API)
- ALB (API) → App Servers
- App Servers → DB

## A heading inside a problem that is not a problem

---

## 2. Exotic

**ID:** exotic
**Category:** new-computing
**Difficulty:** L6-Principal

### Available Components

- quantum_db
- lb
- app
- cache
- queue
- worker
)";

TEST(SeedImporter, ParsesEverySection) {
  const auto r = ImportSeed(kSeed, "seed.md");
  ASSERT_EQ(r.problems.size(), 2u);
  const auto& p = r.problems[0];
  EXPECT_EQ(p.id, "tiny-blog");
  EXPECT_EQ(p.title, "Tutorial: Tiny Blog");
  EXPECT_EQ(p.category, "tutorial");
  EXPECT_EQ(p.difficulty, "Easy");
  EXPECT_EQ(p.summary, "A blog");
  EXPECT_EQ(p.functional_requirements.size(), 2u);
  ASSERT_EQ(p.nfrs.size(), 2u);
  EXPECT_EQ(p.nfrs[1].rates.back().per_second, 1000);
  EXPECT_EQ(*p.NumberConstant("read_qps"), 900);
  EXPECT_EQ(p.FindConstant("level")->text, "L5");
  ASSERT_EQ(p.tiers.size(), 1u);
  EXPECT_EQ(p.tiers[0].name, "T0: Basic");
  ASSERT_EQ(p.tiers[0].checks.size(), 4u);
  EXPECT_EQ(p.tiers[0].checks[1].kind, spec::CheckKind::kMinCount);
  EXPECT_EQ(p.tiers[0].checks[1].min_count, 7);
  EXPECT_EQ(p.tiers[0].checks[3].param, "cache.hit_rate");
  ASSERT_TRUE(p.design.has_value());
  EXPECT_FALSE(p.design->synthesized);
  ASSERT_EQ(p.design->components.size(), 4u);
  EXPECT_EQ(p.design->components[1].name, "ALB (API)");  // name with parentheses
  EXPECT_EQ(p.design->components[1].type, "lb");
  EXPECT_EQ(p.design->connections[0].to, "ALB (API)");
}

TEST(SeedImporter, SynthesizesAndWarnsForUnknownTypes) {
  const auto r = ImportSeed(kSeed, "seed.md");
  const auto& p = r.problems[1];
  ASSERT_TRUE(p.design.has_value());
  EXPECT_TRUE(p.design->synthesized);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("quantum_db"), std::string::npos);
  const auto* q = p.design->Find("quantum_db");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->role, spec::Role::kService);
}

TEST(SeedImporter, RepairsMojibakeInput) {
  // "→" as the seed stores it: ‚Üí
  std::string broken = kSeed;
  const std::string arrow = "→", mojibake = "\xE2\x80\x9A\xC3\x9C\xC3\xAD";
  for (size_t pos; (pos = broken.find(arrow)) != std::string::npos;) {
    broken.replace(pos, arrow.size(), mojibake);
  }
  // Strip the emoji so every code point of the input is in Mac Roman.
  for (const std::string e : {"📚 ", "🎯 "}) {
    for (size_t pos; (pos = broken.find(e)) != std::string::npos;) broken.erase(pos, e.size());
  }
  const auto r = ImportSeed(broken, "seed.md");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].design->connections.size(), 3u);
}

TEST(SeedImporter, DanglingConnectionNamesTheLine) {
  std::string bad = kSeed;
  const std::string edge = "App Servers → DB";
  bad.replace(bad.find(edge), edge.size(), "App Servers → Nowhere");
  try {
    ImportSeed(bad, "seed.md");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("seed.md:57"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Nowhere"), std::string::npos);
  }
}

// Found by tests/fuzz/seed_fuzz: malformed UTF-8 was imported as it was, and the YAML written
// for the problem read back different text.
TEST(SeedImporter, MalformedUtf8NamesTheLine) {
  std::string bad = kSeed;
  bad.replace(bad.find("A blog"), 6, "A \xC3(log");
  try {
    ImportSeed(bad, "seed.md");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("seed.md:11: not valid UTF-8"), std::string::npos)
        << e.what();
  }
}

std::string ImportError(const std::string& seed) {
  try {
    ImportSeed(seed, "seed.md");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "imported";
}

// Found by tests/fuzz/seed_fuzz: each imported, but the YAML written for it does not load (a
// duplicate name, an id with a space) or is written outside the catalog (a category "..").
TEST(SeedImporter, RefusesWhatTheCatalogCannotHold) {
  std::string dup = kSeed;
  dup.replace(dup.find("- DB (db_primary)"), 17, "- ALB (API) (db_primary)");
  EXPECT_NE(ImportError(dup).find("duplicate component name 'ALB (API)'"), std::string::npos)
      << ImportError(dup);
  std::string id = kSeed;
  id.replace(id.find("tiny-blog"), 9, "tiny blog");
  EXPECT_NE(ImportError(id).find("seed.md:3: problem id 'tiny blog'"), std::string::npos)
      << ImportError(id);
  std::string empty = kSeed;
  const size_t from = empty.find("- Readers (redirect_client)");
  empty.erase(from, empty.find("**Connections:**") - from);
  empty.erase(empty.find("- Readers →"), empty.find("## A heading") - empty.find("- Readers →"));
  EXPECT_NE(ImportError(empty).find("seed.md:48: the reference solution lists no components"),
            std::string::npos)
      << ImportError(empty);
  std::string param = kSeed;
  param.replace(param.find("cache.hit_rate"), 14, "hit_rate");
  EXPECT_NE(ImportError(param).find("seed.md:44: parameter range check 'hit_rate'"),
            std::string::npos)
      << ImportError(param);
  for (const char* count : {"1000001", "99999999999999999999"}) {  // stoi threw out_of_range
    std::string many = kSeed;
    many.replace(many.find("Minimum 7"), 9, std::string("Minimum ") + count);
    EXPECT_NE(ImportError(many).find("seed.md:42: minimum count"), std::string::npos)
        << ImportError(many);
  }
  // Found by seed_fuzz: a constant given twice was written twice, and the file did not load.
  std::string constant = kSeed;
  constant.replace(constant.find("- **level:** L5"), 15, "- **read_qps:** 1000");
  EXPECT_NE(ImportError(constant).find(
                "seed.md:31: duplicate constant 'read_qps' (first given at line 29)"),
            std::string::npos)
      << ImportError(constant);
  for (const char* category : {"..", "a/b", "..\\x"}) {
    std::string bad = kSeed;
    bad.replace(bad.find("**Category:** tutorial"), 22, std::string("**Category:** ") + category);
    EXPECT_NE(ImportError(bad).find("is not a directory name"), std::string::npos) << category;
  }
}

TEST(DesignSynthesizer, LayersByRole) {
  std::vector<std::string> warnings;
  const auto d = SynthesizeDesign(
      {"cdn", "api_gateway", "lb", "app", "cache", "db_primary", "queue", "worker"}, &warnings);
  EXPECT_TRUE(d.synthesized);
  EXPECT_TRUE(warnings.empty());
  auto has = [&](const std::string& a, const std::string& b) {
    for (const auto& c : d.connections) {
      if (c.from == a && c.to == b) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("client", "cdn"));
  EXPECT_TRUE(has("cdn", "lb"));
  EXPECT_TRUE(has("lb", "api_gateway"));  // lb before gateway
  EXPECT_TRUE(has("api_gateway", "app"));
  EXPECT_TRUE(has("app", "cache"));
  EXPECT_TRUE(has("app", "db_primary"));
  EXPECT_TRUE(has("app", "queue"));
  EXPECT_TRUE(has("queue", "worker"));
  EXPECT_TRUE(has("worker", "db_primary"));
  EXPECT_FALSE(has("client", "app"));
}

}  // namespace
}  // namespace archload::catalog

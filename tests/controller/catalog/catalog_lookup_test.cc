#include <gtest/gtest.h>

#include "common/spec/spec_error.h"
#include "controller/catalog/catalog.h"

namespace archload::catalog {
namespace {

// The compiled-in default catalog may be missing: looking an id up in it must say so, naming
// the directory, rather than call the id unknown.
TEST(CatalogLookup, AnIdInAMissingCatalogNamesTheDirectory) {
  const Catalog missing("/nonexistent/archload-catalog");
  try {
    LoadProblemOrDesign("tutorial-simple-blog", missing);
    FAIL() << "expected a SpecError";
  } catch (const spec::SpecError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/archload-catalog");
    EXPECT_NE(std::string(e.what()).find("the catalog directory does not exist"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("unknown problem id"), std::string::npos) << e.what();
  }
}

TEST(CatalogLookup, AnUnknownIdInAnExistingCatalogIsUnknown) {
  const Catalog catalog(std::string(ARCHLOAD_SOURCE_DIR) + "/problems");
  try {
    LoadProblemOrDesign("no-such-problem", catalog);
    FAIL() << "expected a SpecError";
  } catch (const spec::SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown problem id 'no-such-problem'"), std::string::npos)
        << e.what();
  }
}

TEST(CatalogLookup, AnExplicitMissingCatalogIsRefused) {
  EXPECT_THROW(FindCatalogDir("/nonexistent/archload-catalog", nullptr), spec::SpecError);
  EXPECT_EQ(FindCatalogDir(std::string(ARCHLOAD_SOURCE_DIR) + "/problems", nullptr),
            std::string(ARCHLOAD_SOURCE_DIR) + "/problems");
}

}  // namespace
}  // namespace archload::catalog

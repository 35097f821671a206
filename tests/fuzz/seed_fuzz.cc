// Fuzz target: the seed importer, catalog::ImportSeed (controller/catalog/seed_importer.h), on
// arbitrary text: the Markdown seed `archload import-seed` turns into problems/*.yaml.
//
// Properties, beyond "no crash, no sanitizer report":
//   - a seed it cannot import is reported as std::runtime_error naming the seed file and line, as
//     documented, and as nothing else (not even a subclass such as std::regex_error);
//   - every imported problem can be written where WriteCatalog puts it: its category is one
//     directory name below the catalog (no '/', '\', '.', '..'), and
//   - emitted as YAML (EmitProblemYaml) it loads again (ParseProblemYaml), and emitting that
//     gives the same bytes: an import never writes a catalog archload cannot read.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/seed_importer.h"

namespace {

using archload::catalog::ImportResult;
using archload::catalog::ImportSeed;
using archload::spec::EmitProblemYaml;
using archload::spec::ParseProblemYaml;
using archload::spec::Problem;

constexpr char kSource[] = "seed.md";

[[noreturn]] void Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "seed_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

bool IsOneDirectoryName(const std::string& s) {
  return !s.empty() && s != "." && s != ".." &&
         s.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ImportResult result;
  try {
    result = ImportSeed(text, kSource);
  } catch (const std::exception& e) {
    if (typeid(e) != typeid(std::runtime_error)) {
      Fail(std::string("the importer threw ") + typeid(e).name() + ", not std::runtime_error",
           e.what());
    }
    if (std::string(e.what()).rfind(std::string(kSource) + ":", 0) != 0) {
      Fail("an import error does not name the seed file and line", e.what());
    }
    return 0;
  }

  for (const Problem& p : result.problems) {
    if (!IsOneDirectoryName(p.category.empty() ? "uncategorized" : p.category)) {
      Fail("a category that is not one directory name: WriteCatalog writes outside the catalog",
           p.category);
    }
    std::string emitted, emitted_again;
    try {
      emitted = EmitProblemYaml(p);
      const Problem reloaded = ParseProblemYaml(emitted, p.id + ".yaml");
      emitted_again = EmitProblemYaml(reloaded);
    } catch (const std::exception& e) {
      Fail(std::string("an imported problem does not reload: ") + e.what(),
           "--- emitted ---\n" + emitted);
    }
    if (emitted_again != emitted) {
      Fail("an imported problem emits different bytes after a reload",
           "--- first ---\n" + emitted + "--- second ---\n" + emitted_again);
    }
  }
  return 0;
}

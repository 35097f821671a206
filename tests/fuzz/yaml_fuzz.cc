// Fuzz target: the YAML problem/design loader, spec::ParseProblemYaml (common/spec/spec_yaml.h),
// on arbitrary text: every problem file and every design a user passes to `plan`, `check` and
// `run` goes through it.
//
// Properties, beyond "no crash, no sanitizer report":
//   - bad input is reported as SpecError (file, line, field) and as nothing else: any other
//     exception escaping the loader, yaml-cpp's own included, is a finding;
//   - the emit/reload round trip: a problem that loads emits YAML (EmitProblemYaml) that loads
//     again, and emitting that gives the same bytes (what `plan --write-design` and
//     `import-seed` write is a file archload reads back unchanged).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "common/spec/spec_error.h"
#include "common/spec/spec_yaml.h"

namespace {

using archload::spec::EmitProblemYaml;
using archload::spec::ParseProblemYaml;
using archload::spec::Problem;
using archload::spec::SpecError;

[[noreturn]] void Fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "yaml_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Problem problem;
  try {
    problem = ParseProblemYaml(text, "fuzz.yaml");
  } catch (const SpecError&) {
    return 0;  // rejected with file, line and field: the expected way to fail
  } catch (const std::exception& e) {
    Fail(std::string("the loader let through ") + typeid(e).name() + " instead of SpecError",
         e.what());
  }

  std::string emitted, emitted_again;
  try {
    emitted = EmitProblemYaml(problem);
    const Problem reloaded = ParseProblemYaml(emitted, "emitted.yaml");
    emitted_again = EmitProblemYaml(reloaded);
  } catch (const std::exception& e) {
    Fail(std::string("a loaded problem does not reload after EmitProblemYaml: ") + e.what(),
         "--- emitted ---\n" + emitted);
  }
  if (emitted_again != emitted) {
    Fail("emit, reload, emit gave different bytes",
         "--- first ---\n" + emitted + "--- second ---\n" + emitted_again);
  }
  return 0;
}

#pragma once

#include <filesystem>
#include <string>

#include "common/spec/problem.h"
#include "common/spec/spec_error.h"

namespace archload::spec {

// Loads a problem or a user's design file. Validates as it goes and throws SpecError naming the
// file, line and field of the first mistake. NFR entries that carry only `raw` are parsed here.
Problem LoadProblemFile(const std::filesystem::path& path);
Problem ParseProblemYaml(const std::string& text, const std::string& source);

// Deterministic YAML for a problem: the same problem always gives the same bytes, so the
// committed catalog can be compared with a fresh import.
std::string EmitProblemYaml(const Problem& problem);

// Shortest decimal text that reads back as the same double ("0.9", not "0.90000000000000002").
std::string FormatNumber(double value);

}  // namespace archload::spec

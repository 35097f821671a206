#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/spec/problem.h"

namespace archload::catalog {

struct ImportResult {
  std::vector<spec::Problem> problems;
  std::vector<std::string> warnings;  // e.g. unknown component types mapped to `service`
};

// Parses the seed Markdown (repairing Mac Roman mojibake when present) into problems. Problems
// without a reference design get a synthesized one. Throws std::runtime_error naming the seed
// line when a problem lacks its ID or a connection names no listed component.
ImportResult ImportSeed(std::string_view seed_text, const std::string& source_name);

// Writes problems/<category>/<id>.yaml for each problem; returns the paths written.
std::vector<std::filesystem::path> WriteCatalog(const std::vector<spec::Problem>& problems,
                                                const std::filesystem::path& out_dir);

}  // namespace archload::catalog

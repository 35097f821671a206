#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::catalog {

// The problem catalog: one YAML file per problem under <dir>/<category>/<id>.yaml.
class Catalog {
 public:
  explicit Catalog(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // Every problem, sorted by id. Throws SpecError on the first file that does not load.
  std::vector<spec::Problem> LoadAll() const;

  // The file holding `id`, if any.
  std::optional<std::filesystem::path> PathFor(const std::string& id) const;

  // All catalog files, sorted.
  std::vector<std::filesystem::path> Files() const;

 private:
  std::filesystem::path dir_;
};

// Where the catalog is: --catalog, then $ARCHLOAD_CATALOG, then problems/ next to the binary's
// source tree (build/bin/../../problems), then the directory compiled in at build time. Throws
// SpecError naming the directory when --catalog or $ARCHLOAD_CATALOG names no directory.
std::filesystem::path FindCatalogDir(const std::string& flag_value, const char* argv0);

// Resolves "tutorial-simple-blog" through the catalog, or loads a design file by path. Throws
// SpecError ("unknown problem id ...") when neither exists, or naming the catalog directory when
// an id has to be looked up and the directory does not exist.
spec::Problem LoadProblemOrDesign(const std::string& id_or_path, const Catalog& catalog);

}  // namespace archload::catalog

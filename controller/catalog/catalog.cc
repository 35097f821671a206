#include "controller/catalog/catalog.h"

#include <algorithm>
#include <cstdlib>

#include "common/spec/spec_yaml.h"

#ifndef ARCHLOAD_CATALOG_DIR
#define ARCHLOAD_CATALOG_DIR "problems"
#endif

namespace archload::catalog {

namespace fs = std::filesystem;

std::vector<fs::path> Catalog::Files() const {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    throw spec::SpecError(dir_.string(), 0, "", "the catalog directory does not exist");
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<spec::Problem> Catalog::LoadAll() const {
  std::vector<spec::Problem> problems;
  for (const auto& f : Files()) problems.push_back(spec::LoadProblemFile(f));
  std::sort(problems.begin(), problems.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return problems;
}

std::optional<fs::path> Catalog::PathFor(const std::string& id) const {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return std::nullopt;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (!entry.is_directory()) continue;
    const auto candidate = entry.path() / (id + ".yaml");
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

namespace {

// A catalog the user named explicitly must exist: otherwise every id would be "unknown", which
// sends them looking for a typo in the id rather than in the directory.
fs::path ExistingCatalog(const fs::path& dir, const char* given_by) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw spec::SpecError(
        dir.string(), 0, "",
        std::string("the catalog directory does not exist (given by ") + given_by + ")");
  }
  return dir;
}

}  // namespace

fs::path FindCatalogDir(const std::string& flag_value, const char* argv0) {
  if (!flag_value.empty()) return ExistingCatalog(flag_value, "--catalog");
  if (const char* env = std::getenv("ARCHLOAD_CATALOG"); env != nullptr && *env != '\0') {
    return ExistingCatalog(env, "$ARCHLOAD_CATALOG");
  }
  std::error_code ec;
  if (argv0 != nullptr) {
    const fs::path exe = fs::weakly_canonical(fs::path(argv0), ec);
    if (!ec) {
      const fs::path near = exe.parent_path().parent_path().parent_path() / "problems";
      if (fs::is_directory(near, ec)) return near;
    }
  }
  // The compiled-in default may be missing when only design files are used; LoadProblemOrDesign
  // says so if an id has to be looked up in it.
  return ARCHLOAD_CATALOG_DIR;
}

spec::Problem LoadProblemOrDesign(const std::string& id_or_path, const Catalog& catalog) {
  std::error_code ec;
  const fs::path as_path(id_or_path);
  const bool looks_like_file = as_path.has_extension() || id_or_path.find('/') != std::string::npos;
  if (fs::is_regular_file(as_path, ec)) return spec::LoadProblemFile(as_path);
  if (looks_like_file) throw spec::SpecError(id_or_path, 0, "", "no such design file");
  if (!fs::is_directory(catalog.dir(), ec)) {
    throw spec::SpecError(
        catalog.dir().string(), 0, "",
        "the catalog directory does not exist, so problem id '" + id_or_path +
            "' cannot be looked up (pass --catalog DIR or set $ARCHLOAD_CATALOG)");
  }
  if (auto path = catalog.PathFor(id_or_path)) return spec::LoadProblemFile(*path);
  throw spec::SpecError(catalog.dir().string(), 0, "",
                        "unknown problem id '" + id_or_path +
                            "' (see `archload problems list`, or pass a design file path)");
}

}  // namespace archload::catalog

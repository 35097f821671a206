// `archload import-seed` and `archload problems list|show|stats`.
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/catalog.h"
#include "controller/catalog/seed_importer.h"
#include "controller/cli/commands.h"
#include "controller/report/problem_report.h"

namespace archload::cli {

namespace {
catalog::Catalog OpenCatalog(const GlobalOptions& g) {
  return catalog::Catalog(catalog::FindCatalogDir(g.catalog_flag, g.argv0));
}

bool CheckFormat(const std::string& format, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (format == a) return true;
  }
  std::cerr << "error: unknown --format '" << format << "'\n";
  return false;
}
}  // namespace

int RunImportSeed(const GlobalOptions&, const std::string& seed, const std::string& out_dir) {
  std::ifstream in(seed, std::ios::binary);
  if (!in) {
    std::cerr << "error: " << seed << ": cannot open seed file\n";
    return kExitError;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const auto result = catalog::ImportSeed(buf.str(), seed);
  const auto written = catalog::WriteCatalog(result.problems, out_dir);
  int reference = 0;
  for (const auto& p : result.problems) reference += p.design && !p.design->synthesized;
  std::cout << "imported " << result.problems.size() << " problems (" << reference
            << " reference designs, " << result.problems.size() - reference << " synthesized) into "
            << out_dir << "\n";
  if (!result.warnings.empty()) {
    std::cout << result.warnings.size() << " warnings (unknown types run as services), e.g.\n";
    for (size_t i = 0; i < result.warnings.size() && i < 5; ++i) {
      std::cout << "  " << result.warnings[i] << "\n";
    }
  }
  return kExitOk;
}

int RunProblemsList(const GlobalOptions& g, const ListOptions& o) {
  if (!CheckFormat(o.format, {"table", "json"})) return kExitError;
  std::vector<report::ProblemRow> rows;
  for (const auto& p : OpenCatalog(g).LoadAll()) {
    if (!o.category.empty() && p.category != o.category) continue;
    if (!o.difficulty.empty() && p.difficulty != o.difficulty) continue;
    rows.push_back(report::RowFor(p));
  }
  if (o.format == "json") {
    std::cout << report::RowsToJson(rows).dump(2) << "\n";
  } else {
    report::PrintRows(rows, std::cout);
  }
  return kExitOk;
}

int RunProblemsShow(const GlobalOptions& g, const std::string& id, const std::string& format) {
  if (!CheckFormat(format, {"text", "yaml"})) return kExitError;
  const auto p = catalog::LoadProblemOrDesign(id, OpenCatalog(g));
  if (format == "yaml") {
    std::cout << spec::EmitProblemYaml(p);
  } else {
    report::PrintProblem(p, std::cout);
  }
  return kExitOk;
}

int RunProblemsStats(const GlobalOptions& g, const std::string& format) {
  if (!CheckFormat(format, {"table", "json"})) return kExitError;
  const auto stats = report::ProblemStats(OpenCatalog(g).LoadAll());
  if (format == "json") {
    std::cout << stats.dump(2) << "\n";
  } else {
    report::PrintStats(stats, std::cout);
  }
  return kExitOk;
}

}  // namespace archload::cli

#include "controller/metrics/sd_targets.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "controller/report/report_file.h"

namespace archload::metrics {

namespace fs = std::filesystem;

SdTargets::SdTargets(const std::string& dir, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) {
    throw std::runtime_error("--prometheus-sd " + dir + ": not a directory we can create" +
                             (ec ? " (" + ec.message() + ")" : ""));
  }
  path_ = (fs::path(dir) / (run_id + ".json")).string();
  report::CheckWritable("--prometheus-sd", path_);
}

SdTargets::~SdTargets() { Remove(); }

void SdTargets::Write(const std::vector<SdTarget>& targets) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : targets) {
    j.push_back({{"targets", {t.address}}, {"labels", t.labels}});
  }
  report::WriteAtomically(path_, j.dump(2) + "\n");
  written_ = true;
}

void SdTargets::Remove() {
  if (!written_) return;
  std::error_code ec;
  fs::remove(path_, ec);
  written_ = false;
}

}  // namespace archload::metrics

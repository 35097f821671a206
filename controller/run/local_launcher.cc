#include "controller/run/local_launcher.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace archload::run {

std::string LocalLauncher::DefaultAgentBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "archload-agent";
  return (self.parent_path() / "archload-agent").string();
}

std::vector<std::string> LocalLauncher::Launch(const LaunchRequest& r) {
  if (access(binary_.c_str(), X_OK) != 0) {
    throw std::runtime_error("agent binary not found or not executable: " + binary_);
  }
  std::vector<std::string> ids;
  for (int i = 0; i < r.count; ++i) {
    const std::string id = "agent-" + std::to_string(i);
    const std::string seed = std::to_string(r.seed + 1000003ULL * static_cast<uint64_t>(i));
    children_.Spawn(id, {binary_, "--controller", r.controller, "--agent-id", id, "--seed", seed},
                    {{"ARCHLOAD_TOKEN", r.token}});
    ids.push_back(id);
  }
  return ids;
}

}  // namespace archload::run

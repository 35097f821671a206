#include "controller/run/command_launcher.h"

namespace archload::run {

std::vector<std::string> CommandLauncher::Launch(const LaunchRequest& r) {
  std::vector<std::string> ids;
  int n = 0;
  for (const auto& host : hosts_.hosts) {
    for (int k = 0; k < host.agents; ++k, ++n) {
      const std::string id = host.name + (host.agents > 1 ? "-" + std::to_string(k) : "");
      const uint64_t seed = r.seed + 1000003ULL * static_cast<uint64_t>(n);
      const std::string cmd = ExpandCommand(hosts_, host, id, r.controller, binary_, seed);
      children_.Spawn(id, {"/bin/sh", "-c", cmd}, {{"ARCHLOAD_TOKEN", r.token}});
      host_of_.emplace_back(id, host.name);
      ids.push_back(id);
    }
  }
  return ids;
}

const std::string& CommandLauncher::HostOf(const std::string& id) const {
  static const std::string kUnknown;
  for (const auto& [agent, host] : host_of_) {
    if (agent == id) return host;
  }
  return kUnknown;
}

}  // namespace archload::run

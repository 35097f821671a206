#include "controller/run/hosts_file.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "common/spec/spec_error.h"

namespace archload::run {

namespace {

[[noreturn]] void Fail(const std::string& path, const YAML::Node& n, const std::string& field,
                       const std::string& msg) {
  throw spec::SpecError(path, n.IsDefined() ? n.Mark().line + 1 : 0, field, msg);
}

std::string Text(const std::string& path, const YAML::Node& map, const char* key,
                 const std::string& field) {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return "";
  if (!n.IsScalar()) Fail(path, n, field, "expected text");
  return n.as<std::string>();
}

int Count(const std::string& path, const YAML::Node& map, const char* key, const std::string& field,
          int fallback, int min, int max) {
  const YAML::Node n = map[key];
  if (!n.IsDefined() || n.IsNull()) return fallback;
  int v = 0;
  try {
    v = n.as<int>();
  } catch (const YAML::Exception&) {
    Fail(path, n, field, "expected a whole number");
  }
  if (v < min || v > max) {
    Fail(path, n, field, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

void OnlyKeys(const std::string& path, const YAML::Node& map, const std::string& field,
              const std::set<std::string>& allowed) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) Fail(path, kv.first, field + key, "unknown field");
  }
}

void Replace(std::string& s, const std::string& what, const std::string& with) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
}

}  // namespace

int HostsFile::AgentCount() const {
  int n = 0;
  for (const auto& h : hosts) n += h.agents;
  return n;
}

HostsFile LoadHostsFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw spec::SpecError(path, 0, "", "cannot read the hosts file");
  } catch (const YAML::Exception& e) {
    throw spec::SpecError(path, e.mark.line + 1, "", e.msg);
  }
  if (!root.IsMap()) Fail(path, root, "", "expected a mapping with hosts:");
  OnlyKeys(path, root, "", {"controller", "command", "agent", "hosts"});
  HostsFile f;
  if (const auto c = root["controller"]; c.IsDefined()) {
    if (!c.IsMap()) Fail(path, c, "controller", "expected a mapping");
    OnlyKeys(path, c, "controller.", {"listen", "advertise"});
    if (auto l = Text(path, c, "listen", "controller.listen"); !l.empty()) f.listen = l;
    f.advertise = Text(path, c, "advertise", "controller.advertise");
  }
  f.agent_binary = Text(path, root, "agent", "agent");
  const std::string command = Text(path, root, "command", "command");
  const YAML::Node hosts = root["hosts"];
  if (!hosts.IsSequence() || hosts.size() == 0) Fail(path, hosts, "hosts", "expected a list");
  std::set<std::string> names;
  for (size_t i = 0; i < hosts.size(); ++i) {
    const std::string field = "hosts[" + std::to_string(i) + "]";
    const YAML::Node h = hosts[i];
    if (!h.IsMap()) Fail(path, h, field, "expected a mapping");
    OnlyKeys(path, h, field + ".", {"name", "address", "agents", "cores", "command"});
    HostEntry e;
    e.address = Text(path, h, "address", field + ".address");
    if (e.address.empty()) Fail(path, h, field + ".address", "missing required field");
    e.name = Text(path, h, "name", field + ".name");
    if (e.name.empty()) e.name = e.address;
    if (!names.insert(e.name).second) Fail(path, h, field + ".name", "duplicate host name");
    e.agents = Count(path, h, "agents", field + ".agents", 1, 1, 256);
    e.cores = Count(path, h, "cores", field + ".cores", 0, 0, 4096);
    e.command = Text(path, h, "command", field + ".command");
    if (e.command.empty()) e.command = command;
    if (e.command.empty()) Fail(path, h, field + ".command", "no command here and none at the top");
    f.hosts.push_back(std::move(e));
  }
  return f;
}

std::string ExpandCommand(const HostsFile& f, const HostEntry& host, const std::string& agent_id,
                          const std::string& controller, const std::string& agent_binary,
                          uint64_t seed) {
  std::string peers;
  for (const auto& h : f.hosts) peers += (peers.empty() ? "" : ",") + h.address;
  std::string cmd = host.command;
  Replace(cmd, "{name}", host.name);
  Replace(cmd, "{host}", host.address);
  Replace(cmd, "{address}", host.address);
  Replace(cmd, "{controller}", controller);
  Replace(cmd, "{id}", agent_id);
  Replace(cmd, "{agent}", f.agent_binary.empty() ? agent_binary : f.agent_binary);
  Replace(cmd, "{peers}", peers);
  Replace(cmd, "{seed}", std::to_string(seed));
  return cmd;
}

}  // namespace archload::run

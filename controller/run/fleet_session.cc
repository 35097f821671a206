#include "controller/run/fleet_session.h"

#include <map>
#include <thread>

#include "common/security/secret.h"
#include "common/version/version.h"
#include "controller/run/command_launcher.h"
#include "controller/run/local_launcher.h"

namespace archload::run {

namespace {

std::pair<std::string, int> SplitHostPort(const std::string& hp, const std::string& what) {
  const auto colon = hp.rfind(':');
  if (colon == std::string::npos) return {hp, 0};
  std::string host = hp.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = hp.substr(colon + 1);
  char* end = nullptr;
  const long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
    throw std::runtime_error(what + " '" + hp + "': expected host:port");
  }
  return {host, static_cast<int>(p)};
}

}  // namespace

FleetSession::FleetSession(FleetOptions o) : o_(std::move(o)) {
  if (!o_.hosts_file.empty()) hosts_ = LoadHostsFile(o_.hosts_file);
  expected_ = !hosts_.hosts.empty() ? hosts_.AgentCount()
              : o_.wait_agents > 0  ? o_.wait_agents
                                    : o_.agents;
  if (o_.token.empty()) o_.token = security::Hex(security::RandomBytes(32));
  const std::string binary =
      o_.agent_binary.empty() ? LocalLauncher::DefaultAgentBinary() : o_.agent_binary;
  ControlAuth auth;
  auth.token = o_.token;
  auth.max_agents = static_cast<size_t>(expected_);
  auth.version = kVersion;
  auth.run_id = o_.run_id;
  auth.lease_timeout_s = o_.lease_timeout_s;
  if (!hosts_.hosts.empty()) {
    launcher_ = std::make_unique<CommandLauncher>(hosts_, binary);
    for (const auto& h : hosts_.hosts) {
      for (int k = 0; k < h.agents; ++k) {
        const std::string id = h.name + (h.agents > 1 ? "-" + std::to_string(k) : "");
        auth.expected_ids.insert(id);
        auth.host_of_id[id] = h.name;
      }
    }
  } else if (o_.wait_agents > 0) {
    launcher_ = std::make_unique<WaitLauncher>();  // any id, once each, up to the count
  } else {
    launcher_ = std::make_unique<LocalLauncher>(binary);
    for (int i = 0; i < expected_; ++i) auth.expected_ids.insert("agent-" + std::to_string(i));
  }
  server_ = std::make_unique<ControlServer>(auth, o_.tls);
}

FleetSession::~FleetSession() {
  server_->Shutdown();
  launcher_->Stop(500);
}

void FleetSession::Launch() {
  std::string listen = o_.listen;
  if (listen.empty()) listen = local() ? "127.0.0.1:0" : hosts_.listen;
  if (listen.empty()) listen = "0.0.0.0:0";
  const auto [host, port] = SplitHostPort(listen, "--listen");
  address_ = server_->Start(host, port);
  std::string advertise = !o_.advertise.empty() ? o_.advertise : hosts_.advertise;
  if (!advertise.empty()) {
    // "10.0.0.1" (the port we bound) or "10.0.0.1:7000" (a forwarded port).
    if (advertise.find(':') == std::string::npos) {
      advertise += address_.substr(address_.rfind(':'));
    }
    address_ = advertise;
  }
  launched_ids_ = launcher_->Launch({expected_, address_, o_.token, o_.seed});
}

bool FleetSession::Wait(const std::function<bool(const std::vector<AgentState>&)>& pred,
                        std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (server_->WaitFor(pred, std::chrono::milliseconds(100))) return true;
    if (Interrupted()) throw std::runtime_error("interrupted before the load started");
    if (!launched_ids_.empty() && launcher_->Exited().size() == launched_ids_.size()) {
      return server_->WaitFor(pred, std::chrono::milliseconds(0));
    }
  }
  return server_->WaitFor(pred, std::chrono::milliseconds(0));
}

std::string FleetSession::ExitOf(const std::string& id) {
  for (const auto& e : launcher_->Exited()) {
    if (e.id == id) return e.how;
  }
  return "";
}

std::string FleetSession::Missing(const std::function<bool(const AgentState&)>& ok) {
  const auto snap = server_->Snapshot();
  std::map<std::string, const AgentState*> by_id;
  for (const auto& a : snap) by_id[a.id] = &a;
  std::vector<std::string> ids = launched_ids_;
  for (const auto& a : snap) {
    if (std::find(ids.begin(), ids.end(), a.id) == ids.end()) ids.push_back(a.id);
  }
  std::string out;
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end() && ok(*it->second)) continue;
    std::string why = it == by_id.end() ? "never connected" : "not ready";
    if (it != by_id.end() && !it->second->connected) why = "its stream broke";
    if (it != by_id.end() && !it->second->lost.empty()) why = it->second->lost;
    if (it != by_id.end() && !it->second->goodbye.empty()) why = it->second->goodbye;
    if (const auto how = ExitOf(id); !how.empty()) why += ", " + how;
    out += (out.empty() ? "" : "; ") + id + ": " + why;
  }
  if (launched_ids_.empty() && snap.size() < static_cast<size_t>(expected_)) {
    out += (out.empty() ? "" : "; ") + std::to_string(snap.size()) + " of " +
           std::to_string(expected_) + " agents dialled in to " + address_;
  }
  if (server_->refused() > 0) {
    out += "; the control plane refused " + std::to_string(server_->refused()) + " session(s)";
  }
  return out;
}

}  // namespace archload::run

#include "controller/run/http_proxies.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/http/proxy_names.h"
#include "common/spec/backend_address.h"

namespace archload::run {

namespace fs = std::filesystem;

std::vector<ProxiedGroup> ProxiedGroups(const RunSpec& spec) {
  std::vector<ProxiedGroup> out;
  for (const auto& g : spec.groups) {
    if (g.backend().kind() != "haproxy") continue;
    std::set<int> targets(g.downstream().begin(), g.downstream().end());
    for (const auto* script : {&g.read_script(), &g.write_script()}) {
      for (const auto& step : script->steps()) {
        for (const auto& c : step.calls()) targets.insert(c.target());
      }
    }
    if (targets.size() != 1) {
      throw std::invalid_argument("'" + g.name() +
                                  "' cannot be a real haproxy: a proxy forwards every request to "
                                  "one group, and it calls " +
                                  std::to_string(targets.size()));
    }
    out.push_back({g.index(), *targets.begin()});
  }
  return out;
}

std::string HaproxyConfig(const RunSpec& spec, const ProxiedGroup& p,
                          const std::vector<v1::Address>& http_of_agent,
                          const std::string& bind_host, int bind_port, const std::string& token) {
  const auto& proxy = spec.groups[p.proxy];
  const auto& behind = spec.groups[p.behind];
  const std::string& b = proxy.balance();
  const std::string balance = b == "least_outstanding" ? "leastconn"
                              : b == "p2c"             ? "random(2)"
                              : b == "random"          ? "random"
                                                       : "roundrobin";
  std::ostringstream c;
  c << "# written by archload for '" << proxy.name() << "' (docs/backends.md)\n"
    << "global\n"
    << "    maxconn 8000\n"  // 2 descriptors each: within a 20,000-descriptor limit
    << "    nbthread 1\n"    // one core's proxy: the agents share the machine
    << "    hard-stop-after 5s\n"
    << "defaults\n"
    << "    mode http\n"
    << "    retries 0\n"  // the design's retries are the callers' (faults, issue 12)
    << "    timeout connect 5s\n"
    << "    timeout client 300s\n"
    << "    timeout server 300s\n"
    << "    timeout http-keep-alive 300s\n"
    << "    timeout http-request 300s\n"
    << "    http-reuse always\n"
    << "frontend archload_in\n"
    << "    bind " << (bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host)
    << ":" << bind_port << "\n"
    << "    default_backend archload_out\n"
    << "backend archload_out\n"
    << "    balance " << balance << "\n"
    << "    http-request set-header " << http::kTokenHeader << " " << token << "\n"
    << "    http-send-name-header " << http::kInstanceHeader << "\n";
  for (int i = 0; i < behind.count(); ++i) {
    const auto& a = http_of_agent.at(spec.agent_of.at(p.behind).at(i));
    const std::string host =
        a.host().find(':') != std::string::npos ? "[" + a.host() + "]" : a.host();
    c << "    server " << http::ServerName(p.behind, static_cast<uint32_t>(i)) << " " << host << ":"
      << a.port() << "\n";
  }
  return c.str();
}

std::string FindHaproxy() {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/local/sbin";
  size_t from = 0;
  while (from <= path.size()) {
    const size_t at = path.find(':', from);
    const std::string dir =
        path.substr(from, at == std::string::npos ? std::string::npos : at - from);
    if (!dir.empty() && access((dir + "/haproxy").c_str(), X_OK) == 0) return dir + "/haproxy";
    if (at == std::string::npos) break;
    from = at + 1;
  }
  return "";
}

namespace {

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("no socket for haproxy's port");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port for haproxy");
  return port;
}

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

RealProxies::RealProxies(RunSpec& spec, const std::vector<AgentState>& agents) {
  const auto groups = ProxiedGroups(spec);
  if (groups.empty()) return;
  const std::string binary = FindHaproxy();
  if (binary.empty()) {
    throw std::runtime_error("haproxy is not installed (deploy/bootstrap.sh installs it)");
  }
  std::vector<v1::Address> http_of_agent;
  for (const auto& a : agents) http_of_agent.push_back(a.ready_msg.http());
  std::string tmpl = (fs::temp_directory_path() / "archload-haproxy-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a directory for haproxy");
  dir_ = tmpl;  // mkdtemp makes it 0700: the config holds the run's token
  const std::string token = http::IngressToken(spec.data_secret);
  for (const auto& p : groups) {
    const auto& name = spec.groups[p.proxy].name();
    for (int i = 0; i < spec.groups[p.behind].count(); ++i) {
      const auto& a = http_of_agent.at(spec.agent_of.at(p.behind).at(i));
      if (a.port() == 0) {
        throw std::runtime_error("'" + name + "': the agent hosting instance " + std::to_string(i) +
                                 " of '" + spec.groups[p.behind].name() + "' opened no HTTP port");
      }
      if (a.host().rfind("127.", 0) != 0 && a.host() != "::1") {
        throw std::runtime_error("'" + name +
                                 "': haproxy runs beside the controller on loopback, "
                                 "and instances of '" +
                                 spec.groups[p.behind].name() + "' are on " + a.host() +
                                 ": real proxies need a local run");
      }
    }
    // The design may say where it listens ("haproxy://127.0.0.1:8080"); else a free port.
    Running r{p, name, 0, 0};
    const std::string& wanted = spec.groups[p.proxy].backend().address();
    if (!wanted.empty() && wanted != "haproxy") {
      std::string why;
      const auto hp = spec::ParseHostPort(wanted, &why);
      if (!hp || hp->host != "127.0.0.1") {
        throw std::runtime_error("'" + name + "': haproxy listens on 127.0.0.1 only, not '" +
                                 wanted + "'");
      }
      r.port = hp->port;
    } else {
      r.port = FreeLoopbackPort();
    }
    const fs::path cfg = fs::path(dir_) / ("haproxy-" + std::to_string(p.proxy) + ".cfg");
    const fs::path log = fs::path(dir_) / ("haproxy-" + std::to_string(p.proxy) + ".log");
    {
      std::ofstream out(cfg);
      out << HaproxyConfig(spec, p, http_of_agent, "127.0.0.1", r.port, token);
      if (!out) throw std::runtime_error("cannot write " + cfg.string());
    }
    children_.Spawn(
        name,
        {"/bin/sh", "-c",
         "exec '" + binary + "' -db -f '" + cfg.string() + "' >'" + log.string() + "' 2>&1"},
        {});
    r.pid = children_.pids().back();  // exec'd: the shell became haproxy
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      if (Accepts(r.port)) break;
      const auto gone = children_.Exited();
      if (!gone.empty() || std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error(
            "'" + name + "': haproxy did not start on 127.0.0.1:" + std::to_string(r.port) +
            (gone.empty() ? " within 10 s" : " (" + gone[0].how + ")") + ": " + Slurp(log));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    spec.groups[p.proxy].mutable_backend()->set_address("127.0.0.1:" + std::to_string(r.port));
    running_.push_back(std::move(r));
  }
}

RealProxies::~RealProxies() {
  children_.Stop(0);
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void RealProxies::FillStart(v1::Start* start) const {
  for (const auto& r : running_) {
    auto* p = start->add_http_proxies();
    p->set_group(r.group.proxy);
    p->mutable_address()->set_host("127.0.0.1");
    p->mutable_address()->set_port(r.port);
  }
}

std::vector<std::string> RealProxies::Describe() const {
  std::vector<std::string> out;
  for (const auto& r : running_) {
    out.push_back(r.name + ": haproxy on 127.0.0.1:" + std::to_string(r.port));
  }
  return out;
}

std::map<int, double> RealProxies::CpuSeconds() const {
  std::map<int, double> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (const auto& r : running_) {
    std::ifstream in("/proc/" + std::to_string(r.pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 1; i <= 13 && fields >> f; ++i) {
      if (i == 12) utime = std::stod(f);
      if (i == 13) stime = std::stod(f);
    }
    if (tick > 0) out[r.group.proxy] = (utime + stime) / tick;
  }
  return out;
}

std::vector<std::string> RealProxies::Exited() {
  std::vector<std::string> out;
  for (const auto& e : children_.Exited()) out.push_back(e.id + ": haproxy " + e.how);
  return out;
}

}  // namespace archload::run

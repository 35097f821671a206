// archload-agent: hosts emulated component instances for one run of the controller.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>

#include "agents/control/session.h"

namespace {

// The token from --token-file, else $ARCHLOAD_TOKEN. Never from argv: any local user can read
// another process's command line.
std::string ReadToken(const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("--token-file " + file + ": cannot read it");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string t = ss.str();
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    if (t.empty()) throw std::runtime_error("--token-file " + file + ": it is empty");
    return t;
  }
  const char* env = std::getenv("ARCHLOAD_TOKEN");
  return env ? env : "";
}

// One socket per instance plus connections: lift the soft descriptor limit to the hard one.
void RaiseDescriptorLimit() {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t want = 262144;
  if (rl.rlim_max < want) {
    rlimit raised{want, want};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"archload-agent: emulated components for an archload run"};
  archload::agent::SessionOptions o;
  std::string token_file;
  bool check_flags = false;
  std::optional<double> connect_timeout;
  app.add_option("--controller", o.controller, "controller address host:port")->required();
  app.add_option("--agent-id", o.agent_id, "name in reports (default: host name and pid)");
  app.add_option("--bind,--listen-host", o.listen_host,
                 "address the instances listen on (default 127.0.0.1)");
  app.add_option("--seed", o.seed, "random seed");
  app.add_option("--token-file", token_file,
                 "file holding the run's control-plane token (default: $ARCHLOAD_TOKEN)");
  app.add_option("--allow-peers", o.allow_peers,
                 "addresses this agent may send load to: loopback, IPs, CIDR networks, "
                 "comma-separated (default loopback)");
  app.add_option("--metrics-port", o.metrics_port,
                 "Prometheus /metrics port on --listen-host (0: any free port, reported to the "
                 "controller; -1: none)")
      ->check(CLI::Range(-1, 65535));
  app.add_option("--tls-ca", o.tls_ca, "PEM CA bundle: verify the controller over TLS")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-cert", o.tls_cert, "PEM client certificate (mutual TLS)")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", o.tls_key, "PEM key of --tls-cert")->check(CLI::ExistingFile);
  app.add_flag("--reconnect", o.reconnect,
               "after a run, or a lost controller, wait for the next run (services)");
  app.add_option("--connect-timeout", connect_timeout,
                 "seconds to keep dialing the controller (default 15; with --reconnect, forever)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--hostname", o.hostname, "the machine's name for placement (default: hostname)");
  app.add_flag("--check-flags", check_flags, "check the flags and exit (for deploy manifests)");
  CLI11_PARSE(app, argc, argv);
  if (!o.tls_cert.empty() && o.tls_key.empty()) {
    std::cerr << "archload-agent: --tls-cert needs --tls-key\n";
    return 2;
  }
  if (o.agent_id.empty()) {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    o.agent_id = std::string(host) + "-" + std::to_string(getpid());
  }
  o.connect_timeout_s = connect_timeout.value_or(o.reconnect ? 0 : 15);
  if (check_flags) return 0;
  try {
    o.token = ReadToken(token_file);
  } catch (const std::exception& e) {
    std::cerr << "archload-agent " << o.agent_id << ": " << e.what() << "\n";
    return 2;
  }
  RaiseDescriptorLimit();
  try {
    return archload::agent::RunAgent(o);
  } catch (const std::bad_alloc&) {
    std::cerr << "archload-agent " << o.agent_id
              << ": out of memory (the harness, not the design, ran short)\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "archload-agent " << o.agent_id << ": " << e.what() << "\n";
    return 2;
  }
}

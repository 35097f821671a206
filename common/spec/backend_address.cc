#include "common/spec/backend_address.h"

#include <charconv>
#include <stdexcept>

#include "common/spec/roles.h"

namespace archload::spec {

namespace {

bool Serves(const std::string& kind, Role role) {
  if (kind == "redis") return role == Role::kCache || role == Role::kStore;
  if (kind == "kafka") return role == Role::kBroker;
  if (kind == "haproxy") return role == Role::kProxy;
  return false;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t from = 0;
  for (;;) {
    const size_t at = s.find(sep, from);
    out.push_back(s.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

}  // namespace

std::optional<HostPort> ParseHostPort(const std::string& text, std::string* why) {
  HostPort hp;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *why = "'" + text + "' is not [address]:port";
      return std::nullopt;
    }
    hp.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      *why = "'" + text + "' is not host:port";
      return std::nullopt;
    }
    hp.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  int p = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535) {
    *why = "port '" + port + "' of '" + text + "' is not a number in 1..65535";
    return std::nullopt;
  }
  hp.port = p;
  return hp;
}

std::pair<std::string, Backend> ParseBackendFlag(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("--backend '" + text +
                                "': expected \"Group=kind://address\", e.g. \"Shared "
                                "Cache=redis://127.0.0.1:6379\"");
  }
  const std::string group = text.substr(0, eq);
  const std::string uri = text.substr(eq + 1);
  Backend b;
  const size_t scheme = uri.find("://");
  b.kind = scheme == std::string::npos ? uri : uri.substr(0, scheme);
  if (scheme != std::string::npos) b.address = uri.substr(scheme + 3);
  if (b.kind != "redis" && b.kind != "kafka" && b.kind != "haproxy") {
    throw std::invalid_argument("--backend '" + text + "': unknown kind '" + b.kind +
                                "' (expected " + BackendKinds() + ")");
  }
  return {group, b};
}

std::string BackendProblem(const Backend& b, Role role) {
  if (b.kind != "redis" && b.kind != "kafka" && b.kind != "haproxy") {
    return "unknown backend kind '" + b.kind + "' (expected " + BackendKinds() + ")";
  }
  if (!Serves(b.kind, role)) {
    return "a " + b.kind + " backend cannot stand in for a " + std::string(RoleName(role)) +
           " group (" + BackendKinds() + ")";
  }
  if (b.address.empty()) {
    if (b.kind == "haproxy") return "";  // archload picks a free loopback port
    return "a " + b.kind + " backend needs an address (host:port)";
  }
  for (const auto& part : Split(b.address, ',')) {
    std::string why;
    if (!ParseHostPort(part, &why)) return "address " + why;
    if (b.kind != "kafka" && part != b.address) {
      return "a " + b.kind + " backend takes one address, not a list";
    }
  }
  if (b.ttl_s && b.kind != "redis") return "ttl_s is for redis backends";
  return "";
}

std::string BackendKinds() { return "redis (cache, store), kafka (broker), haproxy (proxy)"; }

}  // namespace archload::spec

#include "common/metrics/endpoint.h"

#include <prometheus/exposer.h>

#include <stdexcept>

namespace archload::metrics {

namespace {
std::string HostPort(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}
}  // namespace

Endpoint::Endpoint(const std::string& host, int port,
                   std::shared_ptr<prometheus::Collectable> source)
    : host_(host), source_(std::move(source)) {
  try {
    // One server thread per concurrent scrape: Prometheus scrapes one at a time, a person with
    // curl is the second.
    exposer_ = std::make_unique<prometheus::Exposer>(HostPort(host, port), 2);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on " + HostPort(host, port) + ": " + e.what());
  }
  const auto ports = exposer_->GetListeningPorts();
  if (ports.empty()) throw std::runtime_error("cannot serve metrics on " + HostPort(host, port));
  port_ = ports.front();
  exposer_->RegisterCollectable(source_);
}

Endpoint::~Endpoint() { exposer_.reset(); }

std::string Endpoint::url() const { return "http://" + HostPort(host_, port_) + "/metrics"; }

}  // namespace archload::metrics

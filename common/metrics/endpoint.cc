#include "common/metrics/endpoint.h"

#include <CivetServer.h>
#include <prometheus/exposer.h>

#include <stdexcept>

namespace archload::metrics {

namespace {

// Each request is served start to end on one server thread: what Collect() asks for in it is
// kept here until the response has gone.
thread_local bool tl_in_request = false;
thread_local std::function<void()> tl_when_answered;

int BeginRequest(mg_connection*) {
  tl_in_request = true;
  tl_when_answered = nullptr;  // anything left by a request that never ended
  return 0;                    // civetweb (prometheus-cpp's handler) serves it
}

void EndRequest(const mg_connection*, int /*status*/) {
  tl_in_request = false;
  if (auto done = std::move(tl_when_answered)) {
    tl_when_answered = nullptr;
    done();
  }
}

const CivetCallbacks& Callbacks() {
  static const CivetCallbacks callbacks = [] {
    CivetCallbacks c;
    c.begin_request = BeginRequest;
    c.end_request = EndRequest;
    return c;
  }();
  return callbacks;
}

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
    exposer_ = std::make_unique<prometheus::Exposer>(HostPort(host, port), 2, &Callbacks());
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

void WhenAnswered(std::function<void()> done) {
  if (!tl_in_request) {
    done();
    return;
  }
  tl_when_answered = std::move(done);
}

}  // namespace archload::metrics

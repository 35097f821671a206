#include "common/metrics/endpoint.h"

#include <CivetServer.h>
#include <netdb.h>
#include <prometheus/exposer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

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

// Opens and closes a TCP connection to host:port, ignoring every failure (the address is our
// own listener; a wildcard host reaches it through the loopback).
void Knock(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.empty() ? "127.0.0.1" : host.c_str(), std::to_string(port).c_str(), &hints,
                  &found) != 0) {
    return;
  }
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const bool connected = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    close(fd);
    if (connected) break;
  }
  freeaddrinfo(found);
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

// civetweb's listening thread sees that it is being stopped only between polls of its sockets,
// and each poll waits up to 2 s (SOCKET_TIMEOUT_QUANTUM) for a connection: every process that
// served metrics took up to 2 s to exit. A connection ends the poll at once, so knock until the
// server has stopped (one that arrives before the stop is accepted and closed as any other).
Endpoint::~Endpoint() {
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::thread knocker([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(5), [&] { return stopped; })) {
      lock.unlock();  // a slow connect must not hold up the end of the stop
      Knock(host_, port_);
      lock.lock();
    }
  });
  exposer_.reset();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopped = true;
  }
  cv.notify_all();
  knocker.join();
}

std::string Endpoint::url() const { return "http://" + HostPort(host_, port_) + "/metrics"; }

void WhenAnswered(std::function<void()> done) {
  if (!tl_in_request) {
    done();
    return;
  }
  tl_when_answered = std::move(done);
}

}  // namespace archload::metrics

#pragma once

// One Prometheus /metrics endpoint: prometheus-cpp's exposer (civetweb) on host:port, serving one
// collectable. Each archload process has one: every agent and the controller.

#include <prometheus/collectable.h>

#include <functional>
#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace archload::metrics {

class Endpoint {
 public:
  // Listens on host:port (0: any free port) and serves `source` at /metrics. Throws
  // std::runtime_error naming the address when it cannot listen.
  Endpoint(const std::string& host, int port, std::shared_ptr<prometheus::Collectable> source);
  // Stops serving first: the server's threads are joined before `source` is released.
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  int port() const { return port_; }
  // "http://host:port/metrics"
  std::string url() const;

 private:
  std::string host_;
  int port_ = 0;
  std::shared_ptr<prometheus::Collectable> source_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// For a collectable's Collect(): runs `done` once the response Collect is building has been sent
// in full (civetweb's end_request, on the same server thread), which is when Prometheus has the
// figures; "the final figures were scraped" must not be said any earlier, or the process may
// exit before the last scrape is answered. Outside an endpoint's request (tests calling Collect
// directly) `done` runs at once.
void WhenAnswered(std::function<void()> done);

}  // namespace archload::metrics

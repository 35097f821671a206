#pragma once

// The HTTP/1.1 side door of an agent whose instances sit behind a real proxy (haproxy started by
// the controller, docs/backends.md). The proxy names the instance it chose in a header (its
// server name, "s<group>_<index>") and proves it is the run's with a token derived from the
// run's secret; the body is one request frame. Responses go back in request order (HTTP/1.1
// has no ids), each with how long the instance held the request, so the caller can tell the
// proxy's own time from the instance's.

#include <asio.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/frame_sink.h"
#include "agents/net/net_health.h"

namespace archload::agent {

class HttpIngress {
 public:
  // Hands a request to the instance its frame names; false when this agent does not host it.
  using Deliver = std::function<bool(const std::shared_ptr<FrameSink>& caller, Frame& frame)>;

  // `token`: http::IngressToken(the run's secret). `health` must outlive this.
  HttpIngress(asio::io_context& io, std::string token, NetHealth& health, Deliver deliver)
      : acceptor_(io),
        retry_(io),
        token_(std::move(token)),
        health_(health),
        deliver_(std::move(deliver)) {}
  ~HttpIngress() { Close(); }

  // Binds host:0 and starts accepting; returns the port. Throws std::system_error when it cannot.
  int Listen(const std::string& host);
  void Close();

 private:
  class Exchange;
  void Accept();

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_;  // accept again after descriptor exhaustion
  std::string token_;
  NetHealth& health_;
  Deliver deliver_;
  std::vector<std::weak_ptr<Exchange>> open_;
  bool closed_ = false;
};

}  // namespace archload::agent

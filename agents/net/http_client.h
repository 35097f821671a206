#pragma once

// Callers' side of a real HTTP proxy (docs/backends.md): request frames as HTTP/1.1 POSTs to one
// address, over keep-alive connections. HTTP/1.1 carries one exchange at a time per connection,
// so the pool opens a connection per request in flight (up to a cap; beyond it requests wait for
// one) and reuses the idle ones. Whatever goes wrong past our own socket (refused, reset, an
// error status from the proxy) is the proxy's failure: the caller gets a kFailed response, the
// design's error, never the harness's.

#include <asio.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/frame.h"

namespace archload::agent {

class HttpClient {
 public:
  struct Reply {
    Frame frame;              // the response; status kFailed when the proxy failed it
    int64_t sojourn_ns = -1;  // how long the instance behind the proxy held it (-1: unknown)
    std::string error;        // why it failed, when the proxy or the connection did
  };
  using Handler = std::function<void(const Reply&)>;

  HttpClient(asio::io_context& io, std::string host, int port, size_t max_connections = 4096);
  ~HttpClient();

  void Send(const Frame& frame, Handler on_reply);
  // Fails what is in flight or waiting; later sends fail at once.
  void Close();
  size_t InFlight() const { return busy_ + waiting_.size(); }
  size_t Connections() const { return all_.size(); }

 private:
  class Link;
  struct Request {
    std::string bytes;
    Frame frame;
    Handler handler;
    bool retried = false;
  };
  void Dispatch(Request request);
  void OnIdle(const std::shared_ptr<Link>& link);
  void OnLinkDone(const std::shared_ptr<Link>& link);
  void Fail(Request& request, const std::string& why);

  asio::io_context& io_;
  asio::ip::tcp::endpoint to_;
  size_t max_connections_;
  std::vector<std::shared_ptr<Link>> all_;
  std::vector<std::shared_ptr<Link>> idle_;
  std::deque<Request> waiting_;
  size_t busy_ = 0;
  bool closed_ = false;
};

}  // namespace archload::agent

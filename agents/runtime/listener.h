#pragma once

// One port per agent: every instance the agent hosts is reached through it, each request naming
// its instance. An agent then holds one listening socket plus one connection per calling agent,
// not one of each per instance, so 10,000 instances fit in a 20,000-descriptor limit, and
// requests to many instances share a connection's batched writes. Only connections that prove
// they know the run's secret are served (Connection runs the handshake).

#include <asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/connection.h"
#include "agents/net/net_health.h"

namespace archload::agent {

class Instance;

class Listener {
 public:
  // `health` must outlive this. A caller that leaves more than `max_queued_bytes` of responses
  // unread is disconnected.
  Listener(asio::io_context& io, std::string secret, NetHealth& health,
           size_t max_queued_bytes = Connection::kMaxQueuedBytes)
      : acceptor_(io),
        retry_(io),
        secret_(std::move(secret)),
        health_(health),
        max_queued_(max_queued_bytes) {}

  // Binds host:0 and starts accepting; returns the port. Throws std::system_error naming the
  // address when it cannot bind.
  int Listen(const std::string& host);
  // Frames for (instance->group(), instance->index()) go to `instance`, which must outlive this.
  void Route(Instance* instance);
  // The instance hosted here as (group, index), or null.
  Instance* RouteOf(int group, uint32_t index) const {
    if (group < 0 || static_cast<size_t>(group) >= routes_.size()) return nullptr;
    return index < routes_[group].size() ? routes_[group][index] : nullptr;
  }
  void Close();
  // Connections accepted and still open (for the metrics).
  size_t Connections() const;

  // What the listener does with each frame a trusted connection decoded: a request goes to the
  // instance it names, anything else is counted and dropped or answered as the harness's error.
  // Public so the frame fuzz target (tests/fuzz/frame_fuzz.cc) feeds it without a socket.
  void OnFrame(const std::shared_ptr<Connection>& conn, Frame& frame) {
    OnFrame(conn, conn->peer(), frame);
  }
  // The same for a frame from `from` whose answer goes to `reply` (the in-process link).
  void OnFrame(const std::shared_ptr<FrameSink>& reply, const std::string& from, Frame& frame);
  // Connections accepted from now on batch their writes into `batch` (agents/net/write_batch.h).
  void set_write_batch(WriteBatch* batch) { batch_ = batch; }

 private:
  void Accept();
  // A caller's health check (kFlagHealth): the instance it names answers as its faults let it.
  void OnHealthCheck(const std::shared_ptr<FrameSink>& reply, Frame& frame);

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_;  // accept again after descriptor exhaustion
  std::string secret_;
  NetHealth& health_;
  size_t max_queued_;
  std::vector<std::vector<Instance*>> routes_;  // [group][index]; null where hosted elsewhere
  std::vector<std::weak_ptr<Connection>> conns_;
  WriteBatch* batch_ = nullptr;
  bool closed_ = false;
};

}  // namespace archload::agent

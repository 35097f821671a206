#pragma once

// One port per agent: every instance the agent hosts is reached through it, each request naming
// its instance. An agent then holds one listening socket plus one connection per calling agent,
// not one of each per instance, so 10,000 instances fit in a 20,000-descriptor limit, and
// requests to many instances share a connection's batched writes.

#include <asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/connection.h"

namespace archload::agent {

class Instance;

class Listener {
 public:
  explicit Listener(asio::io_context& io) : acceptor_(io) {}

  // Binds host:0 and starts accepting; returns the port.
  int Listen(const std::string& host);
  // Frames for (instance->group(), instance->index()) go to `instance`, which must outlive this.
  void Route(Instance* instance);
  void Close();

 private:
  void Accept();
  void OnFrame(const std::shared_ptr<Connection>& conn, Frame& frame);

  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::vector<Instance*>> routes_;  // [group][index]; null where hosted elsewhere
  std::vector<std::weak_ptr<Connection>> conns_;
};

}  // namespace archload::agent

#pragma once

// Outbound side of an agent: one persistent connection per downstream agent (every instance an
// agent hosts shares its port), shared by every local caller, with request ids multiplexing the
// requests in flight and each request naming its target instance.

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "agents/net/connection.h"

namespace archload::agent {

struct EndpointAddress {
  std::string host;
  int port = 0;
};

class PeerPool {
 public:
  using ResponseHandler = std::function<void(const Frame&)>;

  explicit PeerPool(asio::io_context& io) : io_(io) {}

  // The endpoint table: addresses[group][instance].
  void SetEndpoints(std::vector<std::vector<EndpointAddress>> addresses);
  int InstanceCount(int group) const;

  // Sends a request to one instance. `on_response` runs once with the response, or with a
  // kFailed frame when the connection is lost. One-way frames take no handler.
  void Send(int group, int instance, Frame& frame, ResponseHandler on_response);

  // Requests sent and not yet answered per instance (for least-outstanding balancing).
  int Outstanding(int group, int instance) const;
  size_t InFlight() const { return pending_.size(); }

  // Fails every pending request and closes every connection.
  void Shutdown();

 private:
  struct Peer {
    EndpointAddress address;
    std::shared_ptr<Connection> conn;
    std::vector<std::string> backlog;  // encoded frames waiting for the connection
    bool connecting = false;
  };
  struct Pending {
    ResponseHandler handler;
    int group;
    int instance;
    int peer;
  };
  void Connect(int peer);
  void OnResponse(const Frame& frame);
  void FailPeer(int peer);

  asio::io_context& io_;
  std::vector<Peer> peers_;                    // one per distinct address
  std::vector<std::vector<int>> peer_of_;      // [group][instance] -> index in peers_
  std::vector<std::vector<int>> outstanding_;  // [group][instance]
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
  bool shutdown_ = false;
};

}  // namespace archload::agent

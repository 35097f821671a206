#pragma once

// Outbound side of an agent: one persistent connection per downstream agent (every instance an
// agent hosts shares its port), shared by every local caller, with request ids multiplexing the
// requests in flight and each request naming its target instance. Whatever the transport loses
// (a refused or broken connection, descriptors exhausted, a backlog over its bound) is answered
// with FrameStatus::kHarness: the harness failed, not the design.

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agents/net/connection.h"
#include "agents/net/local_link.h"
#include "agents/net/net_health.h"

namespace archload::agent {

struct EndpointAddress {
  std::string host;
  int port = 0;
};

// Where every instance of the run is: the agents' listeners and, per group, the agent that
// hosts each instance.
struct PeerTable {
  std::vector<EndpointAddress> peers;
  std::vector<std::vector<uint32_t>> peer_of;  // [group][instance] -> index in peers
};

class PeerPool {
 public:
  using ResponseHandler = std::function<void(const Frame&)>;

  // `secret` is presented on every connection; `health` must outlive this.
  PeerPool(asio::io_context& io, std::string secret, NetHealth& health)
      : io_(io), secret_(std::move(secret)), health_(health) {}

  void SetTable(PeerTable table);
  // The same from addresses[group][instance] (distinct addresses become distinct peers).
  void SetEndpoints(const std::vector<std::vector<EndpointAddress>>& addresses);
  void set_secret(std::string secret) { secret_ = std::move(secret); }
  int InstanceCount(int group) const;
  // One (group, instance) hosted by each peer that hosts any: where a probe of the round trip to
  // that peer can be addressed (agents/runtime/hop_prober.h).
  std::vector<std::pair<int, int>> ProbeTargets() const;

  // Sends a request to one instance. `on_response` runs once with the response, or with a
  // kHarness frame when the transport lost it. One-way frames take no handler.
  void Send(int group, int instance, Frame& frame, ResponseHandler on_response);

  // Gives up waiting for a request (its caller timed out): its handler will not run, and a late
  // response is dropped. `request_id` is what Send left in the frame. False if not pending.
  bool Abandon(uint64_t request_id);

  // Requests sent and not yet answered per instance (for least-outstanding balancing).
  int Outstanding(int group, int instance) const;
  size_t InFlight() const { return pending_.size(); }
  // Requests sent to each peer (by index in the table): where the traffic went.
  const std::vector<uint64_t>& sent_per_peer() const { return sent_per_peer_; }
  // The peer (agent) hosting an instance.
  uint32_t PeerOf(int group, int instance) const { return peer_of_[group][instance]; }
  // Connections to peer agents that are open (for the metrics).
  size_t Connections() const {
    size_t n = 0;
    for (const auto& p : peers_) n += p.conn ? 1 : 0;
    return n;
  }

  // Fails every pending request and closes every connection.
  void Shutdown();

  // Calls to instances on peer `self` (this agent) go through an in-process link to `deliver`
  // (agents/net/local_link.h) instead of a socket. Its frames move when the event loop drains
  // it: LocalLink::Drain through local().
  void EnableLocal(int self, LocalLink::Deliver deliver);
  LocalLink* local() { return local_.get(); }
  // A call to this instance would go in-process.
  bool IsLocal(int group, int instance) const {
    return local_ && instance >= 0 && instance < InstanceCount(group) &&
           static_cast<int>(peer_of_[group][instance]) == self_;
  }
  // Connections made from now on batch their writes (agents/net/write_batch.h).
  void set_write_batch(WriteBatch* batch) { batch_ = batch; }
  // The design's calls (not probes) sent in-process and over sockets.
  uint64_t calls_in_process() const { return calls_in_process_; }
  uint64_t calls_over_sockets() const { return calls_over_sockets_; }

 private:
  struct Peer {
    EndpointAddress address;
    std::shared_ptr<Connection> conn;
    std::vector<std::string> backlog;  // encoded frames waiting for the connection
    size_t backlog_bytes = 0;
    bool connecting = false;
  };
  struct Pending {
    ResponseHandler handler;
    int group;
    int instance;
    int peer;
    bool probe = false;  // counts in no instance's outstanding requests
  };
  void Connect(int peer);
  void OnResponse(const Frame& frame);
  void FailPeer(int peer);
  static void FailNow(const ResponseHandler& on_response);

  asio::io_context& io_;
  std::string secret_;
  NetHealth& health_;
  std::vector<Peer> peers_;
  std::vector<std::vector<uint32_t>> peer_of_;  // [group][instance] -> index in peers_
  std::vector<std::vector<int>> outstanding_;   // [group][instance]
  std::vector<uint64_t> sent_per_peer_;
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
  bool shutdown_ = false;
  std::unique_ptr<LocalLink> local_;
  int self_ = -1;  // this agent's peer index when local_ is set
  WriteBatch* batch_ = nullptr;
  uint64_t calls_in_process_ = 0;
  uint64_t calls_over_sockets_ = 0;
};

}  // namespace archload::agent

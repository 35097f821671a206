#include "agents/net/peer_pool.h"

#include <map>

namespace archload::agent {

void PeerPool::SetTable(PeerTable table) {
  peers_.clear();
  for (auto& a : table.peers) peers_.push_back(Peer{std::move(a), nullptr, {}, 0, false});
  peer_of_ = std::move(table.peer_of);
  sent_per_peer_.assign(peers_.size(), 0);
  outstanding_.clear();
  for (const auto& g : peer_of_) outstanding_.emplace_back(g.size(), 0);
}

void PeerPool::SetEndpoints(const std::vector<std::vector<EndpointAddress>>& addresses) {
  PeerTable t;
  std::map<std::pair<std::string, int>, uint32_t> index;
  for (const auto& g : addresses) {
    auto& row = t.peer_of.emplace_back();
    for (const auto& a : g) {
      auto [it, added] =
          index.emplace(std::make_pair(a.host, a.port), static_cast<uint32_t>(t.peers.size()));
      if (added) t.peers.push_back(a);
      row.push_back(it->second);
    }
  }
  SetTable(std::move(t));
}

std::vector<std::pair<int, int>> PeerPool::ProbeTargets() const {
  std::vector<std::pair<int, int>> first(peers_.size(), {-1, -1});
  size_t found = 0;
  for (size_t g = 0; g < peer_of_.size() && found < peers_.size(); ++g) {
    for (size_t i = 0; i < peer_of_[g].size(); ++i) {
      const uint32_t p = peer_of_[g][i];
      if (p < first.size() && first[p].first < 0) {
        first[p] = {static_cast<int>(g), static_cast<int>(i)};
        ++found;
      }
    }
  }
  // A peer without a listener (it hosts only load generators) answers nothing.
  std::vector<std::pair<int, int>> out;
  for (size_t p = 0; p < first.size(); ++p) {
    if (first[p].first >= 0 && !peers_[p].address.host.empty() && peers_[p].address.port > 0) {
      out.push_back(first[p]);
    }
  }
  return out;
}

int PeerPool::InstanceCount(int group) const {
  if (group < 0 || group >= static_cast<int>(peer_of_.size())) return 0;
  return static_cast<int>(peer_of_[group].size());
}

int PeerPool::Outstanding(int group, int instance) const { return outstanding_[group][instance]; }

void PeerPool::FailNow(const ResponseHandler& on_response) {
  if (!on_response) return;
  Frame failed;
  failed.kind = FrameKind::kResponse;
  failed.status = FrameStatus::kHarness;
  on_response(failed);
}

void PeerPool::Send(int group, int instance, Frame& frame, ResponseHandler on_response) {
  if (shutdown_ || instance < 0 || instance >= InstanceCount(group) ||
      peer_of_[group][instance] >= peers_.size()) {
    FailNow(on_response);
    return;
  }
  const int peer_index = static_cast<int>(peer_of_[group][instance]);
  Peer& peer = peers_[peer_index];
  // Probes of the harness's round trip are not the design's traffic: they are not counted where
  // traffic is reported or balanced.
  const bool probe = frame.flags & kFlagProbe;
  if (!probe) ++sent_per_peer_[peer_index];
  const bool one_way = frame.flags & kFlagOneWay;
  frame.request_id = next_id_++;
  frame.target_group = static_cast<uint16_t>(group);
  frame.target_instance = static_cast<uint32_t>(instance);
  // Nothing comes back for a one-way frame to decrement its count.
  auto await = [&] {
    if (one_way) return;
    pending_.emplace(frame.request_id,
                     Pending{std::move(on_response), group, instance, peer_index, probe});
    if (!probe) ++outstanding_[group][instance];
  };
  if (local_ && peer_index == self_) {
    await();
    if (!probe) ++calls_in_process_;
    local_->SendRequest(frame);
    return;
  }
  if (!probe) ++calls_over_sockets_;
  if (peer.conn && peer.conn->open()) {
    await();
    auto conn = peer.conn;  // Send may fail the peer (overflow), which resets peer.conn
    conn->Send(frame);
    return;
  }
  if (peer.backlog_bytes + frame.EncodedSize() > Connection::kMaxQueuedBytes) {
    health_.Note(health_.counters().overflow_disconnects, "backlog",
                 "backlog to " + peer.address.host + ":" + std::to_string(peer.address.port) +
                     " is full while connecting: request failed (harness)");
    FailNow(on_response);
    return;
  }
  await();
  std::string encoded;
  frame.EncodeTo(encoded);
  peer.backlog_bytes += encoded.size();
  peer.backlog.push_back(std::move(encoded));
  if (!peer.connecting) Connect(peer_index);
}

void PeerPool::Connect(int peer_index) {
  Peer& peer = peers_[peer_index];
  peer.connecting = true;
  auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
  asio::error_code ec;
  const auto ip = asio::ip::make_address(peer.address.host, ec);
  if (ec) {
    health_.Note(health_.counters().connect_errors, "connect",
                 "peer address '" + peer.address.host + "' is not an IP address");
    FailPeer(peer_index);
    return;
  }
  const std::string where = peer.address.host + ":" + std::to_string(peer.address.port);
  socket->async_connect(
      asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(peer.address.port)),
      [this, socket, peer_index, where](const asio::error_code& err) {
        Peer& p = peers_[peer_index];
        p.connecting = false;
        if (shutdown_) {
          FailPeer(peer_index);
          return;
        }
        if (err) {
          // EMFILE, EADDRNOTAVAIL (ports), ECONNREFUSED (the agent is gone): all the harness's.
          health_.Note(health_.counters().connect_errors, "connect",
                       "cannot connect to agent at " + where + ": " + err.message() +
                           " (requests to it fail as harness errors)");
          FailPeer(peer_index);
          return;
        }
        p.conn =
            std::make_shared<Connection>(std::move(*socket), Connection::Side::kConnecting, secret_,
                                         &health_, Connection::kMaxQueuedBytes, batch_);
        p.conn->Start(
            [this, where](Frame& f) {
              if (f.kind != FrameKind::kResponse) {
                health_.Note(health_.counters().unexpected_frames, "unexpected-request",
                             "dropped a request frame sent back by " + where);
                return;
              }
              OnResponse(f);
            },
            [this, peer_index, where] {
              if (!shutdown_) {
                health_.Note(health_.counters().lost_connections, "lost",
                             "lost the connection to agent at " + where +
                                 ": its requests in flight fail as harness errors");
              }
              FailPeer(peer_index);
            });
        auto backlog = std::move(p.backlog);
        p.backlog.clear();
        p.backlog_bytes = 0;
        auto conn = p.conn;  // a send that overflows fails the peer and resets p.conn
        for (const auto& bytes : backlog) {
          Frame f;
          if (!conn->open()) break;
          if (Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &f)) {
            conn->Send(f);
          }
        }
      });
}

bool PeerPool::Abandon(uint64_t request_id) {
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return false;
  if (!it->second.probe) --outstanding_[it->second.group][it->second.instance];
  pending_.erase(it);
  return true;
}

void PeerPool::OnResponse(const Frame& frame) {
  auto it = pending_.find(frame.request_id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (!p.probe) --outstanding_[p.group][p.instance];
  if (p.handler) p.handler(frame);
}

void PeerPool::FailPeer(int peer_index) {
  Peer& peer = peers_[peer_index];
  peer.conn.reset();
  peer.backlog.clear();
  peer.backlog_bytes = 0;
  peer.connecting = false;
  // Everything in flight to that agent fails; callers count it as a harness error.
  std::vector<std::pair<uint64_t, Pending>> lost;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.peer == peer_index) {
      if (!it->second.probe) --outstanding_[it->second.group][it->second.instance];
      lost.emplace_back(it->first, std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [id, p] : lost) {
    Frame failed;
    failed.kind = FrameKind::kResponse;
    failed.status = FrameStatus::kHarness;
    failed.request_id = id;
    if (p.handler) p.handler(failed);
  }
}

void PeerPool::EnableLocal(int self, LocalLink::Deliver deliver) {
  if (local_) return;  // once per run: a new link would strand what the old one holds
  self_ = self;
  local_ = std::make_unique<LocalLink>(std::move(deliver),
                                       [this](const Frame& frame) { OnResponse(frame); });
}

void PeerPool::Shutdown() {
  shutdown_ = true;
  if (local_) local_->Clear();
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (peers_[i].conn) peers_[i].conn->Close();
    FailPeer(static_cast<int>(i));
  }
}

}  // namespace archload::agent

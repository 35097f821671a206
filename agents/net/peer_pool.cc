#include "agents/net/peer_pool.h"

#include <map>

namespace archload::agent {

void PeerPool::SetEndpoints(std::vector<std::vector<EndpointAddress>> addresses) {
  peers_.clear();
  peer_of_.clear();
  outstanding_.clear();
  std::map<std::pair<std::string, int>, int> index;
  for (const auto& g : addresses) {
    auto& row = peer_of_.emplace_back();
    outstanding_.emplace_back(g.size(), 0);
    for (const auto& a : g) {
      auto [it, added] = index.emplace(std::make_pair(a.host, a.port), 0);
      if (added) {
        it->second = static_cast<int>(peers_.size());
        peers_.push_back(Peer{a, nullptr, {}, false});
      }
      row.push_back(it->second);
    }
  }
}

int PeerPool::InstanceCount(int group) const {
  if (group < 0 || group >= static_cast<int>(peer_of_.size())) return 0;
  return static_cast<int>(peer_of_[group].size());
}

int PeerPool::Outstanding(int group, int instance) const { return outstanding_[group][instance]; }

void PeerPool::Send(int group, int instance, Frame& frame, ResponseHandler on_response) {
  if (shutdown_ || instance < 0 || instance >= InstanceCount(group)) {
    if (on_response) {
      Frame failed;
      failed.kind = FrameKind::kResponse;
      failed.status = FrameStatus::kFailed;
      on_response(failed);
    }
    return;
  }
  const int peer_index = peer_of_[group][instance];
  const bool one_way = frame.flags & kFlagOneWay;
  frame.request_id = next_id_++;
  frame.target_group = static_cast<uint16_t>(group);
  frame.target_instance = static_cast<uint16_t>(instance);
  if (!one_way) {
    // Nothing comes back for a one-way frame to decrement its count.
    pending_.emplace(frame.request_id,
                     Pending{std::move(on_response), group, instance, peer_index});
    ++outstanding_[group][instance];
  }
  Peer& peer = peers_[peer_index];
  if (peer.conn && peer.conn->open()) {
    peer.conn->Send(frame);
    return;
  }
  std::string encoded;
  frame.EncodeTo(encoded);
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
    FailPeer(peer_index);
    return;
  }
  socket->async_connect(
      asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(peer.address.port)),
      [this, socket, peer_index](const asio::error_code& err) {
        Peer& p = peers_[peer_index];
        p.connecting = false;
        if (err || shutdown_) {
          FailPeer(peer_index);
          return;
        }
        p.conn = std::make_shared<Connection>(std::move(*socket));
        p.conn->Start([this](Frame& f) { OnResponse(f); },
                      [this, peer_index] { FailPeer(peer_index); });
        for (const auto& bytes : p.backlog) {
          Frame f;
          if (Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &f)) {
            p.conn->Send(f);
          }
        }
        p.backlog.clear();
      });
}

void PeerPool::OnResponse(const Frame& frame) {
  auto it = pending_.find(frame.request_id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  --outstanding_[p.group][p.instance];
  if (p.handler) p.handler(frame);
}

void PeerPool::FailPeer(int peer_index) {
  Peer& peer = peers_[peer_index];
  peer.conn.reset();
  peer.backlog.clear();
  peer.connecting = false;
  // Everything in flight to that agent fails; callers count it as an error.
  std::vector<std::pair<uint64_t, Pending>> lost;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.peer == peer_index) {
      --outstanding_[it->second.group][it->second.instance];
      lost.emplace_back(it->first, std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [id, p] : lost) {
    Frame failed;
    failed.kind = FrameKind::kResponse;
    failed.status = FrameStatus::kFailed;
    failed.request_id = id;
    if (p.handler) p.handler(failed);
  }
}

void PeerPool::Shutdown() {
  shutdown_ = true;
  for (size_t i = 0; i < peers_.size(); ++i) {
    if (peers_[i].conn) peers_[i].conn->Close();
    FailPeer(static_cast<int>(i));
  }
}

}  // namespace archload::agent

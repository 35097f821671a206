#include "agents/net/peer_pool.h"

namespace archload::agent {

void PeerPool::SetEndpoints(std::vector<std::vector<EndpointAddress>> addresses) {
  addresses_ = std::move(addresses);
  peers_.clear();
  for (const auto& g : addresses_) peers_.emplace_back(g.size());
}

int PeerPool::InstanceCount(int group) const {
  if (group < 0 || group >= static_cast<int>(addresses_.size())) return 0;
  return static_cast<int>(addresses_[group].size());
}

PeerPool::Peer& PeerPool::PeerFor(int group, int instance) { return peers_[group][instance]; }

int PeerPool::Outstanding(int group, int instance) const {
  return peers_[group][instance].outstanding;
}

void PeerPool::Send(int group, int instance, Frame& frame, ResponseHandler on_response) {
  Frame failed;
  if (shutdown_ || group < 0 || group >= static_cast<int>(peers_.size()) || instance < 0 ||
      instance >= static_cast<int>(peers_[group].size())) {
    if (on_response) {
      failed.kind = FrameKind::kResponse;
      failed.status = FrameStatus::kFailed;
      on_response(failed);
    }
    return;
  }
  const bool one_way = frame.flags & kFlagOneWay;
  frame.request_id = next_id_++;
  if (!one_way) {
    pending_.emplace(frame.request_id, Pending{std::move(on_response), group, instance});
  }
  Peer& peer = PeerFor(group, instance);
  ++peer.outstanding;
  if (one_way) --peer.outstanding;  // nothing will come back to decrement it
  if (peer.conn && peer.conn->open()) {
    peer.conn->Send(frame);
    return;
  }
  std::string encoded;
  frame.EncodeTo(encoded);
  peer.backlog.push_back(std::move(encoded));
  if (!peer.connecting) Connect(group, instance);
}

void PeerPool::Connect(int group, int instance) {
  Peer& peer = PeerFor(group, instance);
  peer.connecting = true;
  const auto& addr = addresses_[group][instance];
  auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
  asio::error_code ec;
  const auto ip = asio::ip::make_address(addr.host, ec);
  if (ec) {
    FailPeer(group, instance);
    return;
  }
  socket->async_connect(
      asio::ip::tcp::endpoint(ip, static_cast<unsigned short>(addr.port)),
      [this, socket, group, instance](const asio::error_code& err) {
        Peer& p = PeerFor(group, instance);
        p.connecting = false;
        if (err || shutdown_) {
          FailPeer(group, instance);
          return;
        }
        p.conn = std::make_shared<Connection>(std::move(*socket));
        p.conn->Start([this](Frame& f) { OnResponse(f); },
                      [this, group, instance] { FailPeer(group, instance); });
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
  --peers_[p.group][p.instance].outstanding;
  if (p.handler) p.handler(frame);
}

void PeerPool::FailPeer(int group, int instance) {
  Peer& peer = PeerFor(group, instance);
  peer.conn.reset();
  peer.backlog.clear();
  peer.connecting = false;
  peer.outstanding = 0;
  // Everything in flight to that instance fails; callers count it as an error.
  std::vector<std::pair<uint64_t, Pending>> lost;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.group == group && it->second.instance == instance) {
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
  for (size_t g = 0; g < peers_.size(); ++g) {
    for (size_t i = 0; i < peers_[g].size(); ++i) {
      if (peers_[g][i].conn) peers_[g][i].conn->Close();
      FailPeer(static_cast<int>(g), static_cast<int>(i));
    }
  }
}

}  // namespace archload::agent

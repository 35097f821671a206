#include "agents/runtime/listener.h"

#include "agents/runtime/instance.h"

namespace archload::agent {

int Listener::Listen(const std::string& host) {
  const asio::ip::tcp::endpoint ep(asio::ip::make_address(host), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  Accept();
  return acceptor_.local_endpoint().port();
}

void Listener::Route(Instance* instance) {
  const auto g = static_cast<size_t>(instance->group());
  const auto i = static_cast<size_t>(instance->index());
  if (routes_.size() <= g) routes_.resize(g + 1);
  if (routes_[g].size() <= i) routes_[g].resize(i + 1, nullptr);
  routes_[g][i] = instance;
}

void Listener::Close() {
  asio::error_code ec;
  acceptor_.close(ec);
  for (auto& w : conns_) {
    if (auto c = w.lock()) c->Close();
  }
  conns_.clear();
}

void Listener::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) return;  // closed
    auto conn = std::make_shared<Connection>(std::move(socket));
    std::weak_ptr<Connection> weak = conn;
    conn->Start(
        [this, weak](Frame& f) {
          if (auto c = weak.lock()) OnFrame(c, f);
        },
        nullptr);
    // Forget connections that closed, so a long run with reconnecting callers stays small.
    std::erase_if(conns_, [](const std::weak_ptr<Connection>& w) { return w.expired(); });
    conns_.push_back(conn);
    Accept();
  });
}

void Listener::OnFrame(const std::shared_ptr<Connection>& conn, Frame& frame) {
  if (frame.kind != FrameKind::kRequest) return;
  Instance* target = nullptr;
  if (frame.target_group < routes_.size() &&
      frame.target_instance < routes_[frame.target_group].size()) {
    target = routes_[frame.target_group][frame.target_instance];
  }
  if (target) {
    target->OnRequest(conn, frame);
    return;
  }
  // Not hosted here (a stale endpoint table): fail fast rather than leave the caller waiting.
  if (frame.flags & kFlagOneWay) return;
  frame.kind = FrameKind::kResponse;
  frame.status = FrameStatus::kFailed;
  conn->Send(frame);
}

}  // namespace archload::agent

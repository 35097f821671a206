#include "agents/runtime/listener.h"

#include "agents/runtime/instance.h"

namespace archload::agent {

int Listener::Listen(const std::string& host) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "listen address '" + host + "' is not an IP address");
  const asio::ip::tcp::endpoint ep(address, 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + host);
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
  closed_ = true;
  asio::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
  for (auto& w : conns_) {
    if (auto c = w.lock()) c->Close();
  }
  conns_.clear();
}

void Listener::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors (EMFILE/ENFILE) or memory: the harness, not the design, is short.
      // Keep the listener alive and try again shortly; callers meanwhile wait or fail as harness.
      health_.Note(health_.counters().accept_errors, "accept",
                   "cannot accept a data-plane connection: " + ec.message() +
                       " (the agent's own limit, not the design's)");
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([this](const asio::error_code& e) {
        if (!e && !closed_) Accept();
      });
      return;
    }
    auto conn = std::make_shared<Connection>(std::move(socket), Connection::Side::kAccepting,
                                             secret_, &health_, max_queued_, batch_);
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

void Listener::OnFrame(const std::shared_ptr<FrameSink>& conn, const std::string& from,
                       Frame& frame) {
  if (frame.kind != FrameKind::kRequest) {
    health_.Note(health_.counters().unexpected_frames, "unexpected-response",
                 "dropped a response frame sent to the listener by " + from);
    return;
  }
  if ((frame.flags & kFlagProbe) && (frame.flags & kFlagHealth)) {
    OnHealthCheck(conn, frame);
    return;
  }
  if (frame.flags & kFlagProbe) {
    if (frame.flags & kFlagOneWay) return;
    frame.kind = FrameKind::kResponse;
    frame.status = FrameStatus::kOk;
    conn->Send(frame);
    return;
  }
  Instance* target = nullptr;
  if (frame.target_group < routes_.size() &&
      frame.target_instance < routes_[frame.target_group].size()) {
    target = routes_[frame.target_group][frame.target_instance];
  }
  if (target) {
    target->OnRequest(conn, frame);
    return;
  }
  // Not hosted here (a stale or wrong endpoint table): the harness's fault. Fail fast rather
  // than leave the caller waiting.
  health_.Note(health_.counters().unroutable_frames, "unroutable",
               "request from " + from + " for group " + std::to_string(frame.target_group) +
                   " instance " + std::to_string(frame.target_instance) +
                   ", which this agent does not host");
  if (frame.flags & kFlagOneWay) return;
  frame.kind = FrameKind::kResponse;
  frame.status = FrameStatus::kHarness;
  conn->Send(frame);
}

void Listener::OnHealthCheck(const std::shared_ptr<FrameSink>& conn, Frame& frame) {
  if (frame.flags & kFlagOneWay) return;
  Instance* target = nullptr;
  if (frame.target_group < routes_.size() &&
      frame.target_instance < routes_[frame.target_group].size()) {
    target = routes_[frame.target_group][frame.target_instance];
  }
  frame.kind = FrameKind::kResponse;
  if (!target) {
    frame.status = FrameStatus::kHarness;
  } else {
    const auto answer = target->HealthAnswer();
    if (!answer) return;  // hung: the check times out
    frame.status = *answer;
  }
  conn->Send(frame);
}

size_t Listener::Connections() const {
  size_t n = 0;
  for (const auto& w : conns_) n += w.expired() ? 0 : 1;
  return n;
}

}  // namespace archload::agent

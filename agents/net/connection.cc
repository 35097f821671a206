#include "agents/net/connection.h"

#include "agents/net/handshake.h"

namespace archload::agent {

Connection::Connection(asio::ip::tcp::socket socket, Side side, std::string secret,
                       NetHealth* health, size_t max_queued_bytes, WriteBatch* batch)
    : socket_(std::move(socket)),
      handshake_timer_(socket_.get_executor()),
      side_(side),
      state_(side == Side::kConnecting ? State::kAwaitChallenge : State::kAwaitHello),
      secret_(std::move(secret)),
      health_(health),
      max_queued_(max_queued_bytes),
      batch_(batch) {
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // FlushNow writes synchronously: a full socket must say so, not block the loop.
  if (batch_) socket_.non_blocking(true, ec);
  const auto remote = socket_.remote_endpoint(ec);
  peer_ =
      ec ? "an unknown peer" : remote.address().to_string() + ":" + std::to_string(remote.port());
  // Small to start: an agent with 10,000 instances holds tens of thousands of connections, most
  // of them quiet. A busy one grows its buffer (ReadMore doubles it when a read fills it).
  in_.resize(4 * 1024);
}

void Connection::Start(FrameHandler on_frame, CloseHandler on_close) {
  on_frame_ = std::move(on_frame);
  on_close_ = std::move(on_close);
  started_ = true;
  if (side_ == Side::kConnecting) {
    client_nonce_ = Handshake::NewNonce();
    Queue(Handshake::Hello(client_nonce_));
  }
  auto self = shared_from_this();
  handshake_timer_.expires_after(std::chrono::milliseconds(kHandshakeTimeoutMs));
  handshake_timer_.async_wait([this, self](const asio::error_code& ec) {
    if (ec || state_ == State::kOpen || !open_) return;
    Refuse("handshake-timeout",
           "no handshake within " + std::to_string(kHandshakeTimeoutMs / 1000) + " s");
  });
  ReadMore();
}

void Connection::Refuse(const std::string& kind, const std::string& why) {
  health_->Note(health_->counters().refused_connections, kind,
                "refused a data-plane connection " +
                    std::string(side_ == Side::kAccepting ? "from " : "to ") + peer_ + ": " + why);
  Fail();
}

void Connection::ReadMore() {
  if (in_used_ == in_.size()) in_.resize(in_.size() * 2);
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                          [this, self](const asio::error_code& ec, size_t n) {
                            if (ec) {
                              Fail();
                              return;
                            }
                            OnRead(n);
                          });
}

bool Connection::Handshake() {
  auto consume = [this](size_t n) {
    std::memmove(in_.data(), in_.data() + n, in_used_ - n);
    in_used_ -= n;
  };
  while (state_ != State::kOpen) {
    switch (state_) {
      case State::kAwaitHello: {
        if (in_used_ < Handshake::kHelloSize) return false;
        auto nonce = Handshake::ParseHello(in_.data());
        if (!nonce) {
          Refuse("bad-hello", "it did not open with the archload handshake");
          return false;
        }
        client_nonce_ = *nonce;
        server_nonce_ = Handshake::NewNonce();
        consume(Handshake::kHelloSize);
        Queue(Handshake::Challenge(secret_, client_nonce_, server_nonce_));
        state_ = State::kAwaitProof;
        break;
      }
      case State::kAwaitProof: {
        if (in_used_ < Handshake::kProofSize) return false;
        if (!Handshake::VerifyProof(in_.data(), secret_, client_nonce_, server_nonce_)) {
          Refuse("bad-secret", "it does not know this run's secret");
          return false;
        }
        consume(Handshake::kProofSize);
        state_ = State::kOpen;
        break;
      }
      case State::kAwaitChallenge: {
        if (in_used_ < Handshake::kChallengeSize) return false;
        auto nonce = Handshake::VerifyChallenge(in_.data(), secret_, client_nonce_);
        if (!nonce) {
          Refuse("bad-secret", "the listener there does not know this run's secret");
          return false;
        }
        server_nonce_ = *nonce;
        consume(Handshake::kChallengeSize);
        state_ = State::kOpen;
        // The proof goes out first, then whatever frames waited for the handshake.
        std::string held;
        held.swap(held_);
        Queue(Handshake::Proof(secret_, client_nonce_, server_nonce_) + held);
        break;
      }
      case State::kOpen:
        break;
    }
  }
  handshake_timer_.cancel();
  return true;
}

void Connection::OnRead(size_t n) {
  in_used_ += n;
  if (state_ != State::kOpen && !Handshake()) {
    if (open_) ReadMore();  // not all of it yet
    return;
  }
  size_t pos = 0;
  Frame frame;
  while (open_) {
    FrameError why = FrameError::kLength;
    auto consumed = Frame::Decode(in_.data() + pos, in_used_ - pos, &frame, &why);
    if (!consumed) {  // the stream lost its framing: nothing after this can be trusted
      health_->InvalidFrame(why, peer_);
      Fail();
      return;
    }
    if (*consumed == 0) break;
    pos += *consumed;
    on_frame_(frame);
  }
  if (!open_) return;
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, in_used_ - pos);
    in_used_ -= pos;
  }
  ReadMore();
}

void Connection::Send(const Frame& frame) {
  if (!open_) return;
  if (queued_bytes() + frame.EncodedSize() > max_queued_) {
    health_->Note(health_->counters().overflow_disconnects, "overflow",
                  "disconnected " + peer_ + ": " + std::to_string(queued_bytes()) +
                      " bytes queued for it and unread (limit " + std::to_string(max_queued_) +
                      ")");
    Fail();
    return;
  }
  if (state_ != State::kOpen) {
    frame.EncodeTo(held_);
    return;
  }
  frame.EncodeTo(out_pending_);
  if (!writing_) Flush();
}

void Connection::Queue(const std::string& bytes) {
  out_pending_ += bytes;
  if (!writing_) Flush();
}

void Connection::Flush() {
  if (out_pending_.empty() || !open_ || !started_) return;
  if (batch_) {
    if (!in_batch_) {
      in_batch_ = true;
      batch_->Add(shared_from_this());
    }
    return;
  }
  writing_ = true;
  out_writing_.swap(out_pending_);
  out_pending_.clear();
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(out_writing_),
                    [this, self](const asio::error_code& ec, size_t) {
                      writing_ = false;
                      if (ec) {
                        Fail();
                        return;
                      }
                      out_writing_.clear();
                      Flush();
                    });
}

void Connection::FlushNow() {
  in_batch_ = false;
  if (writing_ || out_pending_.empty() || !open_) return;
  asio::error_code ec;
  const size_t n = socket_.write_some(asio::buffer(out_pending_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    Fail();
    return;
  }
  out_pending_.erase(0, ec ? 0 : n);
  if (!out_pending_.empty()) AwaitWritable();
}

void Connection::AwaitWritable() {
  writing_ = true;
  auto self = shared_from_this();
  socket_.async_wait(asio::socket_base::wait_write, [this, self](const asio::error_code& ec) {
    writing_ = false;
    if (ec) {
      Fail();
      return;
    }
    FlushNow();
  });
}

void Connection::Fail() {
  if (!open_) return;
  open_ = false;
  asio::error_code ec;
  handshake_timer_.cancel();
  socket_.close(ec);
  if (on_close_) {
    auto cb = std::move(on_close_);
    cb();
  }
}

void Connection::Close() { Fail(); }

}  // namespace archload::agent

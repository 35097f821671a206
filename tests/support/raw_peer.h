#pragma once

// A data-plane peer for tests that speaks raw bytes over a blocking loopback socket: it can run
// the run's handshake (or a wrong one) and then send anything, valid frames or garbage, the way
// an attacker or a broken agent would.

#include <asio.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "agents/net/frame.h"
#include "agents/net/handshake.h"

namespace archload::testing {

class RawPeer {
 public:
  explicit RawPeer(int port, const std::string& host = "127.0.0.1") : socket_(io_) {
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port));
  }

  // Runs the client side of the handshake with `secret`; true when the listener proved it knows
  // the same secret (and so accepted ours).
  bool Handshake(const std::string& secret) {
    using agent::Handshake;
    const std::string nonce = Handshake::NewNonce();
    Write(Handshake::Hello(nonce));
    auto challenge = ReadExactly(Handshake::kChallengeSize);
    if (!challenge) return false;
    auto server_nonce = Handshake::VerifyChallenge(
        reinterpret_cast<const uint8_t*>(challenge->data()), secret, nonce);
    // A wrong secret cannot verify the challenge: send a proof made with it anyway, as an
    // attacker would, so the listener is the one that refuses.
    const std::string sn = server_nonce
                               ? *server_nonce
                               : challenge->substr(Handshake::kHeaderSize, Handshake::kNonceSize);
    Write(Handshake::Proof(secret, nonce, sn));
    return server_nonce.has_value();
  }

  // False once the peer has closed the connection.
  bool Write(const std::string& bytes) {
    asio::error_code ec;
    asio::write(socket_, asio::buffer(bytes), ec);
    return !ec;
  }
  void Send(const agent::Frame& f) {
    std::string b;
    f.EncodeTo(b);
    Write(b);
  }

  // Exactly n bytes, or nullopt when the peer closed (or `timeout` passed) first.
  std::optional<std::string> ReadExactly(
      size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n && std::chrono::steady_clock::now() < end) {
      if (!WaitReadable(end)) break;
      char buf[4096];
      asio::error_code ec;
      const size_t got =
          socket_.read_some(asio::buffer(buf, std::min(sizeof buf, n - out.size())), ec);
      if (ec) return std::nullopt;
      out.append(buf, got);
    }
    if (out.size() < n) return std::nullopt;
    return out;
  }

  // Whether the peer closed the connection within `timeout` (reading and discarding anything).
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (!WaitReadable(end)) return false;
      char buf[4096];
      asio::error_code ec;
      socket_.read_some(asio::buffer(buf), ec);
      if (ec) return true;
    }
    return false;
  }

 private:
  bool WaitReadable(std::chrono::steady_clock::time_point end) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{socket_.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  asio::io_context io_;
  asio::ip::tcp::socket socket_;
};

}  // namespace archload::testing

#pragma once

// One TCP connection carrying frames both ways. Before any frame, the two ends run the run's
// handshake (handshake.h): the side that connected proves it knows the run's secret and checks
// that the listener does too. No frame is read before that; frames the connecting side sends
// meanwhile wait behind the handshake. Writes are coalesced: frames queued while a write is in
// flight go out together in the next one, so a busy connection costs one syscall per batch, not
// per request. What is queued for a peer is bounded: a peer that stops reading is disconnected,
// not buffered without end.

#include <asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/frame.h"
#include "agents/net/frame_sink.h"
#include "agents/net/net_health.h"
#include "agents/net/write_batch.h"

namespace archload::agent {

class Connection : public FrameSink, public std::enable_shared_from_this<Connection> {
 public:
  using FrameHandler = std::function<void(Frame&)>;
  using CloseHandler = std::function<void()>;
  enum class Side { kConnecting, kAccepting };

  // Bytes queued for a peer (written or waiting) beyond which it is disconnected: 64 MiB is
  // ~1M frames, seconds of the heaviest traffic one connection carries.
  static constexpr size_t kMaxQueuedBytes = 64u << 20;
  // A peer that has not completed the handshake by then is not part of the run.
  static constexpr int kHandshakeTimeoutMs = 5000;

  // `secret`: the run's data-plane secret. `health` counts what is refused; it must outlive this.
  // `batch`: frames sent during a turn of the event loop are written together when it flushes
  // (null: each is written at once with async_write, for owners that just run the io_context).
  Connection(asio::ip::tcp::socket socket, Side side, std::string secret, NetHealth* health,
             size_t max_queued_bytes = kMaxQueuedBytes, WriteBatch* batch = nullptr);

  void Start(FrameHandler on_frame, CloseHandler on_close);
  void Send(const Frame& frame) override;
  void Close();
  // Writes what is queued without waiting (WriteBatch::FlushAll).
  void FlushNow();
  bool open() const { return open_; }
  bool trusted() const { return state_ == State::kOpen; }
  size_t queued_bytes() const { return held_.size() + out_pending_.size() + out_writing_.size(); }
  const std::string& peer() const { return peer_; }

 private:
  enum class State { kAwaitHello, kAwaitChallenge, kAwaitProof, kOpen };

  void ReadMore();
  void OnRead(size_t n);
  // Consumes handshake bytes from in_; false when more are needed or the peer was refused.
  bool Handshake();
  void Refuse(const std::string& kind, const std::string& why);
  void Queue(const std::string& bytes);
  void Flush();
  // Whatever the socket did not take waits for writability, then FlushNow goes on.
  void AwaitWritable();
  void Fail();

  asio::ip::tcp::socket socket_;
  asio::steady_timer handshake_timer_;
  Side side_;
  State state_;
  std::string secret_;
  NetHealth* health_;
  size_t max_queued_;
  std::string peer_;
  std::string client_nonce_, server_nonce_;
  FrameHandler on_frame_;
  CloseHandler on_close_;
  std::vector<uint8_t> in_;
  size_t in_used_ = 0;
  std::string held_;  // frames sent before the handshake completed
  std::string out_pending_;
  std::string out_writing_;
  WriteBatch* batch_;
  bool in_batch_ = false;  // added to batch_ and not flushed yet
  bool writing_ = false;
  bool open_ = true;
  bool started_ = false;
};

}  // namespace archload::agent

#pragma once

// One TCP connection carrying frames both ways. Writes are coalesced: frames queued while a
// write is in flight go out together in the next one, so a busy connection costs one syscall
// per batch, not per request.

#include <asio.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/frame.h"

namespace archload::agent {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using FrameHandler = std::function<void(Frame&)>;
  using CloseHandler = std::function<void()>;

  explicit Connection(asio::ip::tcp::socket socket);

  void Start(FrameHandler on_frame, CloseHandler on_close);
  void Send(const Frame& frame);
  void Close();
  bool open() const { return open_; }

 private:
  void ReadMore();
  void Flush();
  void Fail();

  asio::ip::tcp::socket socket_;
  FrameHandler on_frame_;
  CloseHandler on_close_;
  std::vector<uint8_t> in_;
  size_t in_used_ = 0;
  std::string out_pending_;
  std::string out_writing_;
  bool writing_ = false;
  bool open_ = true;
};

}  // namespace archload::agent

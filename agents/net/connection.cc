#include "agents/net/connection.h"

namespace archload::agent {

Connection::Connection(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Small to start: an agent with 10,000 instances holds tens of thousands of connections, most
  // of them quiet. A busy one grows its buffer (ReadMore doubles it when a read fills it).
  in_.resize(4 * 1024);
}

void Connection::Start(FrameHandler on_frame, CloseHandler on_close) {
  on_frame_ = std::move(on_frame);
  on_close_ = std::move(on_close);
  ReadMore();
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
                            in_used_ += n;
                            size_t pos = 0;
                            Frame frame;
                            while (open_) {
                              auto consumed =
                                  Frame::Decode(in_.data() + pos, in_used_ - pos, &frame);
                              if (!consumed) {  // garbage from the peer: drop the connection
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
                          });
}

void Connection::Send(const Frame& frame) {
  if (!open_) return;
  frame.EncodeTo(out_pending_);
  if (!writing_) Flush();
}

void Connection::Flush() {
  if (out_pending_.empty() || !open_) return;
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

void Connection::Fail() {
  if (!open_) return;
  open_ = false;
  asio::error_code ec;
  socket_.close(ec);
  if (on_close_) {
    auto cb = std::move(on_close_);
    cb();
  }
}

void Connection::Close() { Fail(); }

}  // namespace archload::agent

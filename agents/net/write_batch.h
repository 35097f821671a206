#pragma once

// Connections with frames to send, flushed together once per turn of the event loop
// (agents/core/event_loop.h): every frame queued to a connection during a turn goes out in one
// send, written at once without an asio handler. asio's async_write instead posts a completion
// handler per write, which a loop that sleeps in its own poll call would have to run before it
// may sleep (another epoll_wait). Only a socket that takes less than everything waits for
// writability through the reactor.

#include <memory>
#include <vector>

namespace archload::agent {

class Connection;

class WriteBatch {
 public:
  // `conn` has frames queued; it is written at the next FlushAll.
  void Add(std::shared_ptr<Connection> conn) { dirty_.push_back(std::move(conn)); }
  // Writes every connection added since the last flush; true when any was.
  bool FlushAll();
  bool empty() const { return dirty_.empty(); }

 private:
  std::vector<std::shared_ptr<Connection>> dirty_;
  std::vector<std::shared_ptr<Connection>> flushing_;
};

}  // namespace archload::agent

#include "agents/backend/redis_asio.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace archload::agent {

namespace {

// Shared by the pending waits: hiredis may free the context (and call cleanup) from inside
// redisAsyncHandleRead, under a handler that still holds this.
struct RedisAsio : std::enable_shared_from_this<RedisAsio> {
  RedisAsio(asio::io_context& io, redisAsyncContext* c) : socket(io, c->c.fd), ac(c) {}

  asio::posix::stream_descriptor socket;
  redisAsyncContext* ac;
  bool reading = false, writing = false;
  bool read_armed = false, write_armed = false;
  bool alive = true;
  std::shared_ptr<RedisAsio> self;  // released by cleanup

  void ArmRead() {
    if (!alive || !reading || read_armed) return;
    read_armed = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_read,
                      [keep = shared_from_this()](const asio::error_code& ec) {
                        keep->read_armed = false;
                        if (ec || !keep->alive) return;
                        redisAsyncHandleRead(keep->ac);
                        keep->ArmRead();
                      });
  }
  void ArmWrite() {
    if (!alive || !writing || write_armed) return;
    write_armed = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_write,
                      [keep = shared_from_this()](const asio::error_code& ec) {
                        keep->write_armed = false;
                        if (ec || !keep->alive) return;
                        redisAsyncHandleWrite(keep->ac);
                        keep->ArmWrite();
                      });
  }
};

void AddRead(void* p) {
  auto* a = static_cast<RedisAsio*>(p);
  a->reading = true;
  a->ArmRead();
}
void DelRead(void* p) { static_cast<RedisAsio*>(p)->reading = false; }
void AddWrite(void* p) {
  auto* a = static_cast<RedisAsio*>(p);
  a->writing = true;
  a->ArmWrite();
}
void DelWrite(void* p) { static_cast<RedisAsio*>(p)->writing = false; }
void Cleanup(void* p) {
  auto* a = static_cast<RedisAsio*>(p);
  a->alive = false;
  a->reading = a->writing = false;
  // hiredis calls this before it closes the descriptor, which it owns: let go of it while it is
  // still open (deregistering a closed, perhaps reused, number could drop another socket), which
  // also cancels the pending waits.
  a->socket.release();
  a->self.reset();  // freed once the cancelled waits have run
}

}  // namespace

void AttachRedisToAsio(redisAsyncContext* ac, asio::io_context& io) {
  auto a = std::make_shared<RedisAsio>(io, ac);
  a->self = a;
  ac->ev.data = a.get();
  ac->ev.addRead = AddRead;
  ac->ev.delRead = DelRead;
  ac->ev.addWrite = AddWrite;
  ac->ev.delWrite = DelWrite;
  ac->ev.cleanup = Cleanup;
}

}  // namespace archload::agent

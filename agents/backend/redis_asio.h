#pragma once

// hiredis's asynchronous context driven by an asio io_context: hiredis asks for read and write
// readiness through its ev hooks; this arms one-shot waits on the socket for them and hands the
// events back. hiredis 0.14 has no asio adapter (adapters/libuv.h is the model).

#include <asio.hpp>
#include <memory>

struct redisAsyncContext;

namespace archload::agent {

// Attaches `ac` to `io`. The adapter lives until hiredis calls its cleanup hook (when the context
// is freed); a wait still pending then is cancelled and its handler does nothing.
void AttachRedisToAsio(redisAsyncContext* ac, asio::io_context& io);

}  // namespace archload::agent

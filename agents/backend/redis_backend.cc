#include "agents/backend/redis_backend.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "agents/backend/redis_asio.h"

namespace archload::agent {

RedisBackend::RedisBackend(asio::io_context& io, TimerQueue& timers, std::string host, int port,
                           std::string key_prefix, double ttl_s, double timeout_ms)
    : io_(io),
      timers_(timers),
      host_(std::move(host)),
      port_(port),
      prefix_(std::move(key_prefix)),
      ttl_(ttl_s > 0 ? std::to_string(static_cast<int64_t>(std::ceil(ttl_s))) : ""),
      timeout_ns_(static_cast<int64_t>(timeout_ms * 1e6)) {
  Connect();
}

RedisBackend::~RedisBackend() { Close(); }

void RedisBackend::Connect() {
  if (closed_) return;
  ac_ = redisAsyncConnect(host_.c_str(), port_);
  if (ac_ == nullptr || ac_->err) {
    const std::string why = ac_ ? ac_->errstr : "out of memory";
    if (ac_) redisAsyncFree(ac_);
    ac_ = nullptr;
    Lost(why);
    return;
  }
  ac_->data = this;
  AttachRedisToAsio(ac_, io_);
  redisAsyncSetConnectCallback(ac_, &RedisBackend::OnConnect);
  redisAsyncSetDisconnectCallback(ac_, &RedisBackend::OnDisconnect);
  connected_ = true;  // hiredis queues commands until the connection is up
}

void RedisBackend::Lost(const std::string&) {
  connected_ = false;
  ac_ = nullptr;
  ++counters_.disconnects;
  if (!closed_) timers_.ScheduleAfter(500'000'000, [this] { Connect(); });
}

void RedisBackend::OnConnect(const redisAsyncContext* ac, int status) {
  if (status == REDIS_OK) return;
  // hiredis frees the context after this; its pending commands get no reply (failures).
  static_cast<RedisBackend*>(ac->data)->Lost(ac->errstr);
}

void RedisBackend::OnDisconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisBackend*>(ac->data);
  if (self->closed_) return;
  self->Lost(status == REDIS_OK ? "disconnected" : ac->errstr);
}

void RedisBackend::Execute(Op op, uint64_t key, Done done) {
  ++counters_.commands;
  const uint64_t id = next_id_++;
  if (closed_ || !connected_ || ac_ == nullptr) {
    // Never synchronously: the caller is in the middle of starting the visit.
    asio::post(io_, [done = std::move(done)] {
      done(BackendReply{false, false, "redis is not connected"});
    });
    ++counters_.errors;
    return;
  }
  const std::string k = prefix_ + std::to_string(key);
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  auto arg = [&](const std::string& s) {
    argv.push_back(s.data());
    lens.push_back(s.size());
  };
  static const std::string kGet = "GET", kSet = "SET", kDel = "DEL", kOne = "1", kEx = "EX";
  switch (op) {
    case Op::kGet:
      arg(kGet);
      arg(k);
      break;
    case Op::kSet:
      arg(kSet);
      arg(k);
      arg(kOne);
      if (!ttl_.empty()) {
        arg(kEx);
        arg(ttl_);
      }
      break;
    case Op::kDel:
      arg(kDel);
      arg(k);
      break;
  }
  Call call{std::move(done), 0};
  if (timeout_ns_ > 0) {
    call.timer = timers_.ScheduleAfter(timeout_ns_, [this, id] {
      ++counters_.late;
      Finish(id, BackendReply{false, false, "no answer within the timeout"});
    });
  }
  pending_.emplace(id, std::move(call));
  if (redisAsyncCommandArgv(ac_, &RedisBackend::OnReply,
                            reinterpret_cast<void*>(static_cast<uintptr_t>(id)),
                            static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
    Finish(id, BackendReply{false, false, "redis refused the command (disconnecting)"});
  }
}

void RedisBackend::OnReply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<RedisBackend*>(ac->data);
  const auto id = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(privdata));
  const auto* r = static_cast<const redisReply*>(reply);
  BackendReply out;
  if (r == nullptr) {
    out.error = "redis went away before answering";
  } else if (r->type == REDIS_REPLY_ERROR) {
    out.error = std::string("redis: ") + std::string(r->str, r->len);
  } else {
    out.ok = true;
    out.hit = r->type == REDIS_REPLY_STRING;  // GET: a value; nil is a miss
  }
  self->Finish(id, out);
}

void RedisBackend::Finish(uint64_t id, const BackendReply& reply) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;  // answered late, after its timeout failed it
  Call call = std::move(it->second);
  pending_.erase(it);
  if (call.timer) timers_.Cancel(call.timer);
  if (!reply.ok) ++counters_.errors;
  call.done(reply);
}

void RedisBackend::Close() {
  if (closed_) return;
  closed_ = true;
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);  // pending commands' callbacks run now, with no reply: failures
  }
  while (!pending_.empty()) {
    Finish(pending_.begin()->first, BackendReply{false, false, "the agent is stopping"});
  }
}

}  // namespace archload::agent

#pragma once

// A real component behind a group (docs/backends.md): the group's instances keep their queues,
// slots and counters, and pass each visit's work to the backend instead of emulating a service
// time. Runs on the agent's io thread; every call's `done` runs there exactly once.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace archload::agent {

struct BackendReply {
  bool ok = false;
  bool hit = false;   // a lookup found the key
  std::string error;  // when !ok: the backend's answer, or why there was none
};

struct BackendCounters {
  uint64_t commands = 0, errors = 0, late = 0, disconnects = 0;
};

// A real broker's consumer group as seen from this agent (its share of the partitions).
struct BackendConsumer {
  int group = 0;             // the worker group that consumes
  uint64_t consumed = 0;     // delivered and accepted
  uint64_t redelivered = 0;  // refused by a full worker queue and sent again
  int64_t lag = 0;           // messages in its partitions not yet accepted by a worker (now)
  int64_t peak_lag = 0;      // the most lag seen when asked (agents ask every second)
};

class Backend {
 public:
  enum class Op { kGet, kSet, kDel };
  using Done = std::function<void(const BackendReply&)>;

  virtual ~Backend() = default;
  virtual void Execute(Op op, uint64_t key, Done done) = 0;
  // A broker's publish (the message, encoded as a frame): done once the backend holds it.
  virtual void Publish(const std::string& /*message*/, Done done) {
    done(BackendReply{false, false, "this backend takes no publishes"});
  }
  // Fails what is pending (as errors) and lets go of the connection; calls after it fail at once.
  virtual void Close() = 0;
  virtual size_t Pending() const = 0;
  virtual BackendCounters Counters() const = 0;
  // A broker's consumer groups (none for other kinds).
  virtual std::vector<BackendConsumer> Consumers() { return {}; }
};

}  // namespace archload::agent

#include "agents/net/net_health.h"

#include "agents/core/timer_queue.h"

namespace archload::agent {

void NetHealth::Note(uint64_t& counter, const std::string& kind, const std::string& message) {
  ++counter;
  if (!quiet_) log_.Log(kind, message, TimerQueue::NowNs());
}

void NetHealth::InvalidFrame(FrameError e, const std::string& peer) {
  const std::string field = FrameErrorName(e);
  Note(counters_.invalid_frames[static_cast<size_t>(e)], "invalid-frame-" + field,
       "dropped a connection from " + peer + ": invalid frame (" + field + ")");
}

}  // namespace archload::agent

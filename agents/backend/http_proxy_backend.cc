#include "agents/backend/http_proxy_backend.h"

#include "agents/runtime/fleet.h"

namespace archload::agent {

HttpProxyBackend::HttpProxyBackend(Fleet& fleet, int group, const std::string& host, int port)
    : fleet_(fleet),
      group_(group),
      where_(host + ":" + std::to_string(port)),
      client_(fleet.io(), host, port) {}

void HttpProxyBackend::Call(const Frame& request, std::function<void(const Frame&)> on_reply) {
  const int64_t sent = Fleet::NowNs();
  // Counted by when the call was made, like an instance counts by arrival.
  const bool counted = fleet_.Counted(sent);
  ++counters_.commands;
  if (counted) ++fleet_.group(group_).counters.received;
  client_.Send(request,
               [this, sent, counted, on_reply = std::move(on_reply)](const HttpClient::Reply& r) {
                 const int64_t now = Fleet::NowNs();
                 const uint64_t rtt = NsBetween(sent, now);
                 const uint64_t held = r.sojourn_ns > 0 ? static_cast<uint64_t>(r.sojourn_ns) : 0;
                 const uint64_t hop = rtt > held ? rtt - held : 0;
                 if (!r.error.empty()) {
                   ++counters_.errors;
                   fleet_.health().log().Log("proxy-failed",
                                             "the HTTP proxy at " + where_ + ": " + r.error, now);
                 }
                 if (counted) {
                   auto& g = fleet_.group(group_);
                   g.backend_ns.Record(hop);
                   g.counters.sojourn_ns.Record(hop);
                   g.counters.service_ns.Record(hop);
                   g.counters.hold_ns += hop;
                   if (r.frame.status == FrameStatus::kOk) {
                     ++g.counters.completed;
                   } else {
                     ++g.counters.failed;
                   }
                 }
                 if (on_reply) on_reply(r.frame);
               });
}

}  // namespace archload::agent

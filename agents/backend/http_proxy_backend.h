#pragma once

// A proxy group played by a real HTTP proxy (haproxy, started by the controller): calls to the
// group go to it as HTTP/1.1 (agents/net/http_client.h), and it calls the instances behind it on
// their HTTP side door (agents/net/http_ingress.h). The group has no emulated visits; its figures
// are the proxy's own hop: each exchange's round trip less the time the instance behind it held
// the request (network both ways plus the proxy's work).

#include <functional>
#include <string>

#include "agents/backend/backend.h"
#include "agents/net/http_client.h"

namespace archload::agent {

class Fleet;

class HttpProxyBackend : public Backend {
 public:
  HttpProxyBackend(Fleet& fleet, int group, const std::string& host, int port);

  // A call to the group: `on_reply` gets the response of the instance behind the proxy, or a
  // kFailed one when the proxy failed it (counted as the group's failure).
  void Call(const Frame& request, std::function<void(const Frame&)> on_reply);

  void Execute(Op, uint64_t, Done done) override {
    done(BackendReply{false, false, "an HTTP proxy takes calls only"});
  }
  void Close() override { client_.Close(); }
  size_t Pending() const override { return client_.InFlight(); }
  BackendCounters Counters() const override { return counters_; }

 private:
  Fleet& fleet_;
  int group_;
  std::string where_;
  HttpClient client_;
  BackendCounters counters_;
};

}  // namespace archload::agent

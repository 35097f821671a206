// The HTTP side door (HttpIngress) and the callers' pool (HttpClient) on real loopback sockets,
// each against a hand-written peer that plays the proxy: what haproxy sends and answers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <tuple>
#include <vector>

#include "agents/net/http_client.h"
#include "agents/net/http_codec.h"
#include "agents/net/http_ingress.h"
#include "common/http/proxy_names.h"

namespace archload::agent {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;

const std::string kToken = http::IngressToken(std::string(32, 's'));

std::string Encoded(const Frame& f) {
  std::string s;
  f.EncodeTo(s);
  return s;
}

// What haproxy sends for a caller's frame: the server it chose and the run's token.
std::string ProxiedRequest(const Frame& f, const std::string& server, const std::string& token) {
  const std::string body = Encoded(f);
  return "POST /archload HTTP/1.1\r\nhost: archload\r\ncontent-length: " +
         std::to_string(body.size()) + "\r\nX-Archload-Token: " + token +
         "\r\nX-Archload-Instance: " + server + "\r\n\r\n" + body;
}

// Runs `io` until `done` or 20 s.
template <typename F>
void RunUntil(asio::io_context& io, F done) {
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    if (io.stopped()) io.restart();  // it stops whenever it runs out of work
    io.run_one_for(10ms);
  }
}

// Reads what the ingress answers on `s` until `n` whole responses came (or the peer closed).
std::vector<std::pair<HttpHead, Frame>> ReadResponses(tcp::socket& s, size_t n) {
  std::vector<std::pair<HttpHead, Frame>> out;
  std::string in;
  char buf[4096];
  while (out.size() < n) {
    asio::error_code ec;
    const size_t got = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    in.append(buf, got);
    for (;;) {
      HttpHead h;
      size_t len = 0;
      std::string why;
      if (ParseHttpHead(in, true, &h, &len, &why) != HttpParse::kDone) break;
      if (in.size() < len + h.content_length) break;
      Frame f;
      Frame::Decode(reinterpret_cast<const uint8_t*>(in.data() + len), h.content_length, &f);
      out.emplace_back(h, f);
      in.erase(0, len + h.content_length);
    }
  }
  return out;
}

TEST(HttpIngress, PassesEachRequestToTheNamedInstanceAndAnswersInOrder) {
  asio::io_context io;
  NetHealth health;
  std::vector<std::pair<std::shared_ptr<FrameSink>, Frame>> delivered;
  HttpIngress ingress(io, kToken, health, [&](const std::shared_ptr<FrameSink>& caller, Frame& f) {
    if (f.target_group != 2 || f.target_instance > 3) return false;
    delivered.emplace_back(caller, f);
    return true;
  });
  const int port = ingress.Listen("127.0.0.1");
  std::atomic<bool> proxy_done{false};
  std::thread proxy([&] {
    asio::io_context pio;
    tcp::socket s(pio);
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
    Frame a, b;
    a.target_group = 1;  // the caller addressed the proxy group
    a.key = 11;
    b.target_group = 1;
    b.key = 22;
    // Two pipelined requests; the instances answer the second first.
    asio::write(
        s, asio::buffer(ProxiedRequest(a, "s2_3", kToken) + ProxiedRequest(b, "s2_0", kToken)));
    const auto r = ReadResponses(s, 2);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].first.status, 200);
    EXPECT_EQ(r[0].second.key, 11u);  // in request order
    EXPECT_EQ(r[1].second.key, 22u);
    EXPECT_GE(r[0].first.sojourn_ns, 0);
    proxy_done = true;
  });
  RunUntil(io, [&] { return delivered.size() == 2; });
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].second.target_instance, 3u);
  EXPECT_EQ(delivered[1].second.target_instance, 0u);
  // The proxy group is on the request's path, as an emulated proxy would be.
  const Frame& first = delivered[0].second;
  ASSERT_GE(first.trace_len, 1);
  EXPECT_EQ(first.trace[first.trace_len - 1].group, 1);
  for (int i : {1, 0}) {
    Frame r = delivered[i].second;
    r.kind = FrameKind::kResponse;
    delivered[i].first->Send(r);
  }
  RunUntil(io, [&] { return proxy_done.load(); });
  proxy.join();
  EXPECT_TRUE(proxy_done);
}

// Anything that is not the run's proxy is refused, said why, and cut off; a request for an
// instance hosted elsewhere is answered as the harness's error, at once.
TEST(HttpIngress, RefusesStrangersAndAnswersUnroutableRequests) {
  asio::io_context io;
  NetHealth health;
  HttpIngress ingress(io, kToken, health,
                      [](const std::shared_ptr<FrameSink>&, Frame&) { return false; });
  const int port = ingress.Listen("127.0.0.1");
  struct Case {
    std::string request;
    int status;
    bool closed;
  };
  const Case cases[] = {
      {ProxiedRequest(Frame{}, "s2_0", "wrong"), 403, true},
      {ProxiedRequest(Frame{}, "nobody", kToken), 400, true},
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nX-Archload-Token: " + kToken + "\r\n\r\nabc", 400,
       true},
      {ProxiedRequest(Frame{}, "s2_9", kToken), 200, false},
  };
  for (const auto& c : cases) {
    std::atomic<bool> done{false};
    HttpHead head;
    Frame answer;
    bool closed = false;
    std::thread proxy([&] {
      asio::io_context pio;
      tcp::socket s(pio);
      s.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)});
      asio::write(s, asio::buffer(c.request));
      auto r = ReadResponses(s, 1);
      if (!r.empty()) std::tie(head, answer) = r[0];
      // Closed: the next read ends at once rather than waiting for another response.
      s.non_blocking(false);
      char byte;
      asio::error_code ec;
      if (c.closed) {
        s.read_some(asio::buffer(&byte, 1), ec);
        closed = ec == asio::error::eof || ec == asio::error::connection_reset;
      }
      done = true;
    });
    RunUntil(io, [&] { return done.load(); });
    proxy.join();
    EXPECT_EQ(head.status, c.status) << c.request;
    EXPECT_EQ(closed, c.closed) << c.request;
    if (c.status == 200) {
      EXPECT_EQ(answer.status, FrameStatus::kHarness);
    }
  }
  EXPECT_EQ(health.counters().refused_connections, 3u);
  EXPECT_EQ(health.counters().unroutable_frames, 1u);
}

// A hand-written proxy for the client: answers each request as `answer` says, on the
// connection it came on.
class FakeProxy {
 public:
  // answer(n, request frame) -> the bytes to write back for the n-th request (0-based); empty:
  // close the connection without answering.
  using Answer = std::function<std::string(int n, const Frame& request)>;
  explicit FakeProxy(Answer answer)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), answer_(std::move(answer)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeProxy() {
    stop_ = true;
    // Closing the acceptor does not wake a blocking accept: a connection does.
    asio::io_context io;
    tcp::socket knock(io);
    asio::error_code ec;
    knock.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)}, ec);
    knock.close(ec);
    thread_.join();
  }
  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void Serve() {
    while (!stop_) {
      asio::error_code ec;
      tcp::socket s(io_);
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      ++connections_;
      std::string in;
      char buf[4096];
      for (;;) {
        const size_t got = s.read_some(asio::buffer(buf), ec);
        if (ec) break;
        in.append(buf, got);
        HttpHead h;
        size_t len = 0;
        std::string why;
        if (ParseHttpHead(in, false, &h, &len, &why) != HttpParse::kDone) continue;
        if (in.size() < len + h.content_length) continue;
        Frame f;
        Frame::Decode(reinterpret_cast<const uint8_t*>(in.data() + len), h.content_length, &f);
        in.erase(0, len + h.content_length);
        const std::string out = answer_(served_++, f);
        if (out.empty()) break;  // close without answering
        asio::write(s, asio::buffer(out), ec);
      }
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  Answer answer_;
  int port_ = 0;
  std::atomic<int> connections_{0};
  int served_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string Ok(const Frame& request, int64_t sojourn_ns) {
  Frame r = request;
  r.kind = FrameKind::kResponse;
  r.hit = true;
  const std::string body = Encoded(r);
  return HttpResponseHead(200, body.size(), sojourn_ns) + body;
}

TEST(HttpClient, AnswersErrorsAndAReusedConnectionThatDied) {
  // 1st: answered; 2nd: the proxy's 503; 3rd: the reused connection closes unanswered (a
  // keep-alive timeout racing the reuse), tried once more on a new one and answered.
  FakeProxy proxy([](int n, const Frame& f) -> std::string {
    if (n == 0) return Ok(f, 5000);
    if (n == 1) return "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n";
    if (n == 2) return "";
    return Ok(f, 7000);
  });
  asio::io_context io;
  std::vector<HttpClient::Reply> replies;  // outlives the client, which may answer as it closes
  HttpClient client(io, "127.0.0.1", proxy.port());
  for (int i = 0; i < 3; ++i) {
    Frame f;
    f.key = 100 + i;
    client.Send(f, [&](const HttpClient::Reply& r) { replies.push_back(r); });
    const size_t want = replies.size() + 1;
    RunUntil(io, [&] { return replies.size() == want; });  // one at a time: one connection
  }
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].frame.status, FrameStatus::kOk);
  EXPECT_TRUE(replies[0].frame.hit);
  EXPECT_EQ(replies[0].frame.key, 100u);
  EXPECT_EQ(replies[0].sojourn_ns, 5000);
  EXPECT_EQ(replies[1].frame.status, FrameStatus::kFailed);  // the design's failure
  EXPECT_NE(replies[1].error.find("503"), std::string::npos);
  EXPECT_EQ(replies[2].frame.status, FrameStatus::kOk);
  EXPECT_EQ(replies[2].frame.key, 102u);
  EXPECT_EQ(proxy.connections(), 2);
  EXPECT_EQ(client.InFlight(), 0u);
}

TEST(HttpClient, AProxyThatIsDownFailsEveryRequestAndClosingFailsTheRest) {
  asio::io_context io;
  // Bound, never listening: connecting is refused.
  tcp::acceptor closed(io, {asio::ip::make_address("127.0.0.1"), 0});
  const int port = closed.local_endpoint().port();
  closed.close();
  HttpClient client(io, "127.0.0.1", port, /*max_connections=*/2);
  int failed = 0;
  for (int i = 0; i < 5; ++i) {
    client.Send(Frame{}, [&](const HttpClient::Reply& r) {
      if (r.frame.status == FrameStatus::kFailed && !r.error.empty()) ++failed;
    });
  }
  RunUntil(io, [&] { return failed == 5; });
  EXPECT_EQ(failed, 5);
  EXPECT_EQ(client.InFlight(), 0u);
  // Requests waiting for a connection when the client closes are failed, not forgotten.
  FakeProxy silent([](int, const Frame&) { return std::string(); });
  HttpClient slow(io, "127.0.0.1", silent.port(), 1);
  int answered = 0;
  for (int i = 0; i < 3; ++i) slow.Send(Frame{}, [&](const HttpClient::Reply&) { ++answered; });
  slow.Close();
  RunUntil(io, [&] { return answered == 3; });
  EXPECT_EQ(answered, 3);
}

}  // namespace
}  // namespace archload::agent

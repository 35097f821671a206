#include "agents/net/http_client.h"

#include <algorithm>

#include "agents/net/http_codec.h"

namespace archload::agent {

// One keep-alive connection carrying one exchange at a time.
class HttpClient::Link : public std::enable_shared_from_this<Link> {
 public:
  Link(asio::io_context& io, HttpClient& owner) : socket_(io), owner_(&owner) {}

  void Connect(Request request) {
    current_ = std::move(request);
    has_current_ = true;
    auto self = shared_from_this();
    socket_.async_connect(owner_->to_, [this, self](const asio::error_code& ec) {
      if (!owner_) return;
      if (ec) {
        Done(Take(), "cannot connect to the proxy: " + ec.message(), true);
        return;
      }
      asio::error_code e;
      socket_.set_option(asio::ip::tcp::no_delay(true), e);
      Exchange(Take(), false);
    });
  }

  // Sends the request and reads its response. `reused`: the connection served one before (a
  // proxy may close an idle one just as it is reused: that request is tried once more).
  void Exchange(Request request, bool reused) {
    current_ = std::move(request);
    has_current_ = true;
    reused_ = reused;
    got_bytes_ = false;
    used_ = 0;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(current_.bytes),
                      [this, self](const asio::error_code& ec, size_t) {
                        if (!owner_) return;
                        if (ec) {
                          Done(Take(), "the proxy went away: " + ec.message(), false);
                          return;
                        }
                        ReadMore();
                      });
  }

  void Close() {
    owner_ = nullptr;
    asio::error_code ec;
    socket_.close(ec);
  }
  // The client is closing: fail the exchange in flight, if any, then close.
  void Abort(const std::string& why) {
    HttpClient* owner = owner_;
    Close();
    if (has_current_ && owner) {
      Request r = Take();
      owner->Fail(r, why);
    }
  }

 private:
  void ReadMore() {
    if (in_.size() - used_ < 2048) in_.resize(std::max<size_t>(8192, in_.size() * 2));
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(in_.data() + used_, in_.size() - used_),
                            [this, self](const asio::error_code& ec, size_t n) {
                              if (!owner_) return;
                              if (ec) {
                                Done(Take(), "the proxy closed the connection: " + ec.message(),
                                     false);
                                return;
                              }
                              got_bytes_ = true;
                              used_ += n;
                              Parse();
                            });
  }

  void Parse() {
    HttpHead head;
    size_t head_len = 0;
    std::string why;
    const std::string_view data(in_.data(), used_);
    const auto r = ParseHttpHead(data, true, &head, &head_len, &why);
    if (r == HttpParse::kNeedMore) {
      ReadMore();
      return;
    }
    if (r == HttpParse::kBad || head.chunked || (!head.has_length && head.status == 200)) {
      Done(Take(),
           "the proxy's answer is not HTTP this side speaks: " +
               (why.empty() ? std::string("no Content-Length") : why),
           false, /*broken=*/true);
      return;
    }
    if (head.status != 200) {
      // The proxy's own error (503 no server, 504 timeout, ...): the design's failure. Its body
      // is not needed; the connection is not reused unless the length says where it ends.
      const bool reusable =
          head.has_length && !head.close && data.size() >= head_len + head.content_length;
      Done(Take(), "the proxy answered " + std::to_string(head.status), false, !reusable);
      return;
    }
    if (head.content_length > Frame::kMaxSize) {
      Done(Take(), "a response body too large for a frame", false, true);
      return;
    }
    if (data.size() < head_len + head.content_length) {
      ReadMore();
      return;
    }
    Reply reply;
    const auto* body = reinterpret_cast<const uint8_t*>(data.data() + head_len);
    const auto n = Frame::Decode(body, head.content_length, &reply.frame);
    if (!n || *n != head.content_length || reply.frame.kind != FrameKind::kResponse) {
      Done(Take(), "a response body that is not one frame", false, true);
      return;
    }
    reply.sojourn_ns = head.sojourn_ns;
    Handler h = Take().handler;
    HttpClient* owner = owner_;
    const bool keep = !head.close && data.size() == head_len + head.content_length;
    if (keep) {
      owner->OnIdle(shared_from_this());
    } else {
      owner->OnLinkDone(shared_from_this());
      Close();
    }
    h(reply);
  }

  // The exchange ended without a usable response: retry once when a reused connection died
  // before answering, else fail the request. The link is dropped unless it is still sound.
  void Done(Request request, const std::string& why, bool connecting, bool broken = true) {
    HttpClient* owner = owner_;
    auto self = shared_from_this();
    if (broken) {
      owner->OnLinkDone(self);
      Close();
    } else {
      owner->OnIdle(self);
    }
    if (!connecting && reused_ && !got_bytes_ && !request.retried && broken) {
      request.retried = true;
      owner->Dispatch(std::move(request));
      return;
    }
    owner->Fail(request, why);
  }

  Request Take() {
    has_current_ = false;
    return std::move(current_);
  }

  asio::ip::tcp::socket socket_;
  HttpClient* owner_;
  Request current_;
  bool has_current_ = false;
  std::vector<char> in_;
  size_t used_ = 0;
  bool reused_ = false;
  bool got_bytes_ = false;
};

HttpClient::HttpClient(asio::io_context& io, std::string host, int port, size_t max_connections)
    : io_(io),
      to_(asio::ip::make_address(host), static_cast<uint16_t>(port)),
      max_connections_(std::max<size_t>(1, max_connections)) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Send(const Frame& frame, Handler on_reply) {
  Request r;
  std::string body;
  frame.EncodeTo(body);
  r.bytes = HttpRequestHead(body.size()) + body;
  r.frame = frame;
  r.handler = std::move(on_reply);
  if (closed_) {
    // Never synchronously: the caller is in the middle of issuing the call.
    asio::post(io_, [this, r = std::move(r)]() mutable { Fail(r, "the agent is stopping"); });
    return;
  }
  Dispatch(std::move(r));
}

void HttpClient::Dispatch(Request request) {
  if (closed_) {
    Fail(request, "the agent is stopping");
    return;
  }
  if (!idle_.empty()) {
    auto link = std::move(idle_.back());
    idle_.pop_back();
    ++busy_;
    link->Exchange(std::move(request), true);
    return;
  }
  if (all_.size() < max_connections_) {
    auto link = std::make_shared<Link>(io_, *this);
    all_.push_back(link);
    ++busy_;
    link->Connect(std::move(request));
    return;
  }
  waiting_.push_back(std::move(request));
}

void HttpClient::OnIdle(const std::shared_ptr<Link>& link) {
  --busy_;
  if (!waiting_.empty()) {
    Request next = std::move(waiting_.front());
    waiting_.pop_front();
    ++busy_;
    link->Exchange(std::move(next), true);
    return;
  }
  idle_.push_back(link);
}

void HttpClient::OnLinkDone(const std::shared_ptr<Link>& link) {
  --busy_;
  std::erase(all_, link);
  if (!waiting_.empty() && !closed_) {
    Request next = std::move(waiting_.front());
    waiting_.pop_front();
    Dispatch(std::move(next));
  }
}

void HttpClient::Fail(Request& request, const std::string& why) {
  Reply reply;
  reply.frame = request.frame;
  reply.frame.kind = FrameKind::kResponse;
  reply.frame.status = FrameStatus::kFailed;
  reply.error = why;
  Handler h = std::move(request.handler);
  if (h) h(reply);
}

void HttpClient::Close() {
  if (closed_) return;
  closed_ = true;
  auto links = std::move(all_);
  all_.clear();
  idle_.clear();
  // Their pending callbacks then see no owner and do nothing.
  for (auto& l : links) l->Abort("the agent is stopping");
  busy_ = 0;
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& r : waiting) Fail(r, "the agent is stopping");
}

}  // namespace archload::agent

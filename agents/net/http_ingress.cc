#include "agents/net/http_ingress.h"

#include "agents/net/http_codec.h"
#include "common/http/proxy_names.h"
#include "common/security/secret.h"

namespace archload::agent {

namespace {
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
// A proxy that stops reading its responses is cut off rather than buffered without end.
constexpr size_t kMaxQueuedBytes = 16u << 20;
}  // namespace

// One connection from the proxy: parses requests, passes their frames on, and writes the
// responses in the order the requests came.
class HttpIngress::Exchange : public FrameSink, public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::ip::tcp::socket socket, HttpIngress& owner)
      : socket_(std::move(socket)), owner_(owner) {
    asio::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    const auto remote = socket_.remote_endpoint(ec);
    peer_ =
        ec ? "an unknown peer" : remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  void Start() { ReadMore(); }
  void Close() {
    if (!open_) return;
    open_ = false;
    asio::error_code ec;
    socket_.close(ec);
  }

  // An instance's response (or the ingress's own answer) to the request with this id.
  void Send(const Frame& frame) override {
    for (auto& slot : slots_) {
      if (slot.id != frame.request_id || slot.answered) continue;
      std::string body;
      frame.EncodeTo(body);
      slot.bytes = HttpResponseHead(200, body.size(),
                                    static_cast<int64_t>(NsBetween(slot.arrive_ns, NowNs()))) +
                   body;
      slot.answered = true;
      break;
    }
    while (!slots_.empty() && slots_.front().answered) {
      out_pending_ += slots_.front().bytes;
      slots_.pop_front();
    }
    if (out_pending_.size() + out_writing_.size() > kMaxQueuedBytes) {
      Refuse("overflow", "it did not read its responses");
      return;
    }
    if (!writing_) Flush();
  }

 private:
  struct Slot {
    uint64_t id;
    int64_t arrive_ns;
    bool answered = false;
    std::string bytes;
  };

  void ReadMore() {
    if (!open_) return;
    if (in_.size() - used_ < 4096) in_.resize(std::max<size_t>(16384, in_.size() * 2));
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(in_.data() + used_, in_.size() - used_),
                            [this, self](const asio::error_code& ec, size_t n) {
                              if (ec || !open_) {
                                Close();
                                return;
                              }
                              used_ += n;
                              if (Parse()) ReadMore();
                            });
  }

  // Takes every complete request from the buffer; false when the connection was refused.
  bool Parse() {
    size_t pos = 0;
    while (open_) {
      HttpHead head;
      size_t head_len = 0;
      std::string why;
      const std::string_view data(in_.data() + pos, used_ - pos);
      const auto r = ParseHttpHead(data, false, &head, &head_len, &why);
      if (r == HttpParse::kNeedMore) break;
      if (r == HttpParse::kBad) return Refuse("bad-http", why);
      if (head.chunked || !head.has_length || head.content_length > Frame::kMaxSize) {
        return Refuse("bad-http", "a body that is not one frame with a Content-Length");
      }
      if (data.size() < head_len + head.content_length) break;
      if (!security::ConstantTimeEquals(head.token, owner_.token_)) {
        return Refuse("bad-token", "no or a wrong run token");
      }
      const auto* body = reinterpret_cast<const uint8_t*>(data.data() + head_len);
      pos += head_len + head.content_length;
      if (!Request(head, body, head.content_length)) return false;
    }
    if (pos > 0) {
      std::copy(in_.begin() + static_cast<std::ptrdiff_t>(pos),
                in_.begin() + static_cast<std::ptrdiff_t>(used_), in_.begin());
      used_ -= pos;
    }
    return open_;
  }

  bool Request(const HttpHead& head, const uint8_t* body, size_t size) {
    Frame f;
    FrameError err{};
    const auto used = Frame::Decode(body, size, &f, &err);
    if (!used || *used != size || f.kind != FrameKind::kRequest) {
      return Refuse("bad-frame", "a body that is not one request frame");
    }
    int group = 0;
    uint32_t index = 0;
    if (!http::ParseServerName(head.instance, &group, &index)) {
      return Refuse("bad-http", "no " + std::string(http::kInstanceHeader) + " naming an instance");
    }
    const int64_t now = NowNs();
    // The proxy stood in for the group the caller addressed: it is on the request's path.
    f.AddHop(f.target_group, 0, now);
    f.target_group = static_cast<uint16_t>(group);
    f.target_instance = index;
    f.request_id = next_id_++;
    const bool one_way = f.flags & kFlagOneWay;
    slots_.push_back(Slot{f.request_id, now, false, {}});
    auto self = shared_from_this();
    if (!owner_.deliver_(self, f)) {
      owner_.health_.Note(owner_.health_.counters().unroutable_frames, "unroutable",
                          "the proxy at " + peer_ + " sent a request for " + head.instance +
                              ", which this agent does not host");
      f.kind = FrameKind::kResponse;
      f.status = FrameStatus::kHarness;
      Send(f);
    } else if (one_way) {
      f.kind = FrameKind::kResponse;  // nobody waits for it, but HTTP wants an answer
      f.status = FrameStatus::kOk;
      Send(f);
    }
    return open_;
  }

  bool Refuse(const std::string& kind, const std::string& why) {
    owner_.health_.Note(owner_.health_.counters().refused_connections, kind,
                        "refused an HTTP connection from " + peer_ + ": " + why);
    if (open_) {
      const std::string answer = HttpResponseHead(kind == "bad-token" ? 403 : 400, 0, -1);
      asio::error_code ec;
      asio::write(socket_, asio::buffer(answer), ec);  // best effort, then close
    }
    Close();
    return false;
  }

  void Flush() {
    if (out_pending_.empty() || !open_) return;
    writing_ = true;
    out_writing_.swap(out_pending_);
    out_pending_.clear();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_writing_),
                      [this, self](const asio::error_code& ec, size_t) {
                        writing_ = false;
                        if (ec) {
                          Close();
                          return;
                        }
                        out_writing_.clear();
                        Flush();
                      });
  }

  asio::ip::tcp::socket socket_;
  HttpIngress& owner_;
  std::string peer_;
  std::vector<char> in_;
  size_t used_ = 0;
  std::deque<Slot> slots_;
  uint64_t next_id_ = 1;
  std::string out_pending_, out_writing_;
  bool writing_ = false;
  bool open_ = true;
};

int HttpIngress::Listen(const std::string& host) {
  asio::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "HTTP listen address '" + host + "' is not an IP address");
  const asio::ip::tcp::endpoint ep(address, 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep, ec);
  if (ec) throw std::system_error(ec, "cannot listen for HTTP on " + host);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  Accept();
  return acceptor_.local_endpoint().port();
}

void HttpIngress::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (closed_) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      health_.Note(health_.counters().accept_errors, "accept",
                   "HTTP accept failed: " + ec.message());
      // Descriptors exhausted and the like: try again shortly rather than stop serving the proxy.
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([this](const asio::error_code& e) {
        if (!e && !closed_) Accept();
      });
      return;
    }
    auto x = std::make_shared<Exchange>(std::move(socket), *this);
    std::erase_if(open_, [](const std::weak_ptr<Exchange>& w) { return w.expired(); });
    open_.push_back(x);
    x->Start();
    Accept();
  });
}

void HttpIngress::Close() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
  for (auto& w : open_) {
    if (auto x = w.lock()) x->Close();
  }
  open_.clear();
}

}  // namespace archload::agent

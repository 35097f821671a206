#include "agents/net/local_link.h"

namespace archload::agent {

// An instance holds its caller's sink while it serves the request, possibly past the link
// (an agent shutting down): the sink then drops what it is sent.
class LocalLink::ReplySink : public FrameSink {
 public:
  explicit ReplySink(LocalLink* link) : link_(link) {}
  void Send(const Frame& frame) override {
    if (link_) link_->queue_.push_back(frame);
  }
  void Detach() { link_ = nullptr; }

 private:
  LocalLink* link_;
};

LocalLink::LocalLink(Deliver deliver, Respond respond)
    : deliver_(std::move(deliver)),
      respond_(std::move(respond)),
      reply_(std::make_shared<ReplySink>(this)) {}

LocalLink::~LocalLink() { reply_->Detach(); }

size_t LocalLink::Drain(size_t max_frames) {
  size_t n = 0;
  for (; n < max_frames && !queue_.empty(); ++n) {
    Frame frame = queue_.front();
    queue_.pop_front();
    if (frame.kind == FrameKind::kResponse) {
      respond_(frame);
    } else {
      deliver_(reply_, frame);
    }
  }
  return n;
}

}  // namespace archload::agent

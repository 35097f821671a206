#pragma once

// Where an instance sends a request's response: the connection it came on (Connection), or an
// HTTP/1.1 exchange with a real proxy (agents/net/http_ingress.h). Instances hold it weakly: a
// caller that went away takes its responses with it.

#include "agents/net/frame.h"

namespace archload::agent {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void Send(const Frame& frame) = 0;
};

}  // namespace archload::agent

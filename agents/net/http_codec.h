#pragma once

// The little HTTP/1.1 a real proxy in front of instances needs (docs/backends.md): a request or
// response head with its Content-Length, and archload's own headers. A frame travels as the
// body. Heads come from a process archload did not write (haproxy, or anything that reaches the
// port), so every field is checked and a head longer than kMaxHead is refused.

#include <cstdint>
#include <string>
#include <string_view>

namespace archload::agent {

struct HttpHead {
  int status = 0;  // responses: the status code
  uint64_t content_length = 0;
  bool has_length = false;
  bool close = false;       // "Connection: close"
  bool chunked = false;     // Transfer-Encoding other than identity: not spoken here
  std::string instance;     // X-Archload-Instance: the server the proxy chose ("s<group>_<index>")
  std::string token;        // X-Archload-Token: proves the proxy is the run's
  int64_t sojourn_ns = -1;  // X-Archload-Sojourn-Ns: how long the instance held the request
};

enum class HttpParse { kNeedMore, kDone, kBad };

inline constexpr size_t kMaxHttpHead = 8192;
// Parses the head at the front of `data` (a request when !response). On kDone, *head_len is its
// size through the blank line; on kBad, *why says what was wrong.
HttpParse ParseHttpHead(std::string_view data, bool response, HttpHead* out, size_t* head_len,
                        std::string* why);

// "POST /archload HTTP/1.1" with the body's length; the body (a frame) follows.
std::string HttpRequestHead(size_t body_len);
std::string HttpResponseHead(int status, size_t body_len, int64_t sojourn_ns);

}  // namespace archload::agent

// Fuzz target: the HTTP/1.1 heads an agent's side door and its callers read
// (agents/net/http_codec.h). Both come from a real proxy, or from anything that reaches the port.
//
// The input is parsed as a request head and as a response head. Properties, beyond "no crash, no
// sanitizer report, no exception":
//   - kDone: the head ends with its blank line inside the input and within kMaxHttpHead bytes;
//     the same bytes with anything appended parse the same (a head does not depend on what
//     follows it); a status is in [100, 599];
//   - kNeedMore: the input has no blank line and is shorter than kMaxHttpHead (a head that never
//     ends is refused, not buffered);
//   - kBad: says why;
//   - the server-name parser accepts a name only if printing it back gives the same name.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agents/net/http_codec.h"
#include "common/http/proxy_names.h"

namespace {

using namespace archload::agent;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "http_fuzz: %s\n", what);
  std::abort();
}

void Check(std::string_view data, bool response) {
  HttpHead h;
  size_t len = 0;
  std::string why;
  switch (ParseHttpHead(data, response, &h, &len, &why)) {
    case HttpParse::kDone: {
      if (len < 4 || len > data.size() || len > kMaxHttpHead) Fail("head length out of range");
      if (data.substr(len - 4, 4) != "\r\n\r\n") Fail("head does not end with a blank line");
      if (response && (h.status < 100 || h.status > 599)) Fail("status outside [100, 599]");
      if (!h.has_length && h.content_length != 0) Fail("a length without Content-Length");
      HttpHead again;
      size_t len2 = 0;
      const std::string more = std::string(data.substr(0, len)) + "trailing bytes\r\n\r\n";
      if (ParseHttpHead(more, response, &again, &len2, &why) != HttpParse::kDone || len2 != len ||
          again.content_length != h.content_length || again.instance != h.instance ||
          again.token != h.token || again.sojourn_ns != h.sojourn_ns || again.status != h.status) {
        Fail("a head parses differently with bytes after it");
      }
      break;
    }
    case HttpParse::kNeedMore:
      if (data.find("\r\n\r\n") != std::string_view::npos) Fail("more asked of a complete head");
      if (data.size() >= kMaxHttpHead) Fail("an endless head buffered past the limit");
      break;
    case HttpParse::kBad:
      if (why.empty()) Fail("refused without a reason");
      break;
  }
  int group = 0;
  uint32_t instance = 0;
  if (archload::http::ParseServerName(h.instance, &group, &instance) &&
      archload::http::ServerName(group, instance) != h.instance) {
    Fail("a server name that does not print back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text, false);
  Check(text, true);
  return 0;
}

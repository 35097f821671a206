#include "agents/net/http_codec.h"

#include <charconv>

#include "common/http/proxy_names.h"

namespace archload::agent {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool Number(std::string_view s, T* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

HttpParse Bad(std::string* why, std::string what) {
  if (why) *why = std::move(what);
  return HttpParse::kBad;
}

}  // namespace

HttpParse ParseHttpHead(std::string_view data, bool response, HttpHead* out, size_t* head_len,
                        std::string* why) {
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    return data.size() >= kMaxHttpHead ? Bad(why, "a head longer than 8 KiB")
                                       : HttpParse::kNeedMore;
  }
  if (end + 4 > kMaxHttpHead) return Bad(why, "a head longer than 8 KiB");
  *out = HttpHead{};
  std::string_view head = data.substr(0, end);
  size_t eol = head.find("\r\n");
  const std::string_view first = head.substr(0, eol);
  head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
  if (response) {
    // "HTTP/1.1 200 OK"
    if (first.size() < 12 || first.substr(0, 7) != "HTTP/1." || first[8] != ' ' ||
        (first.size() > 12 && first[12] != ' ') || !Number(first.substr(9, 3), &out->status) ||
        out->status < 100 || out->status > 599) {
      return Bad(why, "not an HTTP/1.x status line");
    }
  } else {
    const size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 <= sp1 || first.substr(sp2 + 1, 7) != "HTTP/1." ||
        first.substr(0, sp1) != "POST") {
      return Bad(why, "not an HTTP/1.x POST request line");
    }
  }
  while (!head.empty()) {
    eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Bad(why, "a header without a name");
    const std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      uint64_t n = 0;
      if (!Number(value, &n)) return Bad(why, "Content-Length is not a number");
      if (out->has_length && n != out->content_length) return Bad(why, "two Content-Lengths");
      out->content_length = n;
      out->has_length = true;
    } else if (IEquals(name, "transfer-encoding")) {
      out->chunked = !IEquals(value, "identity");
    } else if (IEquals(name, "connection")) {
      out->close = IEquals(value, "close");
    } else if (IEquals(name, http::kInstanceHeader)) {
      out->instance = std::string(value);
    } else if (IEquals(name, http::kTokenHeader)) {
      out->token = std::string(value);
    } else if (IEquals(name, http::kSojournHeader)) {
      if (!Number(value, &out->sojourn_ns) || out->sojourn_ns < 0) {
        return Bad(why, "X-Archload-Sojourn-Ns is not a number");
      }
    }
  }
  *head_len = end + 4;
  return HttpParse::kDone;
}

std::string HttpRequestHead(size_t body_len) {
  return "POST /archload HTTP/1.1\r\nHost: archload\r\nContent-Type: application/octet-stream\r\n"
         "Content-Length: " +
         std::to_string(body_len) + "\r\n\r\n";
}

std::string HttpResponseHead(int status, size_t body_len, int64_t sojourn_ns) {
  std::string reason = status == 200 ? "OK" : status == 403 ? "Forbidden" : "Bad Request";
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(body_len) +
      "\r\n";
  if (sojourn_ns >= 0)
    out += std::string(http::kSojournHeader) + ": " + std::to_string(sojourn_ns) + "\r\n";
  return out + "\r\n";
}

}  // namespace archload::agent

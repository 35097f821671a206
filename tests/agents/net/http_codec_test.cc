#include "agents/net/http_codec.h"

#include <gtest/gtest.h>

#include "common/http/proxy_names.h"

namespace archload::agent {
namespace {

TEST(HttpCodec, ARequestHeadWithArchloadsHeaders) {
  const std::string text =
      "POST /archload HTTP/1.1\r\nhost: x\r\ncontent-length: 40\r\n"
      "x-archload-instance: s3_17\r\nX-Archload-Token:  abc \r\n\r\nBODY";
  HttpHead h;
  size_t len = 0;
  std::string why;
  ASSERT_EQ(ParseHttpHead(text, false, &h, &len, &why), HttpParse::kDone) << why;
  EXPECT_EQ(len, text.size() - 4);
  EXPECT_TRUE(h.has_length);
  EXPECT_EQ(h.content_length, 40u);
  EXPECT_EQ(h.instance, "s3_17");
  EXPECT_EQ(h.token, "abc");  // surrounding blanks are not part of a value
  int group = 0;
  uint32_t instance = 0;
  ASSERT_TRUE(http::ParseServerName(h.instance, &group, &instance));
  EXPECT_EQ(group, 3);
  EXPECT_EQ(instance, 17u);
  EXPECT_EQ(http::ServerName(group, instance), "s3_17");
}

TEST(HttpCodec, AResponseHeadWithTheInstancesTime) {
  const std::string head = HttpResponseHead(200, 48, 12345);
  HttpHead h;
  size_t len = 0;
  std::string why;
  ASSERT_EQ(ParseHttpHead(head, true, &h, &len, &why), HttpParse::kDone) << why;
  EXPECT_EQ(len, head.size());
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.content_length, 48u);
  EXPECT_EQ(h.sojourn_ns, 12345);
  EXPECT_FALSE(h.close);
  // And a proxy's own error, closing the connection.
  ASSERT_EQ(ParseHttpHead("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n", true, &h,
                          &len, &why),
            HttpParse::kDone);
  EXPECT_EQ(h.status, 503);
  EXPECT_TRUE(h.close);
  EXPECT_FALSE(h.has_length);
}

TEST(HttpCodec, PartialHeadsWaitAndBadOnesSayWhy) {
  HttpHead h;
  size_t len = 0;
  std::string why;
  EXPECT_EQ(ParseHttpHead("POST / HTTP/1.1\r\nContent-Le", false, &h, &len, &why),
            HttpParse::kNeedMore);
  const std::pair<std::string, std::string> bad[] = {
      {"GET / HTTP/1.1\r\n\r\n", "POST"},
      {"POST / HTTP/2\r\n\r\n", "POST"},
      {"POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "Content-Length"},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "Content-Length"},
      {"POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", "two"},
      {"POST / HTTP/1.1\r\n: nameless\r\n\r\n", "name"},
      {"POST / HTTP/1.1\r\nX-Archload-Sojourn-Ns: soon\r\n\r\n", "Sojourn"},
  };
  for (const auto& [text, what] : bad) {
    why.clear();
    EXPECT_EQ(ParseHttpHead(text, false, &h, &len, &why), HttpParse::kBad) << text;
    EXPECT_NE(why.find(what), std::string::npos) << text << ": " << why;
  }
  // A head that never ends is refused once it passes 8 KiB, not buffered.
  EXPECT_EQ(ParseHttpHead("POST / HTTP/1.1\r\nX: " + std::string(9000, 'a'), false, &h, &len, &why),
            HttpParse::kBad);
  EXPECT_EQ(ParseHttpHead("HTTP/1.1 2000 OK\r\n\r\n", true, &h, &len, &why), HttpParse::kBad);
  EXPECT_EQ(
      ParseHttpHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true, &h, &len, &why),
      HttpParse::kDone);
  EXPECT_TRUE(h.chunked);
}

TEST(HttpCodec, ServerNamesThatAreNotOursAreRefused) {
  int g = 0;
  uint32_t i = 0;
  for (const char* name :
       {"", "s", "s1", "s_1", "s1_", "x1_2", "s-1_2", "s1_2x", "s1_99999999999"}) {
    EXPECT_FALSE(http::ParseServerName(name, &g, &i)) << name;
  }
}

}  // namespace
}  // namespace archload::agent

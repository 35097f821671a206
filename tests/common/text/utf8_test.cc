#include "common/text/utf8.h"

#include <gtest/gtest.h>

namespace archload::text {
namespace {

std::optional<char32_t> DecodeOne(std::string_view s) {
  size_t pos = 0;
  auto cp = DecodeUtf8(s, pos);
  if (cp && pos != s.size()) return std::nullopt;
  return cp;
}

TEST(Utf8, DecodesEveryLength) {
  EXPECT_EQ(DecodeOne("A"), U'A');
  EXPECT_EQ(DecodeOne("\xC3\xA9"), U'\u00E9');
  EXPECT_EQ(DecodeOne("\xE2\x86\x92"), U'\u2192');
  EXPECT_EQ(DecodeOne("\xF0\x9F\x93\x9A"), U'\U0001F4DA');
  EXPECT_EQ(DecodeOne("\xF4\x8F\xBF\xBF"), U'\U0010FFFF');
}

// What YAML (and so the loader and the importer, which now refuse it) cannot hold: found when
// tests/fuzz/seed_fuzz wrote such bytes into a problem and the emitted YAML read back changed.
TEST(Utf8, RefusesOverlongSurrogatesAndTooLarge) {
  EXPECT_FALSE(DecodeOne("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(DecodeOne("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(DecodeOne("\xF0\x80\x80\xAF"));  // overlong '/'
  EXPECT_FALSE(DecodeOne("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(DecodeOne("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(DecodeOne("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(DecodeOne("\xC3"));  // cut short
  EXPECT_FALSE(DecodeOne("\x80"));  // a continuation byte alone
}

TEST(Utf8, FirstInvalidNamesTheOffset) {
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("ok \xE2\x86\x92 fine"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("ab\xC3(cd"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x86\x92\xED\xA0\x80"), 3u);
}

}  // namespace
}  // namespace archload::text

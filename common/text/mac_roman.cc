#include "common/text/mac_roman.h"

#include <array>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "common/text/utf8.h"

namespace archload::text {
namespace {

// Unicode code points of Mac Roman bytes 0x80..0xFF (bytes below 0x80 are ASCII).
constexpr std::array<char32_t, 128> kMacRomanHigh = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,  //
    0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,  //
    0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,  //
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,  //
    0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,  //
    0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,  //
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,  //
    0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,  //
    0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,  //
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,  //
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,  //
    0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,  //
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,  //
    0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,  //
    0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,  //
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
};

const std::unordered_map<char32_t, unsigned char>& ReverseTable() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<char32_t, unsigned char>();
    for (size_t i = 0; i < kMacRomanHigh.size(); ++i) {
      (*t)[kMacRomanHigh[i]] = static_cast<unsigned char>(0x80 + i);
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::string RepairMacRomanMojibake(std::string_view mojibake) {
  const auto& reverse = ReverseTable();
  std::string bytes;
  bytes.reserve(mojibake.size());
  size_t pos = 0;
  while (pos < mojibake.size()) {
    const size_t at = pos;
    auto cp = DecodeUtf8(mojibake, pos);
    if (!cp) throw std::runtime_error("malformed UTF-8 at byte " + std::to_string(at));
    if (*cp < 0x80) {
      bytes.push_back(static_cast<char>(*cp));
      continue;
    }
    auto it = reverse.find(*cp);
    if (it == reverse.end()) {
      throw std::runtime_error("code point U+" + std::to_string(static_cast<uint32_t>(*cp)) +
                               " at byte " + std::to_string(at) +
                               " has no Mac Roman byte: the text is not Mac Roman mojibake");
    }
    bytes.push_back(static_cast<char>(it->second));
  }
  // The recovered bytes must themselves be valid UTF-8, or the guess was wrong.
  size_t check = 0;
  while (check < bytes.size()) {
    const size_t at = check;
    if (!DecodeUtf8(bytes, check)) {
      throw std::runtime_error("repaired text is not valid UTF-8 near byte " + std::to_string(at));
    }
  }
  return bytes;
}

}  // namespace archload::text

#pragma once

// Just enough PNG decoding for tests to look at a screenshot: 8-bit RGB or RGBA, not
// interlaced (what Chromium writes), inflated with zlib and unfiltered row by row.

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace archload::testing {

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;  // 3 bytes per pixel, row by row
};

inline std::optional<Image> DecodePng(const std::string& png, std::string* why = nullptr) {
  auto fail = [&](const std::string& w) -> std::optional<Image> {
    if (why) *why = w;
    return std::nullopt;
  };
  static const std::string kSignature("\x89PNG\r\n\x1a\n", 8);
  if (png.compare(0, 8, kSignature) != 0) return fail("not a PNG signature");
  auto be32 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<uint8_t>(png[at])) << 24 |
           static_cast<uint32_t>(static_cast<uint8_t>(png[at + 1])) << 16 |
           static_cast<uint32_t>(static_cast<uint8_t>(png[at + 2])) << 8 |
           static_cast<uint32_t>(static_cast<uint8_t>(png[at + 3]));
  };
  Image img;
  int channels = 0;
  std::string idat;
  for (size_t pos = 8; pos + 12 <= png.size();) {
    const uint32_t len = be32(pos);
    const std::string type = png.substr(pos + 4, 4);
    if (pos + 12 + len > png.size()) return fail("truncated chunk " + type);
    const size_t data = pos + 8;
    if (type == "IHDR") {
      img.width = be32(data);
      img.height = be32(data + 4);
      const int depth = static_cast<uint8_t>(png[data + 8]);
      const int color = static_cast<uint8_t>(png[data + 9]);
      const int interlace = static_cast<uint8_t>(png[data + 12]);
      if (depth != 8 || (color != 2 && color != 6) || interlace != 0) {
        return fail("unsupported PNG (depth " + std::to_string(depth) + ", colour type " +
                    std::to_string(color) + ", interlace " + std::to_string(interlace) + ")");
      }
      channels = color == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      idat.append(png, data, len);
    } else if (type == "IEND") {
      break;
    }
    pos += 12 + len;
  }
  if (channels == 0 || img.width == 0 || img.height == 0) return fail("no image header");
  const size_t stride = static_cast<size_t>(img.width) * channels;
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
          Z_OK ||
      raw_len != raw.size()) {
    return fail("image data does not inflate to its size");
  }
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  img.rgb.reserve(static_cast<size_t>(img.width) * img.height * 3);
  for (uint32_t y = 0; y < img.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(channels) ? cur[i - channels] : 0;
      const int b = prev[i];
      const int c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      int pred = 0;
      switch (filter) {
        case 0:
          pred = 0;
          break;
        case 1:
          pred = a;
          break;
        case 2:
          pred = b;
          break;
        case 3:
          pred = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          return fail("bad filter type " + std::to_string(filter));
      }
      cur[i] = static_cast<uint8_t>(in[i] + pred);
    }
    for (uint32_t x = 0; x < img.width; ++x) {
      for (int k = 0; k < 3; ++k) img.rgb.push_back(cur[x * channels + k]);
    }
    std::swap(prev, cur);
  }
  return img;
}

}  // namespace archload::testing

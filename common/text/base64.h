#pragma once

// Standard base64 (RFC 4648, with padding): how binary forms such as a serialized histogram
// travel inside JSON reports.

#include <optional>
#include <string>
#include <string_view>

namespace archload::text {

std::string Base64Encode(std::string_view bytes);
// nullopt on anything but canonical padded base64 (bad characters, length, padding).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace archload::text

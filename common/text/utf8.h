#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace archload::text {

// Decodes one code point at text[pos]; advances pos. Returns nullopt on malformed UTF-8
// (including overlong forms, surrogates and code points past U+10FFFF).
std::optional<char32_t> DecodeUtf8(std::string_view text, size_t& pos);

// The byte offset of the first malformed sequence; nullopt when all of `text` is UTF-8.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

void AppendUtf8(std::string& out, char32_t cp);

// Pictographs and dingbats that decorate titles in the seed ("📚 Tutorial 1", "T0: 🎯 Basic").
bool IsDecorativeSymbol(char32_t cp);

// Removes decorative symbols (and the space they leave) so titles read well in a table.
std::string StripDecorations(std::string_view text);

std::string Trim(std::string_view text);

}  // namespace archload::text

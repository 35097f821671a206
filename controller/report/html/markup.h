#pragma once

// The few things every piece of the HTML report needs: escaping (every string from a report or
// a design goes through Escape before it reaches the page), numbers for SVG coordinates, and
// safe reads of a report's JSON (a hand-edited or older report must render what it has, not
// throw).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace archload::report::html {

// For text and attribute values: & < > " ' become entities.
std::string Escape(std::string_view text);

// An SVG coordinate or length, one decimal; 0 for anything not finite (never "nan").
std::string Coord(double v);

// A number for a data attribute: up to 6 significant digits; 0 for anything not finite.
std::string Number(double v);

// A short figure for an axis tick or a label: 0.25, 12.5, 950, 1.2k, 3.4M.
std::string Short(double v);

using Json = nlohmann::json;

// The number at j[key]; none when absent, null or not a number.
std::optional<double> NumberAt(const Json& j, std::string_view key);
// The number in j itself; none when null or not a number.
std::optional<double> AsNumber(const Json& j);
// The string at j[key]; `fallback` when absent or not a string.
std::string TextAt(const Json& j, std::string_view key, std::string fallback = "");
bool BoolAt(const Json& j, std::string_view key, bool fallback = false);
// j[key] when it is an array / object; an empty one otherwise.
const Json& ArrayAt(const Json& j, std::string_view key);
const Json& ObjectAt(const Json& j, std::string_view key);

}  // namespace archload::report::html

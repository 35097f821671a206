#include "controller/report/html/markup.h"

#include <cmath>
#include <cstdio>

namespace archload::report::html {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Coord(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return std::string(buf) == "-0.0" ? "0.0" : buf;
}

std::string Number(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Short(double v) {
  if (!std::isfinite(v)) return "∞";
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.3gG", v / 1e9);
  } else if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  } else if (a >= 1000) {
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

namespace {
const Json* Field(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
}  // namespace

std::optional<double> AsNumber(const Json& j) {
  if (!j.is_number()) return std::nullopt;
  const double v = j.get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::optional<double> NumberAt(const Json& j, std::string_view key) {
  const Json* f = Field(j, key);
  return f ? AsNumber(*f) : std::nullopt;
}

std::string TextAt(const Json& j, std::string_view key, std::string fallback) {
  const Json* f = Field(j, key);
  return f && f->is_string() ? f->get<std::string>() : fallback;
}

bool BoolAt(const Json& j, std::string_view key, bool fallback) {
  const Json* f = Field(j, key);
  return f && f->is_boolean() ? f->get<bool>() : fallback;
}

const Json& ArrayAt(const Json& j, std::string_view key) {
  static const Json kEmpty = Json::array();
  const Json* f = Field(j, key);
  return f && f->is_array() ? *f : kEmpty;
}

const Json& ObjectAt(const Json& j, std::string_view key) {
  static const Json kEmpty = Json::object();
  const Json* f = Field(j, key);
  return f && f->is_object() ? *f : kEmpty;
}

}  // namespace archload::report::html

#pragma once

// The schema loader's reader (common/spec/spec_loader.cc): typed fields from YAML nodes, every
// mistake a SpecError naming the file, the line and the field. Internal to common/spec: the
// loader's parts (components, faults, tiers) share it.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/spec/spec_yaml.h"
#include "common/text/utf8.h"

namespace archload::spec::internal {

// Reads typed fields from YAML nodes and turns every mistake into a SpecError with a line.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& field,
                         const std::string& message) const {
    throw SpecError(source_, node.IsDefined() ? node.Mark().line + 1 : 0, field, message);
  }

  void ExpectMap(const YAML::Node& node, const std::string& field) const {
    if (!node.IsMap()) Fail(node, field, "expected a mapping");
  }
  void ExpectSeq(const YAML::Node& node, const std::string& field) const {
    if (!node.IsSequence()) Fail(node, field, "expected a list");
  }

  // Rejects keys outside `allowed`, which catches typos such as `hitrate:`.
  void OnlyKeys(const YAML::Node& map, const std::string& field,
                std::initializer_list<const char*> allowed) const {
    for (const auto& kv : map) {
      // `? [a, b]: c` makes a list a key; as<std::string>() would throw past the SpecError net.
      if (!kv.first.IsScalar()) Fail(kv.first, field, "expected a field name, not a list or map");
      const std::string key = kv.first.as<std::string>();
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) {
        std::string list;
        for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
        Fail(kv.first, Join(field, key), "unknown field (expected one of: " + list + ")");
      }
    }
  }

  std::string Str(const YAML::Node& map, const std::string& parent, const char* key,
                  bool required) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
      if (required) Fail(map, Join(parent, key), "missing required field");
      return "";
    }
    if (!n.IsScalar()) Fail(n, Join(parent, key), "expected text");
    return n.as<std::string>();
  }

  std::optional<double> Num(const YAML::Node& map, const std::string& parent, const char* key,
                            double min, double max) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    const std::string field = Join(parent, key);
    if (!n.IsScalar()) Fail(n, field, "expected a number");
    auto v = ParseScaledNumber(n.as<std::string>());
    if (!v) {
      // Also accept "0.9", "-1", "1e3" forms that ParseScaledNumber leaves to strtod.
      const std::string s = n.as<std::string>();
      char* end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end != '\0') Fail(n, field, "expected a number, got '" + s + "'");
      v = d;
    }
    if (!std::isfinite(*v) || *v < min || *v > max) {
      Fail(n, field,
           "value " + n.as<std::string>() + " is out of range [" + FormatNumber(min) + ", " +
               FormatNumber(max) + "]");
    }
    return v;
  }

  std::optional<int> Int(const YAML::Node& map, const std::string& parent, const char* key, int min,
                         int max) const {
    auto v = Num(map, parent, key, min, max);
    if (!v) return std::nullopt;
    if (*v != std::floor(*v)) Fail(map[key], Join(parent, key), "expected a whole number");
    return static_cast<int>(*v);
  }

  bool Bool(const YAML::Node& map, const std::string& parent, const char* key) const {
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return false;
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      Fail(n, Join(parent, key), "expected true or false");
    }
  }

  std::vector<std::string> StrList(const YAML::Node& map, const std::string& parent,
                                   const char* key) const {
    std::vector<std::string> out;
    const YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return out;
    ExpectSeq(n, Join(parent, key));
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) Fail(n[i], Index(Join(parent, key), i), "expected text");
      out.push_back(n[i].as<std::string>());
    }
    return out;
  }

  static std::string Join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }
  static std::string Index(const std::string& field, size_t i) {
    return field + "[" + std::to_string(i) + "]";
  }

 private:
  std::string source_;
};

}  // namespace archload::spec::internal

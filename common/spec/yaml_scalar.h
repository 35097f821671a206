#pragma once

// A string written so that YAML reads it back as it was. yaml-cpp writes a string holding a
// lone carriage return as a plain scalar with the CR raw, and reads it back without it (found by
// yaml_fuzz: an id of "\r\r"); such a string is double-quoted, where the CR is an escape. Other
// control characters yaml-cpp already double-quotes.

#include <yaml-cpp/yaml.h>

#include <string>

namespace archload::spec {

struct Scalar {
  const std::string& text;
};

inline YAML::Emitter& operator<<(YAML::Emitter& out, const Scalar& s) {
  if (s.text.find('\r') != std::string::npos) out << YAML::DoubleQuoted;
  return out << s.text;
}

}  // namespace archload::spec

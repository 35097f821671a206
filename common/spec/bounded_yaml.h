#pragma once

// The one way archload reads YAML: problem and design files, and any other YAML input (a hosts
// file). Bounded in size before parsing and in nodes (aliases counted at each use) and depth
// after it, with repeated and non-text keys refused; the limits are in spec_yaml.h and
// docs/spec.md.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

namespace archload::spec {

// Throws SpecError naming `source`, the line and the field path of the first problem.
YAML::Node LoadBoundedYaml(const std::string& text, const std::string& source);

// Reads at most kMaxYamlBytes + 1 bytes of the file, then as LoadBoundedYaml.
YAML::Node LoadBoundedYamlFile(const std::filesystem::path& path);

// The file's text, refused (SpecError) past kMaxYamlBytes without reading further.
std::string ReadBoundedYamlText(const std::filesystem::path& path);

}  // namespace archload::spec

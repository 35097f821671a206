#include "common/spec/bounded_yaml.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "common/spec/spec_error.h"
#include "common/spec/spec_yaml.h"
#include "common/text/utf8.h"

namespace archload::spec {

namespace {

// Field paths as the loader writes them: "design.components[2].count".
std::string Join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
std::string Index(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// yaml-cpp reads bytes that are not UTF-8 as they are, but writes them back as U+FFFD, so such
// a file would change text on `plan --write-design`. YAML files are UTF-8.
// Nor may a YAML file hold a raw control character other than tab, line feed and carriage return
// (YAML's printable set): yaml-cpp takes them, but not faithfully (a NUL in a `|` block read as
// byte 0xA0, found by yaml_fuzz). In a double-quoted string they are written as escapes ("\x00"),
// which is how archload's emitter writes them.
void RequireYamlText(const std::string& text, const std::string& source) {
  int line = 1;
  for (size_t pos = 0; pos < text.size();) {
    const size_t at = pos;
    const auto c = text::DecodeUtf8(text, pos);
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
    if (!c) {
      throw SpecError(source, line, "",
                      std::string("the file is not UTF-8 (byte ") + byte + "): save it as UTF-8");
    }
    if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') {
      throw SpecError(source, line, "",
                      std::string("a raw control character (byte ") + byte +
                          ") cannot be in a YAML file: write it as an escape in a double-quoted "
                          "string (\"\\x" +
                          std::string(byte + 2) + "\")");
    }
    if (text[at] == '\n') ++line;
  }
}

[[noreturn]] void FailTooLarge(const std::string& source, const std::string& size) {
  throw SpecError(source, 0, "",
                  "the file is " + size + " bytes, over the limit of " +
                      std::to_string(kMaxYamlBytes) + " bytes for a YAML file");
}

// One pass over the parsed tree before any field is read. yaml-cpp shares an aliased node instead
// of copying it, so parsing an alias bomb is cheap, but every reader after it (this loader, the
// planner) would visit the expansion node by node; the walk counts aliases each time they are
// reached and stops at kMaxYamlNodes. It also refuses repeated keys, which yaml-cpp accepts
// (lookups then see only the first), and keys that are not text.
class ShapeCheck {
 public:
  explicit ShapeCheck(std::string source) : source_(std::move(source)) {}

  void Visit(const YAML::Node& node, const std::string& field, int depth) {
    Count(node, field);
    if (depth > kMaxYamlDepth) {
      Fail(node, field,
           "lists and mappings nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
    }
    if (node.IsSequence()) {
      size_t i = 0;
      for (const auto& item : node) Visit(item, Index(field, i++), depth + 1);
    } else if (node.IsMap()) {
      VisitMap(node, field, depth);
    }
  }

 private:
  void Count(const YAML::Node& node, const std::string& field) {
    if (++nodes_ > kMaxYamlNodes) {
      Fail(node, field,
           "the document expands to more than " + std::to_string(kMaxYamlNodes) +
               " YAML nodes (an alias counts its anchor's nodes each time it is used)");
    }
  }

  void VisitMap(const YAML::Node& map, const std::string& field, int depth) {
    std::map<std::string, int> first_line;  // key -> line of its first occurrence
    for (const auto& kv : map) {
      Count(kv.first, field);
      if (!kv.first.IsScalar()) {
        Fail(kv.first, field, "a key must be text, not a list, a mapping or empty");
      }
      const std::string key = kv.first.Scalar();
      const std::string path = Join(field, key);
      const int line = kv.first.Mark().line + 1;
      if (const auto [it, fresh] = first_line.emplace(key, line); !fresh) {
        Fail(kv.first, path,
             "duplicate key (first given at line " + std::to_string(it->second) +
                 "): remove one of them");
      }
      Visit(kv.second, path, depth + 1);
    }
  }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& field,
                         const std::string& message) const {
    throw SpecError(source_, node.IsDefined() ? node.Mark().line + 1 : 0, field, message);
  }

  std::string source_;
  size_t nodes_ = 0;
};

}  // namespace

// Reads at most one byte past the limit rather than trust the file's stated size (a pipe or a
// file still being written has none, or a wrong one).
std::string ReadBoundedYamlText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SpecError(path.string(), 0, "", "cannot open file");
  std::string text(kMaxYamlBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxYamlBytes) {
    FailTooLarge(path.string(), "more than " + std::to_string(kMaxYamlBytes));
  }
  return text;
}

YAML::Node LoadBoundedYaml(const std::string& text, const std::string& source) {
  // Checked before parsing: yaml-cpp's time and memory grow with the text (0.8 s and 250 MB for
  // 1 MiB of short list items).
  if (text.size() > kMaxYamlBytes) FailTooLarge(source, std::to_string(text.size()));
  RequireYamlText(text, source);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw SpecError(source, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "malformed YAML: " + e.msg);
  }
  ShapeCheck(source).Visit(root, "", 0);
  return root;
}

YAML::Node LoadBoundedYamlFile(const std::filesystem::path& path) {
  return LoadBoundedYaml(ReadBoundedYamlText(path), path.string());
}

}  // namespace archload::spec

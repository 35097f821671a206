#pragma once

#include <stdexcept>
#include <string>

namespace archload::spec {

// Bad input: names the file, the 1-based line (0 when unknown) and the field path
// ("design.components[2].count"), so a user can go straight to the mistake.
class SpecError : public std::runtime_error {
 public:
  SpecError(std::string file, int line, std::string field, const std::string& message)
      : std::runtime_error(Format(file, line, field, message)),
        file_(std::move(file)),
        line_(line),
        field_(std::move(field)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& field() const { return field_; }

 private:
  static std::string Format(const std::string& file, int line, const std::string& field,
                            const std::string& message) {
    std::string out = file.empty() ? "<input>" : file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
    if (!field.empty()) out += "field '" + field + "': ";
    return out + message;
  }

  std::string file_;
  int line_;
  std::string field_;
};

}  // namespace archload::spec

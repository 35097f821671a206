#include "controller/catalog/seed_importer.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "common/spec/nfr_parser.h"
#include "common/spec/roles.h"
#include "common/spec/spec_yaml.h"
#include "common/text/mac_roman.h"
#include "common/text/utf8.h"
#include "controller/catalog/design_synthesizer.h"

namespace archload::catalog {
namespace {

struct Line {
  std::string text;
  int number;  // 1-based line in the seed
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  int n = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back({std::string(l), n++});
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::string_view(s).substr(0, prefix.size()) == prefix;
}

// "## 12. Title" starts a problem; other "## " lines inside a problem do not.
bool IsProblemHeader(const std::string& line) {
  if (!StartsWith(line, "## ")) return false;
  size_t i = 3;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  return i > 3 && i + 1 < line.size() && line[i] == '.' && line[i + 1] == ' ';
}

// One problem's lines, cut into "### Section" bodies.
class ProblemText {
 public:
  ProblemText(std::vector<Line> lines, std::string source)
      : lines_(std::move(lines)), source_(std::move(source)) {
    std::string current;
    for (size_t i = 1; i < lines_.size(); ++i) {
      if (StartsWith(lines_[i].text, "### ")) {
        current = text::Trim(lines_[i].text.substr(4));
        if (!sections_.count(current)) sections_[current] = {};
        continue;
      }
      if (!current.empty()) sections_[current].push_back(lines_[i]);
    }
  }

  const Line& Header() const { return lines_.front(); }

  std::string Field(const std::string& name) const {
    const std::string prefix = "**" + name + ":**";
    for (const auto& l : lines_) {
      if (StartsWith(l.text, "### ")) break;
      if (StartsWith(l.text, prefix)) return text::Trim(l.text.substr(prefix.size()));
    }
    return "";
  }

  const std::vector<Line>& Section(const std::string& name) const {
    static const std::vector<Line> kEmpty;
    auto it = sections_.find(name);
    return it == sections_.end() ? kEmpty : it->second;
  }

  std::string SectionText(const std::string& name) const {
    std::string out;
    for (const auto& l : Section(name)) {
      if (!out.empty()) out += "\n";
      out += l.text;
    }
    // Section bodies end with a "---" rule before the next problem; it is not content.
    std::string trimmed = text::Trim(out);
    if (trimmed.size() >= 3 && trimmed.substr(trimmed.size() - 3) == "---") {
      trimmed = text::Trim(trimmed.substr(0, trimmed.size() - 3));
    }
    // Multi-line text ends in a line break, as the literal block (|) the catalog file holds it
    // in reads back: importing and loading then give the same text.
    if (trimmed.find('\n') != std::string::npos) trimmed += '\n';
    return trimmed;
  }

  std::vector<std::string> Bullets(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& l : Section(name)) {
      if (StartsWith(l.text, "- ")) out.push_back(text::Trim(l.text.substr(2)));
    }
    return out;
  }

  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw std::runtime_error(source_ + ":" + std::to_string(line) + ": " + message);
  }

 private:
  std::vector<Line> lines_;
  std::string source_;
  std::map<std::string, std::vector<Line>> sections_;
};

// "- **Latency:** P99 < 200ms" -> {"Latency", "P99 < 200ms"}
bool SplitBoldKey(const std::string& bullet, std::string* key, std::string* value) {
  static const std::regex kBold(R"(^\*\*(.+?):\*\*\s*(.*)$)");
  std::smatch m;
  if (!std::regex_match(bullet, m, kBold)) return false;
  *key = text::Trim(m[1].str());
  *value = text::Trim(m[2].str());
  return true;
}

std::vector<spec::Tier> ParseTiers(const ProblemText& p) {
  static const std::regex kMin(R"(^Minimum\s+(\d+)\s+of type:\s*(\S+)$)");
  std::vector<spec::Tier> tiers;
  for (const auto& l : p.Section("Tiers/Checkpoints")) {
    const std::string t = text::Trim(l.text);
    if (StartsWith(t, "**") && t.size() > 4 && t.substr(t.size() - 2) == "**") {
      tiers.push_back({text::StripDecorations(t.substr(2, t.size() - 4)), {}});
      continue;
    }
    if (!StartsWith(t, "- ")) continue;
    if (tiers.empty()) p.Fail(l.number, "tier check before any tier heading");
    const std::string check = text::Trim(t.substr(2));
    spec::TierCheck c;
    c.raw = check;
    std::smatch m;
    if (StartsWith(check, "Must include:")) {
      c.kind = spec::CheckKind::kMustInclude;
      c.type = text::Trim(check.substr(13));
    } else if (StartsWith(check, "Must have connection from:")) {
      c.kind = spec::CheckKind::kConnectionFrom;
      c.type = text::Trim(check.substr(26));
    } else if (StartsWith(check, "Parameter range check:")) {
      c.kind = spec::CheckKind::kParamRange;
      c.param = text::Trim(check.substr(22));
      if (c.param.find('.') == std::string::npos) {
        p.Fail(l.number, "parameter range check '" + c.param + "' is not <type>.<parameter>");
      }
    } else if (std::regex_match(check, m, kMin)) {
      c.kind = spec::CheckKind::kMinCount;
      // The loader's bound; std::stoi would throw std::out_of_range past INT_MAX.
      constexpr int kMaxMinCount = 1000000;
      std::string digits = m[1].str();
      digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
      if (digits.size() > 7 || std::stoi(digits) > kMaxMinCount) {
        p.Fail(l.number, "minimum count " + digits + " is above " + std::to_string(kMaxMinCount));
      }
      c.min_count = std::stoi(digits);
      c.type = m[2].str();
    } else {
      p.Fail(l.number, "unrecognised tier check '" + check + "'");
    }
    tiers.back().checks.push_back(std::move(c));
  }
  return tiers;
}

std::optional<spec::Design> ParseReference(const ProblemText& p,
                                           std::vector<std::string>* warnings) {
  static const std::regex kComponent(R"(^- (.+) \(([A-Za-z0-9_]+)\)\s*$)");
  static const std::string kArrow = "\xE2\x86\x92";  // →
  const auto& lines = p.Section("Reference Solution");
  enum { kNone, kComponents, kConnections } block = kNone;
  spec::Design d;
  bool any = false;
  int components_line = 0;
  std::set<std::string> unknown;
  for (const auto& l : lines) {
    const std::string t = text::Trim(l.text);
    if (t == "**Components:**") {
      block = kComponents;
      any = true;
      components_line = l.number;
      continue;
    }
    if (t == "**Connections:**") {
      block = kConnections;
      continue;
    }
    if (!StartsWith(t, "- ")) {
      if (!t.empty()) block = kNone;
      continue;
    }
    std::smatch m;
    if (block == kComponents) {
      if (!std::regex_match(t, m, kComponent)) p.Fail(l.number, "component without a (type)");
      spec::Component c;
      c.name = text::Trim(m[1].str());
      c.type = m[2].str();
      if (d.Find(c.name) != nullptr) {
        p.Fail(l.number, "duplicate component name '" + c.name + "'");
      }
      const auto lookup = spec::RoleForType(c.type);
      c.role = lookup.role;
      if (!lookup.known) unknown.insert(c.type);
      d.components.push_back(std::move(c));
    } else if (block == kConnections) {
      const size_t arrow = t.find(kArrow);
      if (arrow == std::string::npos) p.Fail(l.number, "connection without an arrow");
      spec::Connection c;
      c.from = text::Trim(t.substr(2, arrow - 2));
      c.to = text::Trim(t.substr(arrow + kArrow.size()));
      for (const auto* end : {&c.from, &c.to}) {
        if (d.Find(*end) == nullptr) {
          p.Fail(l.number, "connection names '" + *end + "', which is not a listed component");
        }
      }
      d.connections.push_back(std::move(c));
    }
  }
  for (const auto& u : unknown) {
    warnings->push_back("unknown component type '" + u + "' runs as a service");
  }
  if (!any) return std::nullopt;
  // The loader refuses a design without components: say so here, where the seed's line is known.
  if (d.components.empty()) p.Fail(components_line, "the reference solution lists no components");
  return d;
}

spec::Problem ParseProblem(const ProblemText& p, std::vector<std::string>* warnings) {
  static const std::regex kHeader(R"(^## \d+\.\s+(.*)$)");
  spec::Problem out;
  std::smatch m;
  const std::string header = p.Header().text;
  if (std::regex_match(header, m, kHeader)) out.title = text::StripDecorations(m[1].str());
  out.id = p.Field("ID");
  if (out.id.empty()) p.Fail(p.Header().number, "problem has no **ID:** line");
  // Both name a file or directory of the catalog WriteCatalog writes (and the loader holds ids
  // to the same rule).
  if (out.id.find_first_of(std::string("/\\ \t\0", 5)) != std::string::npos) {
    p.Fail(p.Header().number, "problem id '" + out.id + "' holds a space or a slash");
  }
  out.category = p.Field("Category");
  if (out.category == "." || out.category == ".." ||
      out.category.find_first_of(std::string("/\\\0", 3)) != std::string::npos) {
    p.Fail(p.Header().number, "category '" + out.category + "' is not a directory name");
  }
  out.difficulty = p.Field("Difficulty");
  out.summary = p.SectionText("Summary");
  out.goal = p.SectionText("Goal");
  out.description = p.SectionText("Description");
  out.functional_requirements = p.Bullets("Functional Requirements");
  for (const auto& b : p.Bullets("Non-Functional Requirements")) {
    std::string key, value;
    if (SplitBoldKey(b, &key, &value)) out.nfrs.push_back(spec::ParseNfr(key, value));
  }
  // Constants are a mapping in the problem file, where a repeated key is an error: refuse it here,
  // naming the seed line, rather than write a file that does not load (found by seed_fuzz).
  std::map<std::string, int> constant_lines;
  for (const auto& l : p.Section("Constants/Assumptions")) {
    if (!StartsWith(l.text, "- ")) continue;
    std::string key, value;
    if (!SplitBoldKey(text::Trim(l.text.substr(2)), &key, &value)) continue;
    const auto [first, added] = constant_lines.emplace(key, l.number);
    if (!added) {
      p.Fail(l.number, "duplicate constant '" + key + "' (first given at line " +
                           std::to_string(first->second) + ")");
    }
    spec::Constant c;
    c.key = key;
    c.number = spec::ParseScaledNumber(value);
    if (!c.number) {
      char* end = nullptr;
      const double d = std::strtod(value.c_str(), &end);
      if (!value.empty() && end != value.c_str() && *end == '\0') c.number = d;
    }
    if (!c.number) c.text = value;
    out.constants.push_back(std::move(c));
  }
  out.available_components = p.Bullets("Available Components");
  out.tiers = ParseTiers(p);
  std::vector<std::string> local;
  out.design = ParseReference(p, &local);
  if (!out.design) out.design = SynthesizeDesign(out.available_components, &local);
  for (auto& w : local) warnings->push_back(out.id + ": " + w);
  return out;
}

}  // namespace

ImportResult ImportSeed(std::string_view seed_text, const std::string& source_name) {
  // Mojibake repair is tried, not guessed: genuine UTF-8 either holds a code point Mac Roman
  // lacks (emoji, CJK) or does not decode back into valid UTF-8, and is then kept as it is.
  std::string repaired;
  try {
    repaired = text::RepairMacRomanMojibake(seed_text);
    seed_text = repaired;
  } catch (const std::runtime_error&) {
  }
  // Text that is not UTF-8 cannot be written into YAML and read back the same.
  if (const auto bad = text::FirstInvalidUtf8(seed_text)) {
    const auto line = 1 + std::count(seed_text.begin(), seed_text.begin() + *bad, '\n');
    throw std::runtime_error(source_name + ":" + std::to_string(line) + ": not valid UTF-8 (byte " +
                             std::to_string(*bad) + ")");
  }
  const auto lines = SplitLines(seed_text);
  ImportResult result;
  std::vector<Line> current;
  std::set<std::string> ids;
  auto flush = [&] {
    if (current.empty()) return;
    ProblemText p(std::move(current), source_name);
    spec::Problem problem = ParseProblem(p, &result.warnings);
    if (!ids.insert(problem.id).second) {
      p.Fail(p.Header().number, "duplicate problem id '" + problem.id + "'");
    }
    result.problems.push_back(std::move(problem));
    current.clear();
  };
  for (const auto& l : lines) {
    const bool starts = IsProblemHeader(l.text);
    if (starts) flush();
    if (starts || !current.empty()) current.push_back(l);
  }
  flush();
  return result;
}

std::vector<std::filesystem::path> WriteCatalog(const std::vector<spec::Problem>& problems,
                                                const std::filesystem::path& out_dir) {
  std::vector<std::filesystem::path> written;
  for (const auto& p : problems) {
    const std::string category = p.category.empty() ? "uncategorized" : p.category;
    const auto dir = out_dir / category;
    std::filesystem::create_directories(dir);
    const auto path = dir / (p.id + ".yaml");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path.string() + ": cannot write");
    out << spec::EmitProblemYaml(p);
    if (!out) throw std::runtime_error(path.string() + ": write failed");
    written.push_back(path);
  }
  return written;
}

}  // namespace archload::catalog

#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace archload::report {

// A plain text table: columns sized to their widest cell (in code points, so "→" and "✓" align),
// numbers right-aligned when the column is marked numeric.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, std::vector<bool> numeric = {});
  void AddRow(std::vector<std::string> cells);
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;
};

size_t DisplayWidth(const std::string& s);

// Human figures: 1234567 -> "1.23M", 0.8333 -> "83%".
std::string HumanRate(double per_second);
std::string Percent(double fraction);
std::string Ms(double ms);
// An NFR figure in its unit: "54.0 ms", "998 req/s", "0.9996"; "-" for none.
std::string NfrFigure(const std::string& unit, std::optional<double> v);

}  // namespace archload::report

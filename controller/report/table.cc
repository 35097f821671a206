#include "controller/report/table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace archload::report {

size_t DisplayWidth(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++w;  // count lead bytes only
  }
  return w;
}

Table::Table(std::vector<std::string> headers, std::vector<bool> numeric)
    : headers_(std::move(headers)), numeric_(std::move(numeric)) {
  numeric_.resize(headers_.size(), false);
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i) widths[i] = DisplayWidth(headers_[i]);
  for (const auto& r : rows_) {
    for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(r[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i) {
      const size_t pad = widths[i] - DisplayWidth(cells[i]);
      if (i > 0) s += "  ";
      if (numeric_[i])
        s += std::string(pad, ' ') + cells[i];
      else if (i + 1 < cells.size())
        s += cells[i] + std::string(pad, ' ');
      else
        s += cells[i];
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line(headers_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows_) line(r);
}

std::string HumanRate(double v) {
  if (!std::isfinite(v)) return "∞";
  char buf[32];
  const double a = std::fabs(v);
  // Thresholds sit just below the next unit so 999,999 prints as "1M", not "1e+03k".
  if (a >= 999.5e6)
    std::snprintf(buf, sizeof buf, "%.3gB", v / 1e9);
  else if (a >= 999.5e3)
    std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  else if (a >= 1e4)
    std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  else if (a >= 100 || v == std::floor(v))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string Percent(double f) {
  if (!std::isfinite(f)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, f < 0.1 && f > 0 ? "%.1f%%" : "%.0f%%", f * 100);
  return buf;
}

std::string Ms(double ms) {
  if (!std::isfinite(ms)) return "∞";
  char buf[32];
  if (ms < 1)
    std::snprintf(buf, sizeof buf, "%.2f ms", ms);
  else if (ms < 100)
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  else
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  return buf;
}

std::string NfrFigure(const std::string& unit, std::optional<double> v) {
  if (!v) return "-";
  if (unit == "ms") return Ms(*v);
  if (unit == "req/s") return HumanRate(*v) + " req/s";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5g", *v);
  return buf;
}

}  // namespace archload::report

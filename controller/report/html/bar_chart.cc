#include "controller/report/html/bar_chart.h"

#include <algorithm>
#include <cmath>

#include "controller/report/html/markup.h"
#include "controller/report/html/scale.h"

namespace archload::report::html {

namespace {
constexpr double kWidth = 860, kLabelWidth = 210, kRight = 70, kTop = 34, kBottom = 44;
constexpr double kBar = 12, kRowGap = 10;
}  // namespace

size_t BarCount(const BarChart& c) {
  size_t n = 0;
  for (const auto& r : c.rows) {
    for (const auto& v : r.values) n += v.has_value();
  }
  return n;
}

std::string RenderBarChart(const BarChart& c, const std::string& id) {
  const size_t per_row = std::max<size_t>(1, c.series_names.size());
  const double row_h = per_row * kBar + kRowGap;
  const double height = kTop + kBottom + row_h * static_cast<double>(c.rows.size());
  double hi = c.max.value_or(0);
  for (const auto& r : c.rows) {
    for (const auto& v : r.values) {
      if (v && std::isfinite(*v)) hi = std::max(hi, *v);
    }
  }
  if (c.reference) hi = std::max(hi, *c.reference);
  const double x0 = kLabelWidth, x1 = kWidth - kRight;
  const Scale sx = Scale::Nice(0, hi > 0 ? hi : 1, x0, x1);
  const auto fmt = c.format ? c.format : Short;

  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + Coord(kWidth) + " " + Coord(height) +
                    "\" role=\"img\" aria-labelledby=\"" + Escape(id) + "-title\">";
  out += "<title id=\"" + Escape(id) + "-title\">" + Escape(c.title) + "</title>";
  out += "<g class=\"axes\">";
  for (double t : sx.Ticks(6)) {
    const double x = sx(t);
    out += "<line class=\"grid\" x1=\"" + Coord(x) + "\" y1=\"" + Coord(kTop - 4) + "\" x2=\"" +
           Coord(x) + "\" y2=\"" + Coord(height - kBottom) + "\"/>";
    out += "<text class=\"tick\" x=\"" + Coord(x) + "\" y=\"" + Coord(height - kBottom + 15) +
           "\" text-anchor=\"middle\">" + Escape(fmt(t)) + "</text>";
  }
  out += "<text class=\"axis-label\" x=\"" + Coord((x0 + x1) / 2) + "\" y=\"" + Coord(height - 8) +
         "\" text-anchor=\"middle\">" + Escape(c.value_label) + "</text>";
  out += "</g>";
  // Legend.
  double lx = x0;
  for (size_t s = 0; s < c.series_names.size(); ++s) {
    const std::string color = s < c.series_colors.size() ? c.series_colors[s] : "#888";
    out += "<rect x=\"" + Coord(lx) + "\" y=\"8\" width=\"14\" height=\"10\" fill=\"" +
           Escape(color) + "\"/><text class=\"legend-text\" x=\"" + Coord(lx + 19) +
           "\" y=\"17\">" + Escape(c.series_names[s]) + "</text>";
    lx += 40 + 6.6 * static_cast<double>(c.series_names[s].size());
  }
  for (size_t r = 0; r < c.rows.size(); ++r) {
    const auto& row = c.rows[r];
    const double top = kTop + row_h * static_cast<double>(r);
    std::string label = row.label.size() > 30 ? row.label.substr(0, 29) + "…" : row.label;
    if (row.highlight) label = "▲ " + label;
    out += "<text class=\"bar-label" + std::string(row.highlight ? " highlight" : "") + "\" x=\"" +
           Coord(x0 - 8) + "\" y=\"" + Coord(top + per_row * kBar / 2 + 4) +
           "\" text-anchor=\"end\"><title>" + Escape(row.label) + "</title>" + Escape(label) +
           "</text>";
    for (size_t s = 0; s < row.values.size() && s < per_row; ++s) {
      if (!row.values[s]) continue;
      const double v = std::isfinite(*row.values[s]) ? *row.values[s] : 0;
      const double y = top + static_cast<double>(s) * kBar;
      const std::string color = s < c.series_colors.size() ? c.series_colors[s] : "#888";
      out += "<rect class=\"bar\" data-value=\"" + Number(v) + "\" x=\"" + Coord(x0) + "\" y=\"" +
             Coord(y) + "\" width=\"" + Coord(sx(v) - x0) + "\" height=\"" + Coord(kBar - 2) +
             "\" fill=\"" + Escape(color) + "\"><title>" + Escape(row.label) + ", " +
             Escape(s < c.series_names.size() ? c.series_names[s] : "") + ": " + Escape(fmt(v)) +
             "</title></rect>";
      out += "<text class=\"bar-value\" x=\"" + Coord(sx(v) + 4) + "\" y=\"" + Coord(y + kBar - 3) +
             "\">" + Escape(fmt(v)) + "</text>";
    }
  }
  if (c.reference) {
    const double x = sx(*c.reference);
    out += "<line class=\"reference\" x1=\"" + Coord(x) + "\" y1=\"" + Coord(kTop - 6) +
           "\" x2=\"" + Coord(x) + "\" y2=\"" + Coord(height - kBottom) +
           "\" stroke=\"#b00020\" stroke-dasharray=\"4 3\"/>";
    out += "<text class=\"ref-label\" x=\"" + Coord(x - 4) + "\" y=\"" + Coord(kTop - 10) +
           "\" text-anchor=\"end\" fill=\"#b00020\">" + Escape(c.reference_label) + "</text>";
  }
  return out + "</svg>";
}

}  // namespace archload::report::html

#pragma once

// Horizontal grouped bars as inline SVG: one row per item (a group of the design), one bar per
// series (measured, BoE). Every bar is a <rect class="bar" data-value=...>, drawn even at zero,
// so a test can count them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace archload::report::html {

struct BarRow {
  std::string label;
  std::vector<std::optional<double>> values;  // one per series; none: not applicable
  bool highlight = false;                     // the bottleneck: its label is marked
};

struct BarChart {
  std::string title;
  std::string value_label;
  std::vector<std::string> series_names;
  std::vector<std::string> series_colors;
  std::vector<BarRow> rows;
  std::function<std::string(double)> format;  // value labels; Short() unless given
  std::optional<double> max;                  // the axis end (e.g. 1 for utilisation)
  std::optional<double> reference;            // a vertical line (e.g. 100%)
  std::string reference_label;
};

std::string RenderBarChart(const BarChart& chart, const std::string& id);
size_t BarCount(const BarChart& chart);

}  // namespace archload::report::html

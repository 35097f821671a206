#pragma once

// A line chart as inline SVG: series of (x, y) points (gaps allowed), optional markers, and
// reference lines (an NFR target, a BoE prediction, a knee). Every series is a
// <g class="series" data-series=... data-points=N> so a test can count what was drawn.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace archload::report::html {

struct ChartPoint {
  double x = 0, y = 0;
};

struct LineSeries {
  std::string name;
  std::string color;
  std::vector<std::optional<ChartPoint>> points;  // none: a gap in the line
  bool dashed = false;
  bool markers = false;  // a dot at each point (sparse series, e.g. a knee's measured points)
  double width = 1.8;
};

struct ReferenceLine {
  bool horizontal = true;  // y = value; else x = value
  double value = 0;
  std::string label;
  std::string color = "#444";
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label, y_label;
  bool x_log = false, y_log = false;
  bool y_from_zero = true;  // linear y starts at 0
  // Tick labels: Short() unless given; explicit tick positions replace the nice ones.
  std::function<std::string(double)> x_format, y_format;
  std::vector<double> x_ticks;
  std::vector<LineSeries> series;
  std::vector<ReferenceLine> references;
};

// The <svg> element; `id` prefixes its internal ids. Data points outside a log axis (<= 0) are
// left out.
std::string RenderLineChart(const LineChart& chart, const std::string& id);

// Points drawn (every series' defined points): what the test checks is non-zero.
size_t PointCount(const LineChart& chart);

}  // namespace archload::report::html

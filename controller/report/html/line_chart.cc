#include "controller/report/html/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "controller/report/html/markup.h"
#include "controller/report/html/scale.h"

namespace archload::report::html {

namespace {

constexpr double kWidth = 860, kHeight = 300;
constexpr double kLeft = 64, kRight = 24, kTop = 40, kBottom = 46;

bool Drawable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return !(hi >= lo); }
};

std::string Text(double x, double y, const std::string& text, const char* anchor,
                 const char* cls = "tick") {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
         "\" text-anchor=\"" + anchor + "\">" + Escape(text) + "</text>";
}

std::string Legend(const LineChart& c) {
  std::string out = "<g class=\"legend\">";
  double x = kLeft;
  auto entry = [&](const std::string& name, const std::string& color, bool dashed) {
    out += "<line x1=\"" + Coord(x) + "\" y1=\"16\" x2=\"" + Coord(x + 22) +
           "\" y2=\"16\" stroke=\"" + Escape(color) + "\" stroke-width=\"2.5\"" +
           (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>";
    out += Text(x + 27, 20, name, "start", "legend-text");
    x += 40 + 6.6 * static_cast<double>(name.size());
  };
  for (const auto& s : c.series) {
    if (!s.name.empty()) entry(s.name, s.color, s.dashed);
  }
  return out + "</g>";
}

}  // namespace

size_t PointCount(const LineChart& chart) {
  size_t n = 0;
  for (const auto& s : chart.series) {
    for (const auto& p : s.points) {
      if (p && Drawable(p->x, chart.x_log) && Drawable(p->y, chart.y_log)) ++n;
    }
  }
  return n;
}

std::string RenderLineChart(const LineChart& c, const std::string& id) {
  Extent xs, ys;
  for (const auto& s : c.series) {
    for (const auto& p : s.points) {
      if (!p || !Drawable(p->x, c.x_log) || !Drawable(p->y, c.y_log)) continue;
      xs.Add(p->x);
      ys.Add(p->y);
    }
  }
  for (const auto& r : c.references) {
    if (Drawable(r.value, r.horizontal ? c.y_log : c.x_log)) (r.horizontal ? ys : xs).Add(r.value);
  }
  for (double t : c.x_ticks) xs.Add(t);
  if (xs.empty()) {
    xs.Add(c.x_log ? 1 : 0);
    xs.Add(c.x_log ? 10 : 1);
  }
  if (ys.empty()) {
    ys.Add(c.y_log ? 1 : 0);
    ys.Add(c.y_log ? 10 : 1);
  }
  if (c.y_from_zero && !c.y_log) ys.Add(0);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  const Scale sx = c.x_ticks.empty() ? Scale::Nice(xs.lo, xs.hi, x0, x1, c.x_log)
                                     : Scale(xs.lo, xs.hi, x0, x1, c.x_log);
  const Scale sy = Scale::Nice(ys.lo, ys.hi * (c.y_log ? 1 : 1.05), y0, y1, c.y_log);
  const auto xf = c.x_format ? c.x_format : Short;
  const auto yf = c.y_format ? c.y_format : Short;

  std::string out = "<svg class=\"chart\" viewBox=\"0 0 " + Coord(kWidth) + " " + Coord(kHeight) +
                    "\" role=\"img\" aria-labelledby=\"" + Escape(id) + "-title\">";
  out += "<title id=\"" + Escape(id) + "-title\">" + Escape(c.title) + "</title>";
  out += "<defs><clipPath id=\"" + Escape(id) + "-clip\"><rect x=\"" + Coord(x0) + "\" y=\"" +
         Coord(y1 - 2) + "\" width=\"" + Coord(x1 - x0) + "\" height=\"" + Coord(y0 - y1 + 4) +
         "\"/></clipPath></defs>";
  // Grid and ticks.
  out += "<g class=\"axes\">";
  for (double t : sy.Ticks(5)) {
    const double y = sy(t);
    out += "<line class=\"grid\" x1=\"" + Coord(x0) + "\" y1=\"" + Coord(y) + "\" x2=\"" +
           Coord(x1) + "\" y2=\"" + Coord(y) + "\"/>";
    out += Text(x0 - 6, y + 4, yf(t), "end");
  }
  for (double t : c.x_ticks.empty() ? sx.Ticks(8) : c.x_ticks) {
    const double x = sx(t);
    out += "<line class=\"grid\" x1=\"" + Coord(x) + "\" y1=\"" + Coord(y0) + "\" x2=\"" +
           Coord(x) + "\" y2=\"" + Coord(y1) + "\"/>";
    out += Text(x, y0 + 16, xf(t), "middle");
  }
  out += "<line class=\"axis\" x1=\"" + Coord(x0) + "\" y1=\"" + Coord(y0) + "\" x2=\"" +
         Coord(x1) + "\" y2=\"" + Coord(y0) + "\"/>";
  out += "<line class=\"axis\" x1=\"" + Coord(x0) + "\" y1=\"" + Coord(y0) + "\" x2=\"" +
         Coord(x0) + "\" y2=\"" + Coord(y1) + "\"/>";
  out += Text((x0 + x1) / 2, kHeight - 8, c.x_label, "middle", "axis-label");
  out += "<text class=\"axis-label\" transform=\"translate(14 " + Coord((y0 + y1) / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + Escape(c.y_label) + "</text>";
  out += "</g>";
  // Reference lines under the data, labelled at their end; labels that would collide are moved
  // apart (horizontal lines' labels downwards, vertical lines' labels into rows).
  struct Label {
    double x, y;
    const ReferenceLine* ref;
  };
  std::vector<Label> h_labels, v_labels;
  out += "<g class=\"references\">";
  for (const auto& r : c.references) {
    if (!Drawable(r.value, r.horizontal ? c.y_log : c.x_log)) continue;
    const std::string dash = r.dashed ? " stroke-dasharray=\"7 5\"" : "";
    double ax = x0, ay = y0, bx = x1, by = y0;
    if (r.horizontal) {
      ay = by = sy(r.value);
      h_labels.push_back({x1 - 4, ay - 4, &r});
    } else {
      ax = bx = sx(r.value);
      ay = y0;
      by = y1;
      v_labels.push_back({ax + 4, y1 + 12, &r});
    }
    out += "<line class=\"reference\" data-reference=\"" + Escape(r.label) + "\" x1=\"" +
           Coord(ax) + "\" y1=\"" + Coord(ay) + "\" x2=\"" + Coord(bx) + "\" y2=\"" + Coord(by) +
           "\" stroke=\"" + Escape(r.color) + "\"" + dash + "/>";
  }
  std::stable_sort(h_labels.begin(), h_labels.end(),
                   [](const Label& a, const Label& b) { return a.y < b.y; });
  for (size_t i = 1; i < h_labels.size(); ++i) {
    h_labels[i].y = std::max(h_labels[i].y, h_labels[i - 1].y + 13);
  }
  std::stable_sort(v_labels.begin(), v_labels.end(),
                   [](const Label& a, const Label& b) { return a.x < b.x; });
  for (size_t i = 1; i < v_labels.size(); ++i) {
    const double width = 6.5 * static_cast<double>(v_labels[i - 1].ref->label.size());
    if (v_labels[i].x < v_labels[i - 1].x + width) v_labels[i].y = v_labels[i - 1].y + 13;
  }
  for (const auto& l : h_labels) {
    out += "<text class=\"ref-label\" x=\"" + Coord(l.x) + "\" y=\"" + Coord(l.y) +
           "\" text-anchor=\"end\" fill=\"" + Escape(l.ref->color) + "\">" + Escape(l.ref->label) +
           "</text>";
  }
  for (const auto& l : v_labels) {
    // A label that would run past the plot's right edge goes to the left of its line.
    const bool left = l.x + 6.5 * static_cast<double>(l.ref->label.size()) > x1;
    out += "<text class=\"ref-label\" x=\"" + Coord(left ? l.x - 8 : l.x) + "\" y=\"" + Coord(l.y) +
           "\"" + (left ? " text-anchor=\"end\"" : "") + " fill=\"" + Escape(l.ref->color) + "\">" +
           Escape(l.ref->label) + "</text>";
  }
  out += "</g>";
  // The data, clipped to the plot.
  out += "<g class=\"data\" clip-path=\"url(#" + Escape(id) + "-clip)\">";
  for (const auto& s : c.series) {
    size_t n = 0;
    std::string lines, dots, run;
    auto flush = [&] {
      if (run.find(' ') != std::string::npos) {
        lines += "<polyline fill=\"none\" stroke=\"" + Escape(s.color) + "\" stroke-width=\"" +
                 Coord(s.width) + "\"" + (s.dashed ? " stroke-dasharray=\"7 5\"" : "") +
                 " stroke-linejoin=\"round\" points=\"" + run + "\"/>";
      } else if (!run.empty() && !s.markers) {
        // A lone point between gaps still shows.
        const auto comma = run.find(',');
        lines += "<circle r=\"2\" fill=\"" + Escape(s.color) + "\" cx=\"" + run.substr(0, comma) +
                 "\" cy=\"" + run.substr(comma + 1) + "\"/>";
      }
      run.clear();
    };
    for (const auto& p : s.points) {
      if (!p || !Drawable(p->x, c.x_log) || !Drawable(p->y, c.y_log)) {
        flush();
        continue;
      }
      ++n;
      const std::string xy = Coord(sx(p->x)) + "," + Coord(sy(p->y));
      run += (run.empty() ? "" : " ") + xy;
      if (s.markers) {
        dots += "<circle r=\"3.5\" fill=\"" + Escape(s.color) + "\" cx=\"" + Coord(sx(p->x)) +
                "\" cy=\"" + Coord(sy(p->y)) + "\"><title>" + Escape(s.name) + ": " +
                Escape(xf(p->x)) + " → " + Escape(yf(p->y)) + "</title></circle>";
      }
    }
    flush();
    out += "<g class=\"series\" data-series=\"" + Escape(s.name) + "\" data-points=\"" +
           std::to_string(n) + "\">" + lines + dots + "</g>";
  }
  out += "</g>";
  out += Legend(c);
  return out + "</svg>";
}

}  // namespace archload::report::html

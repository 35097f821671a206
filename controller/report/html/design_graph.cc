#include "controller/report/html/design_graph.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "controller/report/html/graph_layout.h"
#include "controller/report/table.h"

namespace archload::report::html {

namespace {

constexpr double kLegendHeight = 44;

struct Node {
  std::string name, type, role;
  int count = 0;
  std::optional<double> util, boe_util, rps, hit_ratio;
  double rejected = 0;
  bool bottleneck = false;
};

struct Edge {
  int from = 0, to = 0;
  double rps = 0;
  bool wired = true;
};

std::string Clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return s.substr(0, cut) + "…";
}

std::string BoxText(double x, double y, const std::string& text, const char* cls) {
  return "<text class=\"" + std::string(cls) + "\" x=\"" + Coord(x) + "\" y=\"" + Coord(y) +
         "\" text-anchor=\"middle\">" + Escape(text) + "</text>";
}

std::string Legend(double width, double top, const std::string& id) {
  std::string out = "<g class=\"graph-legend\" transform=\"translate(" +
                    Coord(std::max(24.0, width / 2 - 330)) + " " + Coord(top + 8) + ")\">";
  out += "<defs><linearGradient id=\"" + Escape(id) + "-util\">";
  for (int i = 0; i <= 10; ++i) {
    out += "<stop offset=\"" + std::to_string(i * 10) + "%\" stop-color=\"" +
           UtilizationColor(i / 10.0) + "\"/>";
  }
  out += "</linearGradient></defs>";
  out += "<text class=\"legend-text\" x=\"0\" y=\"13\">utilisation 0%</text>";
  out += "<rect x=\"92\" y=\"3\" width=\"140\" height=\"12\" fill=\"url(#" + Escape(id) +
         "-util)\" stroke=\"#999\" stroke-width=\"0.5\"/>";
  out += "<text class=\"legend-text\" x=\"238\" y=\"13\">100%</text>";
  out +=
      "<rect x=\"290\" y=\"1\" width=\"22\" height=\"15\" fill=\"#fff\" stroke=\"#b00020\" "
      "stroke-width=\"3\"/><text class=\"legend-text\" x=\"318\" y=\"13\">bottleneck</text>";
  out +=
      "<line x1=\"400\" y1=\"9\" x2=\"430\" y2=\"9\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>"
      "<text class=\"legend-text\" x=\"436\" y=\"13\">wired, no calls</text>";
  out += "<text class=\"legend-text\" x=\"540\" y=\"13\">edge labels: calls/s measured</text>";
  return out + "</g>";
}

}  // namespace

std::string UtilizationColor(double u) {
  const double f = std::clamp(std::isfinite(u) ? u : 0.0, 0.0, 1.0);
  const int hue = static_cast<int>(std::lround(130 * (1 - f)));
  return "hsl(" + std::to_string(hue) + ",70%,80%)";
}

DesignGraph RenderDesignGraph(const Json& report, const std::string& id) {
  std::vector<Node> nodes;
  std::map<std::string, int> index;
  const std::string bottleneck = TextAt(report, "bottleneck");
  for (const auto& c : ArrayAt(report, "components")) {
    Node n;
    n.name = TextAt(c, "name");
    n.type = TextAt(c, "type");
    n.role = TextAt(c, "role");
    n.count = static_cast<int>(NumberAt(c, "count").value_or(0));
    n.util = NumberAt(c, "utilization");
    n.boe_util = NumberAt(c, "predicted_utilization");
    n.rps = NumberAt(c, "rps");
    n.hit_ratio = NumberAt(c, "hit_ratio");
    n.rejected = NumberAt(c, "rejected").value_or(0);
    n.bottleneck = !n.name.empty() && n.name == bottleneck;
    index.emplace(n.name, static_cast<int>(nodes.size()));
    nodes.push_back(std::move(n));
  }
  std::vector<Edge> edges;
  std::vector<LayoutEdge> layout_edges;
  double max_rps = 0;
  for (const auto& c : ArrayAt(report, "calls")) {
    const auto a = index.find(TextAt(c, "from")), b = index.find(TextAt(c, "to"));
    if (a == index.end() || b == index.end() || a->second == b->second) continue;
    Edge e{a->second, b->second, NumberAt(c, "rps").value_or(0), BoolAt(c, "wired", true)};
    max_rps = std::max(max_rps, e.rps);
    edges.push_back(e);
    layout_edges.push_back({e.from, e.to});
  }
  std::vector<int> clients;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].role == "client") clients.push_back(static_cast<int>(i));
  }
  LayoutSizes sz;
  const GraphLayout g = LayOut(nodes.size(), layout_edges, clients, sz);
  const double width = std::max(860.0, g.width + 120);  // room for back edges on the right
  const double height = g.height + kLegendHeight;
  const double shift = (width - g.width) / 2 - 40;

  std::string out = "<svg class=\"chart graph\" viewBox=\"0 0 " + Coord(width) + " " +
                    Coord(height) + "\" role=\"img\" aria-labelledby=\"" + Escape(id) +
                    "-title\"><title id=\"" + Escape(id) +
                    "-title\">The design: groups and the calls between them</title>";
  out += "<defs><marker id=\"" + Escape(id) +
         "-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
         "markerWidth=\"11\" markerHeight=\"11\" orient=\"auto-start-reverse\"><path d=\"M0,0 "
         "L10,5 L0,10 z\" "
         "fill=\"#555\"/></marker></defs>";
  out += "<g transform=\"translate(" + Coord(shift) + " 0)\">";
  // Edges under the boxes; labels over the edges.
  std::string labels;
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto& ed = edges[e];
    const double ax = g.x[ed.from], ay = g.y[ed.from], bx = g.x[ed.to], by = g.y[ed.to];
    double p[4][2];
    if (!g.back[e]) {
      const double y0 = ay + sz.box_h / 2, y3 = by - sz.box_h / 2, bend = (y3 - y0) / 2;
      p[0][0] = ax, p[0][1] = y0, p[1][0] = ax, p[1][1] = y0 + bend;
      p[2][0] = bx, p[2][1] = y3 - bend, p[3][0] = bx, p[3][1] = y3;
    } else {
      // Against the flow: out of the right side and round, back into the target's right side.
      const double out_x =
          std::max(ax, bx) + sz.box_w / 2 + 50 + 12 * std::abs(g.layer[ed.from] - g.layer[ed.to]);
      p[0][0] = ax + sz.box_w / 2, p[0][1] = ay, p[1][0] = out_x, p[1][1] = ay;
      p[2][0] = out_x, p[2][1] = by, p[3][0] = bx + sz.box_w / 2, p[3][1] = by;
    }
    const double w =
        1.2 + (max_rps > 0 ? 2.8 * std::log10(1 + ed.rps) / std::log10(1 + max_rps) : 0);
    const bool idle = ed.rps <= 0;
    out += "<g class=\"edge\" data-from=\"" + Escape(nodes[ed.from].name) + "\" data-to=\"" +
           Escape(nodes[ed.to].name) + "\" data-rps=\"" + Number(ed.rps) + "\"><path d=\"M" +
           Coord(p[0][0]) + "," + Coord(p[0][1]) + " C" + Coord(p[1][0]) + "," + Coord(p[1][1]) +
           " " + Coord(p[2][0]) + "," + Coord(p[2][1]) + " " + Coord(p[3][0]) + "," +
           Coord(p[3][1]) + "\" fill=\"none\" stroke=\"" + (idle ? "#aaa" : "#555") +
           "\" stroke-width=\"" + Coord(idle ? 1 : w) + "\"" +
           (idle ? " stroke-dasharray=\"4 3\"" : "") + " marker-end=\"url(#" + Escape(id) +
           "-arrow)\"><title>" + Escape(nodes[ed.from].name) + " → " + Escape(nodes[ed.to].name) +
           ": " + Escape(HumanRate(ed.rps)) + " calls/s" +
           (ed.wired ? "" : " (not a drawn connection)") + "</title></path></g>";
    // The cubic's midpoint.
    const double mx = (p[0][0] + 3 * p[1][0] + 3 * p[2][0] + p[3][0]) / 8;
    const double my = (p[0][1] + 3 * p[1][1] + 3 * p[2][1] + p[3][1]) / 8;
    const std::string text = Short(ed.rps) + "/s";
    const double tw = 7.0 * static_cast<double>(text.size()) + 6;
    labels += "<g class=\"edge-label\"><rect x=\"" + Coord(mx - tw / 2) + "\" y=\"" +
              Coord(my - 9) + "\" width=\"" + Coord(tw) +
              "\" height=\"16\" rx=\"3\" fill=\"#fff\" fill-opacity=\"0.9\"/>" +
              BoxText(mx, my + 3, text, "edge-text") + "</g>";
  }
  out += labels;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    const bool client = n.role == "client";
    const double x = g.x[i] - sz.box_w / 2, y = g.y[i] - sz.box_h / 2;
    const std::string fill = client ? "#e6e9f2" : UtilizationColor(n.util.value_or(0));
    std::string tip = n.name + " (" + n.type + ", " + n.role + "), " + std::to_string(n.count) +
                      " instance" + (n.count == 1 ? "" : "s");
    if (n.rps) tip += ", " + HumanRate(*n.rps) + " req/s";
    if (n.util && !client) tip += ", utilisation " + Percent(*n.util);
    if (n.boe_util && !client) tip += " (BoE " + Percent(*n.boe_util) + ")";
    if (n.rejected > 0) tip += ", " + Short(n.rejected) + " rejected";
    if (n.hit_ratio) tip += ", hit ratio " + Percent(*n.hit_ratio);
    out += "<g class=\"node" + std::string(n.bottleneck ? " bottleneck" : "") + "\" data-name=\"" +
           Escape(n.name) + "\" data-utilization=\"" + Number(n.util.value_or(0)) + "\"><title>" +
           Escape(tip) + "</title>";
    out += "<rect x=\"" + Coord(x) + "\" y=\"" + Coord(y) + "\" width=\"" + Coord(sz.box_w) +
           "\" height=\"" + Coord(sz.box_h) + "\" rx=\"6\" fill=\"" + fill + "\" stroke=\"" +
           (n.bottleneck ? "#b00020" : "#555") + "\" stroke-width=\"" +
           (n.bottleneck ? "3.5" : "1") + "\"/>";
    out += BoxText(g.x[i], y + 17, Clip(n.name, 24), "node-name");
    std::string line2 = std::to_string(n.count) + " × " + Clip(n.type, 20);
    if (n.rps && !client) line2 += " · " + HumanRate(*n.rps) + "/s";
    out += BoxText(g.x[i], y + 34, Clip(line2, 30), "node-text");
    std::string line3;
    if (!client && n.util) {
      line3 = "util " + Percent(*n.util);
      if (n.boe_util) line3 += " · BoE " + Percent(*n.boe_util);
    } else if (client && n.rps) {
      line3 = "load source";
    }
    if (n.hit_ratio)
      line3 += (line3.empty() ? "" : " · ") + std::string("hit ") + Percent(*n.hit_ratio);
    out += BoxText(g.x[i], y + 50, line3, "node-text");
    if (n.bottleneck) {
      out += "<text class=\"bottleneck-mark\" x=\"" + Coord(x + sz.box_w) + "\" y=\"" +
             Coord(y - 5) + "\" text-anchor=\"end\">▲ bottleneck</text>";
    }
    out += "</g>";
  }
  out += "</g>";
  out += Legend(width, g.height, id);
  return {out + "</svg>", nodes.size(), edges.size()};
}

}  // namespace archload::report::html

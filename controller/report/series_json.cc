#include "controller/report/series_json.h"

#include <cmath>

namespace archload::report {

namespace {

// Rounded to what a plot or a reader can use: keeps a 10-minute run's series small. Dividing
// by a power of ten (rather than multiplying by its inverse) gives the double nearest the
// decimal, which JSON then prints short.
double Round(double v, int digits) {
  const double scale = std::pow(10.0, digits);
  return std::round(v * scale) / scale;
}

nlohmann::json Column(const std::vector<double>& v, int digits) {
  auto out = nlohmann::json::array();
  for (double x : v) out.push_back(std::isfinite(x) ? nlohmann::json(Round(x, digits)) : nullptr);
  return out;
}

nlohmann::json Column(const std::vector<std::optional<double>>& v, int digits) {
  auto out = nlohmann::json::array();
  for (const auto& x : v) {
    out.push_back(x && std::isfinite(*x) ? nlohmann::json(Round(*x, digits)) : nullptr);
  }
  return out;
}

}  // namespace

nlohmann::json SeriesToJson(const run::Series& s, const std::vector<run::GroupResult>& groups) {
  nlohmann::json j{{"interval_s", s.interval_s},
                   {"t_s", Column(s.t_s, 3)},
                   {"window_s", Column(s.window_s, 3)},
                   {"offered_rps", Column(s.offered_rps, 2)},
                   {"sent_rps", Column(s.sent_rps, 2)},
                   {"achieved_rps", Column(s.achieved_rps, 2)},
                   {"errors_rps", Column(s.errors_rps, 2)},
                   {"rejected_rps", Column(s.rejected_rps, 2)},
                   {"dropped_rps", Column(s.dropped_rps, 2)},
                   {"responses", s.responses},
                   {"p50_ms", Column(s.p50_ms, 3)},
                   {"p95_ms", Column(s.p95_ms, 3)},
                   {"p99_ms", Column(s.p99_ms, 3)}};
  auto& out = j["groups"] = nlohmann::json::array();
  for (size_t i = 0; i < s.groups.size() && i < groups.size(); ++i) {
    const auto& g = s.groups[i];
    nlohmann::json gj{{"name", groups[i].name},
                      {"rps", Column(g.rps, 2)},
                      {"utilization", Column(g.utilization, 4)},
                      {"queue_depth", g.queue_depth},
                      {"rejected", g.rejected},
                      {"hit_ratio", Column(g.hit_ratio, 4)}};
    if (groups[i].role == "broker") gj["broker_depth"] = g.broker_depth;
    out.push_back(std::move(gj));
  }
  return j;
}

nlohmann::json CallsToJson(const run::RunResult& r) {
  auto out = nlohmann::json::array();
  for (const auto& c : r.calls) {
    if (c.from >= static_cast<int>(r.groups.size()) || c.to >= static_cast<int>(r.groups.size())) {
      continue;
    }
    out.push_back({{"from", r.groups[c.from].name},
                   {"to", r.groups[c.to].name},
                   {"requests", c.requests},
                   {"rps", Round(c.rps, 2)},
                   {"wired", c.wired},
                   {"in_process", c.in_process}});
  }
  return out;
}

}  // namespace archload::report

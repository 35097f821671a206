#pragma once

// A run report's JSON built in memory for the report tests: every section the HTML draws,
// with names that must be escaped.

#include <nlohmann/json.hpp>
#include <string>

#include "common/stats/histogram.h"
#include "controller/report/histogram_json.h"

namespace archload::report::testing {

inline nlohmann::json Nfr(const std::string& name, const std::string& unit, double target,
                          double boe, double measured, bool pass) {
  return {{"name", name}, {"raw", name + " as stated"}, {"unit", unit}, {"target", target},
          {"boe", boe},   {"measured", measured},       {"pass", pass}, {"note", nullptr}};
}

// `p99_ms` sets the measured tail; `pass` whether the P99 NFR (< 200 ms) held.
inline nlohmann::json RunReportJson(double offered, double p99_ms, bool pass) {
  stats::Histogram h;
  h.RecordN(20'000'000, 900);
  h.RecordN(40'000'000, 90);
  h.RecordN(static_cast<uint64_t>(p99_ms * 1e6), 10);
  nlohmann::json j;
  j["schema"] = "archload-run-report";
  j["schema_version"] = 2;
  j["problem"] = "demo";
  j["title"] = "Demo <b>bold</b>";
  j["scale"] = "1/1";
  j["duration_s"] = 3;
  j["planned_s"] = 3;
  j["offered_rps"] = offered;
  j["achieved_rps"] = offered * (pass ? 0.999 : 0.6);
  j["error_rate"] = pass ? 0.0 : 0.2;
  j["requests"] = {{"offered", 3000}, {"sent", 3000}, {"ok", 3000}, {"errors", 0}};
  j["latency_ms"] = {{"count", h.Count()}, {"p50", 20},      {"p95", 40},
                     {"p99", p99_ms},      {"p999", p99_ms}, {"histogram", HistogramToJson(h)}};
  j["predicted_latency_ms"] = {{"p50", 19}, {"p95", 38}, {"p99", 55}, {"stable", true}};
  j["predicted_latency_ms"]["spectrum"] = {{{"p", 0}, {"ms", 5}},     {{"p", 50}, {"ms", 19}},
                                           {{"p", 90}, {"ms", 30}},   {{"p", 99}, {"ms", 55}},
                                           {{"p", 99.9}, {"ms", 70}}, {{"p", 99.99}, {"ms", 80}}};
  j["predicted_max_rps"] = 1200;
  j["predicted_bottleneck"] = "App <Servers>";
  j["nfr"] = {Nfr("P99 latency", "ms", 200, 55, p99_ms, p99_ms <= 200),
              Nfr("throughput", "req/s", offered, std::min(offered, 1200.0),
                  offered * (pass ? 0.999 : 0.6), pass),
              Nfr("availability", "fraction", 0.999, 1, pass ? 1.0 : 0.8, pass)};
  auto comp = [](const std::string& name, const std::string& type, const std::string& role,
                 int count, double rps, double u, double bu) {
    return nlohmann::json{{"name", name},
                          {"type", type},
                          {"role", role},
                          {"count", count},
                          {"rps", rps},
                          {"utilization", u},
                          {"predicted_utilization", bu},
                          {"p50_ms", 10},
                          {"p99_ms", 30},
                          {"rejected", 0},
                          {"hit_ratio", nullptr},
                          {"queue_depth", 0}};
  };
  j["components"] = {comp("Readers", "client", "client", 1, 0, 0, 0),
                     comp("LB", "lb", "proxy", 1, offered, 0.1, 0.1),
                     comp("App <Servers>", "app", "service", 8, offered, 0.84, 0.83),
                     comp("Cache", "cache", "cache", 2, offered * 0.9, 0.2, 0.2),
                     comp("DB", "db_primary", "store", 1, offered * 0.1, 0.3, 0.3)};
  j["components"][3]["hit_ratio"] = 0.9;
  j["components"][3]["predicted_hit_ratio"] = 0.9;
  j["components"][2]["rejected"] = pass ? 0 : 120;
  j["calls"] = {{{"from", "Readers"}, {"to", "LB"}, {"rps", offered}, {"wired", true}},
                {{"from", "LB"}, {"to", "App <Servers>"}, {"rps", offered}, {"wired", true}},
                {{"from", "App <Servers>"}, {"to", "Cache"}, {"rps", offered}, {"wired", true}},
                {{"from", "App <Servers>"}, {"to", "DB"}, {"rps", offered * 0.1}, {"wired", true}},
                {{"from", "DB"}, {"to", "App <Servers>"}, {"rps", 0}, {"wired", true}}};
  nlohmann::json s;
  s["interval_s"] = 1;
  s["t_s"] = {1, 2, 3};
  s["window_s"] = {1, 1, 1};
  s["offered_rps"] = {offered, offered, offered};
  s["sent_rps"] = {offered, offered, offered};
  s["achieved_rps"] = {offered, offered * 0.99, nullptr};
  s["errors_rps"] = {0, 1, 2};
  s["rejected_rps"] = {0, 0, 3};
  s["dropped_rps"] = {0, 0, 0};
  s["responses"] = {1000, 990, 0};
  s["p50_ms"] = {20, 21, nullptr};
  s["p95_ms"] = {40, 41, nullptr};
  s["p99_ms"] = {50, p99_ms, nullptr};
  for (const auto& c : j["components"]) {
    s["groups"].push_back({{"name", c["name"]},
                           {"rps", {1, 2, 3}},
                           {"utilization", {0.1, 0.2, 0.3}},
                           {"queue_depth", {0, 4, 1}},
                           {"rejected", {0, 0, 0}},
                           {"hit_ratio", {nullptr, nullptr, nullptr}}});
  }
  j["series"] = s;
  j["bottleneck"] = "App <Servers>";
  j["bottleneck_reason"] = "highest utilisation, 84%";
  j["pass"] = pass;
  j["complete"] = true;
  j["warnings"] = {"a warning with <tags>"};
  j["harness"] = {{"agents", 2}, {"instances", 13}, {"faults", nlohmann::json::array()}};
  j["parameters"] = {{"profile", "constant"},
                     {"arrivals", "poisson"},
                     {"seed", 42},
                     {"service_time_scale", 1},
                     {"started_at", "2026-01-01T00:00:00Z"},
                     {"command", "archload run demo --html 'x y.html'"}};
  return j;
}

inline nlohmann::json KneeJson() {
  // The shape controller/capacity/knee_report.cc writes (schema archload.knee/1).
  nlohmann::json k;
  k["schema"] = "archload.knee/1";
  k["problem"] = "tutorial-simple-blog";
  k["scale"] = "1/1";
  for (double r : {200.0, 600.0, 1000.0, 1200.0, 1400.0}) {
    k["points"].push_back({{"offered_rps", r},
                           {"achieved_rps", std::min(r, 1180.0)},
                           {"p50_ms", r < 1200 ? 20 + r / 100 : 300},
                           {"p99_ms", r < 1200 ? 50 + r / 20 : 2500},
                           {"pass", r < 1200},
                           {"nfr_pass", r < 1100},
                           {"void", false},
                           {"phase", "bisect"},
                           {"utilization", {{"App <Servers>", r / 1200}, {"DB", r / 5000}}}});
  }
  k["saturation_knee_rps"] = 1150;
  k["nfr_knee_rps"] = 1100;
  k["ratio"] = 1150.0 / 1200;
  k["bottleneck"] = {
      {"measured", "App <Servers>"}, {"predicted", "App <Servers>"}, {"agree", true}};
  k["boe"] = {{"max_rps", 1200},
              {"nfr_knee_rps", 1160},
              {"nfr_knees", {{{"name", "P99 latency"}, {"target_ms", 200}, {"rps", 1160}}}}};
  for (double r : {100.0, 400.0, 800.0, 1100.0, 1190.0}) {
    k["boe"]["curve"].push_back({{"rps", r}, {"p50_ms", 19 + r / 120}, {"p99_ms", 45 + r / 15}});
  }
  return k;
}

}  // namespace archload::report::testing

#include "controller/report/compare.h"

#include <cmath>
#include <filesystem>

#include "controller/report/histogram_json.h"
#include "controller/report/html/markup.h"
#include "controller/report/html/report_page.h"
#include "controller/report/table.h"

namespace archload::report {

namespace {

using html::ArrayAt;
using html::BoolAt;
using html::NumberAt;
using html::ObjectAt;
using html::TextAt;

// A percentile recomputed from the serialized histogram when the report has one.
std::optional<double> PercentileMs(const nlohmann::json& lat, double p, const char* key) {
  if (const auto h = HistogramFromJson(ObjectAt(lat, "histogram")); h && h->Count() > 0) {
    return h->ValueAtPercentile(p) / 1e6;
  }
  return key ? NumberAt(lat, key) : std::nullopt;
}

}  // namespace

std::string FormatFigure(const std::string& unit, std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  if (unit == "percent") {
    std::snprintf(buf, sizeof buf, "%.3g%%", *v * 100);
    return buf;
  }
  if (unit == "s") return html::Short(*v) + " s";
  return NfrFigure(unit, v);
}

std::optional<std::string> RelativeChange(std::optional<double> base, std::optional<double> v) {
  if (!base || !v || *base == 0) return std::nullopt;
  const double pct = 100 * (*v - *base) / std::fabs(*base);
  if (std::fabs(pct) < 0.05) return "±0%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.*f%%", std::fabs(pct) < 10 ? 1 : 0, pct);
  return buf;
}

Comparison Compare(const std::vector<LoadedReport>& reports) {
  Comparison c;
  const size_t n = reports.size();
  for (const auto& r : reports) {
    c.labels.push_back(std::filesystem::path(r.path).filename().string());
    c.problems.push_back(TextAt(r.json, "problem"));
    c.verdicts.push_back(html::VerdictWord(r.json));
  }
  for (size_t i = 1; i < n; ++i) {
    if (c.problems[i] != c.problems[0]) {
      c.notes.push_back("[" + std::to_string(i + 1) + "] ran " + c.problems[i] + ", not " +
                        c.problems[0] + ": NFRs are matched by name");
    }
  }
  // NFRs by name, in the order they first appear.
  for (size_t i = 0; i < n; ++i) {
    for (const auto& v : ArrayAt(reports[i].json, "nfr")) {
      const std::string name = TextAt(v, "name");
      auto it = std::find_if(c.nfrs.begin(), c.nfrs.end(),
                             [&](const ComparedNfr& x) { return x.name == name; });
      if (it == c.nfrs.end()) {
        ComparedNfr row{name,
                        TextAt(v, "unit"),
                        std::vector<std::optional<double>>(n),
                        std::vector<std::optional<double>>(n),
                        std::vector<std::optional<bool>>(n),
                        std::vector<bool>(n, false)};
        c.nfrs.push_back(std::move(row));
        it = c.nfrs.end() - 1;
      }
      if (it->pass[i]) continue;  // the first entry of a name counts
      it->target[i] = NumberAt(v, "target");
      it->measured[i] = NumberAt(v, "measured");
      it->pass[i] = BoolAt(v, "pass");
      it->undecided[i] = TextAt(v, "verdict") == "inconclusive";
    }
  }
  for (const auto& row : c.nfrs) {
    if (!row.pass[0] || !*row.pass[0]) continue;
    for (size_t i = 1; i < n; ++i) {
      // An undecided verdict is no evidence of a regression.
      if (!row.pass[i] || *row.pass[i] || row.undecided[i]) continue;
      c.regressions.push_back({row.name, i,
                               row.name + " held in [1] " + c.labels[0] + " (" +
                                   FormatFigure(row.unit, row.measured[0]) + " against " +
                                   FormatFigure(row.unit, row.target[0]) + ") and fails in [" +
                                   std::to_string(i + 1) + "] " + c.labels[i] + " (" +
                                   FormatFigure(row.unit, row.measured[i]) + " against " +
                                   FormatFigure(row.unit, row.target[i]) + ")"});
    }
  }
  struct Percentile {
    const char* name;
    const char* key;  // in latency_ms; none: only from the histogram
    double p;
  };
  const Percentile percentiles[] = {{"P50", "p50", 50},
                                    {"P95", "p95", 95},
                                    {"P99", "p99", 99},
                                    {"P99.9", "p999", 99.9},
                                    {"P99.99", nullptr, 99.99}};
  for (const auto& [name, key, p] : percentiles) {
    ComparedFigure f{name, "ms", {}, Better::kLower};
    for (const auto& r : reports) {
      f.values.push_back(PercentileMs(ObjectAt(r.json, "latency_ms"), p, key));
    }
    c.latency.push_back(std::move(f));
  }
  auto top = [&](const char* name, const char* key, const char* unit, Better better) {
    ComparedFigure f{name, unit, {}, better};
    for (const auto& r : reports) f.values.push_back(NumberAt(r.json, key));
    c.rates.push_back(std::move(f));
  };
  top("offered", "offered_rps", "req/s", Better::kNeither);
  top("achieved", "achieved_rps", "req/s", Better::kHigher);
  top("error rate", "error_rate", "percent", Better::kLower);
  top("duration", "duration_s", "s", Better::kNeither);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& g : ArrayAt(reports[i].json, "components")) {
      if (TextAt(g, "role") == "client") continue;
      const std::string name = TextAt(g, "name");
      auto it = std::find_if(c.utilization.begin(), c.utilization.end(),
                             [&](const ComparedFigure& x) { return x.name == name; });
      if (it == c.utilization.end()) {
        c.utilization.push_back(
            {name, "percent", std::vector<std::optional<double>>(n), Better::kNeither});
        it = c.utilization.end() - 1;
      }
      it->values[i] = NumberAt(g, "utilization");
    }
  }
  return c;
}

int ComparisonExitCode(const Comparison& c) { return c.regressions.empty() ? 0 : 1; }

void PrintComparison(const Comparison& c, std::ostream& out) {
  const size_t n = c.labels.size();
  out << "Comparing " << n << " runs; differences are against [1]\n";
  for (size_t i = 0; i < n; ++i) {
    out << "  [" << i + 1 << "] " << c.labels[i] << ": " << c.problems[i] << ", " << c.verdicts[i]
        << "\n";
  }
  for (const auto& note : c.notes) out << "note: " << note << "\n";
  auto headers = [&](const std::string& first) {
    std::vector<std::string> h{first};
    for (size_t i = 0; i < n; ++i) h.push_back("[" + std::to_string(i + 1) + "]");
    return h;
  };
  std::vector<bool> numeric(n + 1, true);
  numeric[0] = false;
  out << "\n";
  Table v(headers("NFR"), numeric);
  for (const auto& row : c.nfrs) {
    std::vector<std::string> cells{row.name};
    for (size_t i = 0; i < n; ++i) {
      if (!row.pass[i]) {
        cells.push_back("-");
        continue;
      }
      std::string cell = FormatFigure(row.unit, row.measured[i]) + " / " +
                         FormatFigure(row.unit, row.target[i]) +
                         (row.undecided[i] ? " ?"
                          : *row.pass[i]   ? " ✓"
                                           : " ✗");
      cells.push_back(cell);
    }
    v.AddRow(cells);
  }
  v.Print(out);
  auto figures = [&](const std::string& title, const std::vector<ComparedFigure>& rows) {
    if (rows.empty()) return;
    out << "\n";
    Table t(headers(title), numeric);
    for (const auto& f : rows) {
      std::vector<std::string> cells{f.name};
      for (size_t i = 0; i < n; ++i) {
        std::string cell = FormatFigure(f.unit, f.values[i]);
        if (i > 0) {
          if (const auto d = RelativeChange(f.values[0], f.values[i])) cell += " (" + *d + ")";
        }
        cells.push_back(cell);
      }
      t.AddRow(cells);
    }
    t.Print(out);
  };
  figures("latency", c.latency);
  figures("rates", c.rates);
  figures("utilisation", c.utilization);
  out << "\n";
  for (const auto& r : c.regressions) out << "REGRESSION: " << r.text << "\n";
  out << (c.regressions.empty() ? "No NFR that held in [1] fails in a later run\n"
                                : std::to_string(c.regressions.size()) +
                                      " NFR(s) that held in [1] fail in a later run\n");
}

nlohmann::json ComparisonToJson(const Comparison& c) {
  auto opt = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json j;
  j["runs"] = nlohmann::json::array();
  for (size_t i = 0; i < c.labels.size(); ++i) {
    j["runs"].push_back(
        {{"file", c.labels[i]}, {"problem", c.problems[i]}, {"verdict", c.verdicts[i]}});
  }
  j["nfr"] = nlohmann::json::array();
  for (const auto& row : c.nfrs) {
    nlohmann::json r{{"name", row.name}, {"unit", row.unit}};
    for (size_t i = 0; i < row.pass.size(); ++i) {
      r["target"].push_back(opt(row.target[i]));
      r["measured"].push_back(opt(row.measured[i]));
      r["pass"].push_back(row.pass[i] ? nlohmann::json(*row.pass[i]) : nlohmann::json(nullptr));
      r["inconclusive"].push_back(static_cast<bool>(row.undecided[i]));
    }
    j["nfr"].push_back(r);
  }
  for (const auto& [key, rows] : {std::pair{"latency_ms", &c.latency}, std::pair{"rates", &c.rates},
                                  std::pair{"utilization", &c.utilization}}) {
    auto& out = j[key] = nlohmann::json::array();
    for (const auto& f : *rows) {
      nlohmann::json r{{"name", f.name}, {"unit", f.unit}};
      for (const auto& v : f.values) r["values"].push_back(opt(v));
      out.push_back(r);
    }
  }
  j["regressions"] = nlohmann::json::array();
  for (const auto& r : c.regressions) {
    j["regressions"].push_back({{"nfr", r.nfr}, {"run", r.run + 1}, {"text", r.text}});
  }
  j["notes"] = c.notes;
  return j;
}

}  // namespace archload::report

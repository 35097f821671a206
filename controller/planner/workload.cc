#include "controller/planner/workload.h"

#include <stdexcept>
#include <vector>

#include "common/spec/spec_yaml.h"
#include "controller/planner/limits.h"

namespace archload::planner {
namespace {

struct RateChoice {
  double rate = 0;
  std::string source;
  std::optional<double> read_ratio;
  int line = 0;       // where the rate is stated
  std::string field;  // the field path stating it
};

std::optional<RateChoice> FromNfrs(const spec::Problem& p) {
  // "Request Rate" lines first: "Throughput" lines often restate rates in other units.
  std::vector<const spec::Nfr*> nfrs;
  for (const auto& n : p.nfrs) {
    if (n.kind == spec::NfrKind::kRate && n.name == "Request Rate") nfrs.push_back(&n);
  }
  for (const auto& n : p.nfrs) {
    if (n.kind == spec::NfrKind::kRate && n.name != "Request Rate") nfrs.push_back(&n);
  }
  for (const auto* n : nfrs) {
    if (n->rates.empty()) continue;
    const std::string src = "NFR " + n->name + ": \"" + n->raw + "\"";
    const std::string field = "nfrs[" + std::to_string(n - p.nfrs.data()) + "].raw";
    auto choice = [&](double rate, const std::string& source, std::optional<double> ratio) {
      return RateChoice{rate, source, ratio, n->line, field};
    };
    double read = 0, write = 0;
    for (const auto& r : n->rates) {
      if (r.label == "normal" || r.label == "target") {
        if (r.request_class == "read") read += r.per_second;
        if (r.request_class == "write") write += r.per_second;
      }
    }
    std::optional<double> ratio;
    if (read + write > 0) ratio = read / (read + write);
    for (const auto& r : n->rates) {
      if (r.label == "target") return choice(r.per_second, src + " (target)", ratio);
    }
    for (const auto& r : n->rates) {
      if (r.label == "normal" && r.request_class.empty()) return choice(r.per_second, src, ratio);
    }
    if (read + write > 0) return choice(read + write, src + " (sum of classes)", ratio);
    for (const auto& r : n->rates) {
      if (r.label == "normal") return choice(r.per_second, src, ratio);
    }
    return choice(n->rates.front().per_second, src + " (" + n->rates.front().label + ")", ratio);
  }
  return std::nullopt;
}

std::optional<RateChoice> FromConstants(const spec::Problem& p) {
  auto line_of = [&](const std::string& key) {
    const spec::Constant* c = p.FindConstant(key);
    return c != nullptr ? c->line : 0;
  };
  // A constant named as the system's rate is taken even when it is 0, so that the planner
  // refuses it instead of quietly falling back to another figure or the default.
  for (const char* key : {"total_qps", "qps", "global_qps", "request_qps", "request_rate"}) {
    if (auto v = p.NumberConstant(key)) {
      return RateChoice{*v, std::string("constant ") + key, std::nullopt, line_of(key),
                        std::string("constants.") + key};
    }
  }
  auto r = p.NumberConstant("read_qps");
  auto w = p.NumberConstant("write_qps");
  if (r && w) {
    std::optional<double> ratio;
    if (*r + *w > 0) ratio = *r / (*r + *w);
    return RateChoice{*r + *w, "constants read_qps + write_qps", ratio, line_of("read_qps"),
                      "constants.read_qps"};
  }
  // Other *_qps / *_rate constants only hint at a rate (error_rate, hit_rate ...): taken when
  // clearly a rate, skipped otherwise.
  for (const auto& c : p.constants) {
    const bool rate_key = c.key.size() > 4 && (c.key.substr(c.key.size() - 4) == "_qps" ||
                                               c.key.substr(c.key.size() - 5) == "_rate");
    if (rate_key && c.number && *c.number > 1 && c.key.find("hit") == std::string::npos &&
        c.key.find("error") == std::string::npos && c.key.find("conflict") == std::string::npos) {
      return RateChoice{*c.number, "constant " + c.key, std::nullopt, c.line, "constants." + c.key};
    }
  }
  return std::nullopt;
}

}  // namespace

ResolvedWorkload ResolveWorkload(const spec::Problem& p, std::optional<double> rate_override) {
  ResolvedWorkload w;
  std::optional<RateChoice> choice = FromNfrs(p);
  if (!choice) choice = FromConstants(p);
  if (rate_override) {
    w.rate_rps = *rate_override;
    w.rate_source = "--rate";
  } else if (p.workload.rate_rps) {
    w.rate_rps = *p.workload.rate_rps;
    w.rate_source = "workload.rate_rps";
    w.rate_line = p.workload.rate_line;
    w.rate_field = "workload.rate_rps";
  } else if (choice) {
    w.rate_rps = choice->rate;
    w.rate_source = choice->source;
    w.rate_line = choice->line;
    w.rate_field = choice->field;
  } else {
    w.rate_rps = kDefaultRateRps;
    w.rate_source = "default (the problem states no per-second rate)";
  }

  auto r = p.NumberConstant("read_qps");
  auto wq = p.NumberConstant("write_qps");
  if (p.workload.read_ratio) {
    w.read_ratio = *p.workload.read_ratio;
    w.read_ratio_source = "workload.read_ratio";
  } else if (choice && choice->read_ratio) {
    w.read_ratio = *choice->read_ratio;
    w.read_ratio_source = choice->source;
  } else if (r && wq && *r + *wq > 0) {
    w.read_ratio = *r / (*r + *wq);
    w.read_ratio_source = "constants read_qps / write_qps";
  } else {
    w.read_ratio = kDefaultReadRatio;
    w.read_ratio_source = "default 90/10";
  }

  for (const auto& n : p.nfrs) {
    for (const auto& r : n.rates) {
      if (r.label == "start" && w.start_rps == 0) w.start_rps = r.per_second;
    }
  }
  if (p.workload.spike_multiplier) {
    w.spike_multiplier = *p.workload.spike_multiplier;
    w.spike_source = "workload.spike_multiplier";
  } else if (auto s = p.NumberConstant("spike_multiplier"); s && *s >= 1) {
    w.spike_multiplier = *s;
    w.spike_source = "constant spike_multiplier";
  } else {
    for (const auto& n : p.nfrs) {
      if (n.peak_multiplier && *n.peak_multiplier >= 1) {
        w.spike_multiplier = *n.peak_multiplier;
        w.spike_source = "NFR " + n.name;
        break;
      }
    }
    if (w.spike_source.empty()) w.spike_source = "default (none stated)";
  }
  return w;
}

namespace {

// The loader bounds workload.spike_multiplier and peak_multiplier; a constant is only a number.
void RequireSpike(const spec::Problem& p, const ResolvedWorkload& w) {
  const spec::Constant* k = p.FindConstant("spike_multiplier");
  if (k == nullptr || w.spike_source != "constant spike_multiplier") return;
  if (w.spike_multiplier <= kMaxSpikeMultiplier) return;
  throw spec::SpecError(p.source, k->line, "constants.spike_multiplier",
                        "a spike of " + spec::FormatNumber(w.spike_multiplier) +
                            " times the rate is over the limit of " +
                            spec::FormatNumber(kMaxSpikeMultiplier));
}

}  // namespace

void RequirePlannableWorkload(const spec::Problem& p, const ResolvedWorkload& w) {
  RequireSpike(p, w);
  std::string problem;
  if (!(w.rate_rps > 0)) {
    problem = "is " + spec::FormatNumber(w.rate_rps) +
              " req/s: a run would offer no load and pass; state a positive rate, or pass a "
              "positive --rate";
  } else if (!(w.rate_rps <= kMaxRateRps)) {
    problem = "is " + spec::FormatNumber(w.rate_rps) + " req/s, above the planner's limit of " +
              spec::FormatNumber(kMaxRateRps) + " req/s (docs/model.md, \"Limits\")";
  } else {
    return;
  }
  if (w.rate_source == "--rate") {
    throw std::invalid_argument("--rate " + spec::FormatNumber(w.rate_rps) +
                                ": expected a finite number in (0, " +
                                spec::FormatNumber(kMaxRateRps) + "]");
  }
  throw spec::SpecError(p.source, w.rate_line, w.rate_field,
                        "the client rate (" + w.rate_source + ") " + problem);
}

}  // namespace archload::planner

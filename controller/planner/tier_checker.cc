#include "controller/planner/tier_checker.h"

#include "common/spec/spec_yaml.h"

namespace archload::planner {
namespace {

std::optional<double> ParamValue(const spec::Component& c, const std::string& name) {
  if (name == "hit_rate") return c.hit_rate;
  if (name == "partitions" && c.partitions) return *c.partitions;
  if (name == "count" && c.count) return *c.count;
  if (name == "concurrency" && c.concurrency) return *c.concurrency;
  if (name == "capacity_rps") return c.capacity_rps;
  if (name == "queue_limit" && c.queue_limit) return *c.queue_limit;
  return std::nullopt;
}

std::string Fmt(double v) { return spec::FormatNumber(v); }

CheckResult Evaluate(const spec::TierCheck& check, const spec::Problem& problem,
                     const spec::Design& d) {
  CheckResult r;
  r.check = check;
  switch (check.kind) {
    case spec::CheckKind::kMustInclude: {
      for (const auto& c : d.components) {
        if (c.type == check.type) {
          r.pass = true;
          r.reason = "'" + c.name + "' is a " + check.type;
          return r;
        }
      }
      r.reason = "no component of type " + check.type;
      return r;
    }
    case spec::CheckKind::kMinCount: {
      int total = 0;
      for (const auto& c : d.components) {
        if (c.type == check.type) total += c.count.value_or(1);
      }
      r.pass = total >= check.min_count;
      r.reason = std::to_string(total) + " instance(s) of " + check.type + ", need " +
                 std::to_string(check.min_count);
      return r;
    }
    case spec::CheckKind::kConnectionFrom: {
      for (const auto& conn : d.connections) {
        const auto* from = d.Find(conn.from);
        if (from != nullptr && from->type == check.type) {
          r.pass = true;
          r.reason = conn.from + " -> " + conn.to;
          return r;
        }
      }
      r.reason = "no connection leaves a component of type " + check.type;
      return r;
    }
    case spec::CheckKind::kParamRange: {
      const size_t dot = check.param.find('.');
      const std::string type = check.param.substr(0, dot);
      const std::string name = check.param.substr(dot + 1);
      const auto range = RangeFor(check.param, problem);
      if (!range) {
        r.reason = "no range is defined for parameter " + check.param;
        return r;
      }
      int seen = 0;
      for (const auto& c : d.components) {
        if (c.type != type) continue;
        ++seen;
        const auto v = ParamValue(c, name);
        if (!v) {
          r.reason = "'" + c.name + "' sets no " + name;
          return r;
        }
        if (*v < range->min || *v > range->max) {
          r.reason = "'" + c.name + "' has " + name + " " + Fmt(*v) + ", outside [" +
                     Fmt(range->min) + ", " + Fmt(range->max) + "] (" + range->source + ")";
          return r;
        }
        r.reason += (r.reason.empty() ? "" : "; ") + std::string("'") + c.name + "' " + name + " " +
                    Fmt(*v) + " in [" + Fmt(range->min) + ", " + Fmt(range->max) + "]";
      }
      if (seen == 0) {
        r.reason = "no component of type " + type;
        return r;
      }
      r.pass = true;
      return r;
    }
  }
  return r;
}

}  // namespace

std::optional<ParamRange> RangeFor(const std::string& param, const spec::Problem& problem) {
  auto hit_range = [&](std::initializer_list<const char*> keys) {
    ParamRange r{0.8, 0.999, "default"};
    for (const char* k : keys) {
      if (auto v = problem.NumberConstant(k); v && *v > 0 && *v <= 1) {
        r.min = *v;
        r.max = std::max(r.max, *v);
        r.source = std::string("constant ") + k;
        break;
      }
    }
    return r;
  };
  if (param == "cache.hit_rate") return hit_range({"cache_hit_target", "cache_hit_rate"});
  if (param == "cdn.hit_rate") return hit_range({"cdn_hit_target", "cdn_hit_rate"});
  if (param == "stream.partitions" || param == "queue.partitions") {
    return ParamRange{1, 10000, "default"};
  }
  return std::nullopt;
}

std::vector<TierResult> CheckTiers(const spec::Problem& problem, const spec::Design& design) {
  std::vector<TierResult> out;
  for (const auto& tier : problem.tiers) {
    TierResult t;
    t.name = tier.name;
    for (const auto& check : tier.checks) {
      t.checks.push_back(Evaluate(check, problem, design));
      t.pass = t.pass && t.checks.back().pass;
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool AllPass(const std::vector<TierResult>& results) {
  for (const auto& r : results) {
    if (!r.pass) return false;
  }
  return true;
}

}  // namespace archload::planner

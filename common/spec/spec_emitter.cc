#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "common/spec/call_script_yaml.h"
#include "common/spec/nfr_parser.h"
#include "common/spec/spec_yaml.h"
#include "common/spec/yaml_scalar.h"
#include "common/text/utf8.h"

namespace archload::spec {
namespace {

void EmitServiceTime(YAML::Emitter& out, const ServiceTime& st) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "distribution" << YAML::Value << Scalar{st.distribution};
  if (st.distribution != "empirical") {
    out << YAML::Key << "mean_ms" << YAML::Value << FormatNumber(st.mean_ms);
  }
  if (st.write_mean_ms) {
    out << YAML::Key << "write_mean_ms" << YAML::Value << FormatNumber(*st.write_mean_ms);
  }
  if (st.distribution == "lognormal") {
    out << YAML::Key << "cv" << YAML::Value << FormatNumber(st.cv);
  }
  if (!st.samples_ms.empty()) {
    out << YAML::Key << "samples_ms" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double s : st.samples_ms) out << FormatNumber(s);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
}

void EmitComponent(YAML::Emitter& out, const Component& c) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << Scalar{c.name};
  out << YAML::Key << "type" << YAML::Value << Scalar{c.type};
  out << YAML::Key << "role" << YAML::Value << RoleName(c.role);
  auto opt_int = [&](const char* key, const std::optional<int>& v) {
    if (v) out << YAML::Key << key << YAML::Value << *v;
  };
  auto opt_num = [&](const char* key, const std::optional<double>& v) {
    if (v) out << YAML::Key << key << YAML::Value << FormatNumber(*v);
  };
  opt_int("count", c.count);
  opt_int("concurrency", c.concurrency);
  opt_num("capacity_rps", c.capacity_rps);
  opt_num("read_capacity_rps", c.read_capacity_rps);
  opt_num("write_capacity_rps", c.write_capacity_rps);
  opt_num("hit_rate", c.hit_rate);
  opt_int("queue_limit", c.queue_limit);
  opt_int("partitions", c.partitions);
  if (c.balance) out << YAML::Key << "balance" << YAML::Value << Scalar{*c.balance};
  if (c.added_by_planner) out << YAML::Key << "added_by_planner" << YAML::Value << true;
  if (c.keyspace) {
    out << YAML::Key << "keyspace" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "keys" << YAML::Value << c.keyspace->keys;
    out << YAML::Key << "zipf" << YAML::Value << FormatNumber(c.keyspace->zipf);
    out << YAML::Key << "capacity" << YAML::Value << c.keyspace->capacity;
    out << YAML::EndMap;
  }
  if (c.backend) {
    out << YAML::Key << "backend" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "kind" << YAML::Value << Scalar{c.backend->kind};
    if (!c.backend->address.empty()) {
      out << YAML::Key << "address" << YAML::Value << Scalar{c.backend->address};
    }
    if (c.backend->ttl_s) {
      out << YAML::Key << "ttl_s" << YAML::Value << FormatNumber(*c.backend->ttl_s);
    }
    if (c.backend->timeout_ms) {
      out << YAML::Key << "timeout_ms" << YAML::Value << FormatNumber(*c.backend->timeout_ms);
    }
    out << YAML::EndMap;
  }
  if (c.resilience) {
    const auto& r = *c.resilience;
    out << YAML::Key << "resilience" << YAML::Value << YAML::Flow << YAML::BeginMap;
    auto num = [&](const char* k, const std::optional<double>& v) {
      if (v) out << YAML::Key << k << YAML::Value << FormatNumber(*v);
    };
    auto integer = [&](const char* k, const std::optional<int>& v) {
      if (v) out << YAML::Key << k << YAML::Value << *v;
    };
    num("timeout_ms", r.timeout_ms);
    integer("retries", r.retries);
    num("backoff_base_ms", r.backoff_base_ms);
    num("backoff_max_ms", r.backoff_max_ms);
    num("retry_budget", r.retry_budget);
    integer("retry_budget_min_per_s", r.retry_budget_min_per_s);
    integer("max_pending", r.max_pending);
    num("check_interval_ms", r.check_interval_ms);
    num("check_timeout_ms", r.check_timeout_ms);
    integer("check_fall", r.check_fall);
    integer("check_rise", r.check_rise);
    integer("outlier_consecutive", r.outlier_consecutive);
    num("outlier_base_ms", r.outlier_base_ms);
    num("outlier_max_ms", r.outlier_max_ms);
    num("outlier_max_fraction", r.outlier_max_fraction);
    out << YAML::EndMap;
  }
  if (c.calls) {
    out << YAML::Key << "calls" << YAML::Value;
    EmitCallScript(out, *c.calls);
  }
  if (c.service_time) {
    out << YAML::Key << "service_time" << YAML::Value;
    EmitServiceTime(out, *c.service_time);
  }
  out << YAML::EndMap;
}

void EmitNfr(YAML::Emitter& out, const Nfr& n) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << Scalar{n.name};
  out << YAML::Key << "kind" << YAML::Value << NfrKindName(n.kind);
  out << YAML::Key << "raw" << YAML::Value << Scalar{n.raw};
  // An omitted list is parsed again from `raw` on loading, so a list that is empty although
  // `raw` yields targets (a file's explicit `latency: []`) is written as such.
  const Nfr from_raw = ParseNfr(n.name, n.raw);
  if (n.latency.empty() && !from_raw.latency.empty()) {
    out << YAML::Key << "latency" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  }
  if (n.rates.empty() && !from_raw.rates.empty()) {
    out << YAML::Key << "rates" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
  }
  if (!n.latency.empty()) {
    out << YAML::Key << "latency" << YAML::Value << YAML::BeginSeq;
    for (const auto& t : n.latency) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "percentile" << YAML::Value << FormatNumber(t.percentile);
      out << YAML::Key << "ms" << YAML::Value << FormatNumber(t.ms);
      out << YAML::Key << "label" << YAML::Value << Scalar{t.label};
      if (t.percentile_assumed) out << YAML::Key << "percentile_assumed" << YAML::Value << true;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (!n.rates.empty()) {
    out << YAML::Key << "rates" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : n.rates) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "per_second" << YAML::Value << FormatNumber(r.per_second);
      out << YAML::Key << "label" << YAML::Value << Scalar{r.label};
      out << YAML::Key << "class" << YAML::Value << Scalar{r.request_class};
      out << YAML::Key << "noun" << YAML::Value << Scalar{r.noun};
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (n.availability) {
    out << YAML::Key << "availability" << YAML::Value << FormatNumber(*n.availability);
  }
  if (n.peak_multiplier) {
    out << YAML::Key << "peak_multiplier" << YAML::Value << FormatNumber(*n.peak_multiplier);
  }
  out << YAML::EndMap;
}

// yaml-cpp writes a literal block (|) with neither a chomping nor an indentation indicator, so
// the block reads back ending in exactly one line break whatever the text ended in, and a block
// whose first line starts with a space does not read back at all. A text is therefore written as
// a block only when it ends in one line break (written without it, since reading adds it back)
// and the block is checked to read back as the same text; any other text is quoted with escapes.
std::optional<std::string> LiteralBody(const std::string& value) {
  if (value.size() < 2 || value.back() != '\n') return std::nullopt;
  const std::string body = value.substr(0, value.size() - 1);
  // A block holds its text raw, and a raw control character is not YAML (the loader refuses it):
  // such a text is quoted, its controls escaped.
  for (const unsigned char c : body) {
    if (c < 0x20 && c != '\t' && c != '\n') return std::nullopt;
  }
  // A key after the block, as in the file: at the end of the text the last line would lack its
  // line break.
  YAML::Emitter probe;
  probe << YAML::BeginMap << YAML::Key << "v" << YAML::Value << YAML::Literal << body << YAML::Key
        << "next" << YAML::Value << "" << YAML::EndMap;
  if (!probe.good()) return std::nullopt;
  try {
    const YAML::Node node = YAML::Load(probe.c_str());
    if (node["v"].IsScalar() && node["v"].Scalar() == value) return body;
  } catch (const YAML::Exception&) {
  }
  return std::nullopt;
}

void EmitText(YAML::Emitter& out, const char* key, const std::string& value) {
  out << YAML::Key << key << YAML::Value;
  if (const auto body = LiteralBody(value)) {
    out << YAML::Literal << *body;
  } else {
    out << Scalar{value};
  }
}

}  // namespace

std::string FormatNumber(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  for (int precision = 6; precision <= 17; ++precision) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

std::string EmitProblemYaml(const Problem& p) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << Scalar{p.id};
  out << YAML::Key << "title" << YAML::Value << Scalar{p.title};
  out << YAML::Key << "category" << YAML::Value << Scalar{p.category};
  out << YAML::Key << "difficulty" << YAML::Value << Scalar{p.difficulty};
  EmitText(out, "summary", p.summary);
  EmitText(out, "goal", p.goal);
  EmitText(out, "description", p.description);
  out << YAML::Key << "functional_requirements" << YAML::Value << YAML::BeginSeq;
  for (const auto& fr : p.functional_requirements) out << Scalar{fr};
  out << YAML::EndSeq;
  out << YAML::Key << "nfrs" << YAML::Value << YAML::BeginSeq;
  for (const auto& n : p.nfrs) EmitNfr(out, n);
  out << YAML::EndSeq;
  out << YAML::Key << "constants" << YAML::Value << YAML::BeginMap;
  for (const auto& c : p.constants) {
    out << YAML::Key << Scalar{c.key} << YAML::Value;
    if (c.number) {
      out << FormatNumber(*c.number);
    } else {
      out << YAML::DoubleQuoted << c.text;
    }
  }
  out << YAML::EndMap;
  out << YAML::Key << "available_components" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& a : p.available_components) out << Scalar{a};
  out << YAML::EndSeq;
  out << YAML::Key << "tiers" << YAML::Value << YAML::BeginSeq;
  for (const auto& t : p.tiers) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << Scalar{t.name};
    out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : t.checks) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "kind" << YAML::Value << CheckKindName(c.kind);
      if (c.kind == CheckKind::kParamRange) {
        out << YAML::Key << "param" << YAML::Value << Scalar{c.param};
      } else {
        out << YAML::Key << "type" << YAML::Value << Scalar{c.type};
      }
      if (c.kind == CheckKind::kMinCount) out << YAML::Key << "min" << YAML::Value << c.min_count;
      out << YAML::Key << "raw" << YAML::Value << Scalar{c.raw};
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (p.workload.rate_rps || p.workload.read_ratio || p.workload.spike_multiplier) {
    out << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
    if (p.workload.rate_rps) {
      out << YAML::Key << "rate_rps" << YAML::Value << FormatNumber(*p.workload.rate_rps);
    }
    if (p.workload.read_ratio) {
      out << YAML::Key << "read_ratio" << YAML::Value << FormatNumber(*p.workload.read_ratio);
    }
    if (p.workload.spike_multiplier) {
      out << YAML::Key << "spike_multiplier" << YAML::Value
          << FormatNumber(*p.workload.spike_multiplier);
    }
    out << YAML::EndMap;
  }
  if (p.design) {
    out << YAML::Key << "design" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "synthesized" << YAML::Value << p.design->synthesized;
    out << YAML::Key << "components" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : p.design->components) EmitComponent(out, c);
    out << YAML::EndSeq;
    out << YAML::Key << "connections" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : p.design->connections) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "from" << YAML::Value << Scalar{c.from};
      out << YAML::Key << "to" << YAML::Value << Scalar{c.to};
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    if (!p.design->faults.empty()) {
      out << YAML::Key << "faults" << YAML::Value << YAML::BeginSeq;
      for (const auto& f : p.design->faults) {
        out << YAML::BeginMap;
        out << YAML::Key << "kind" << YAML::Value << Scalar{f.kind};
        if (!f.component.empty())
          out << YAML::Key << "component" << YAML::Value << Scalar{f.component};
        if (f.instance) out << YAML::Key << "instance" << YAML::Value << *f.instance;
        if (!f.peer.empty()) out << YAML::Key << "peer" << YAML::Value << Scalar{f.peer};
        if (f.one_way) out << YAML::Key << "one_way" << YAML::Value << true;
        out << YAML::Key << "start_s" << YAML::Value << FormatNumber(f.start_s);
        out << YAML::Key << "duration_s" << YAML::Value << FormatNumber(f.duration_s);
        if (!f.restart) out << YAML::Key << "restart" << YAML::Value << false;
        if (f.fraction) out << YAML::Key << "fraction" << YAML::Value << FormatNumber(*f.fraction);
        if (f.delay) {
          out << YAML::Key << "delay" << YAML::Value;
          EmitServiceTime(out, *f.delay);
        }
        if (f.multiplier) {
          out << YAML::Key << "multiplier" << YAML::Value << FormatNumber(*f.multiplier);
        }
        if (f.agent) out << YAML::Key << "agent" << YAML::Value << *f.agent;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  std::string text(out.c_str(), out.size());  // not up to the first NUL a text may hold
  text.push_back('\n');
  return text;
}

}  // namespace archload::spec

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "common/spec/backend_address.h"
#include "common/spec/bounded_yaml.h"
#include "common/spec/call_script_yaml.h"
#include "common/spec/nfr_parser.h"
#include "common/spec/spec_yaml.h"
#include "common/spec/yaml_reader.h"

namespace archload::spec {
namespace {

using internal::Reader;

Nfr ReadNfr(const Reader& r, const YAML::Node& node, const std::string& field) {
  r.ExpectMap(node, field);
  r.OnlyKeys(node, field,
             {"name", "kind", "raw", "latency", "rates", "availability", "peak_multiplier"});
  const std::string name = r.Str(node, field, "name", true);
  const std::string raw = r.Str(node, field, "raw", true);
  // Parse the raw line; explicit parsed values in the file take precedence over the parser's.
  Nfr nfr = ParseNfr(name, raw);
  nfr.line = node["raw"].Mark().line + 1;
  const std::string kind = r.Str(node, field, "kind", false);
  if (!kind.empty()) {
    auto k = ParseNfrKind(kind);
    if (!k) {
      r.Fail(node["kind"], Reader::Join(field, "kind"),
             "unknown NFR kind '" + kind +
                 "' (expected latency, rate, availability, durability, consistency, other)");
    }
    nfr.kind = *k;
  }
  if (node["latency"].IsDefined()) {
    const std::string f = Reader::Join(field, "latency");
    r.ExpectSeq(node["latency"], f);
    nfr.latency.clear();
    for (size_t i = 0; i < node["latency"].size(); ++i) {
      const YAML::Node t = node["latency"][i];
      const std::string tf = Reader::Index(f, i);
      r.ExpectMap(t, tf);
      r.OnlyKeys(t, tf, {"percentile", "ms", "label", "percentile_assumed"});
      LatencyTarget lt;
      auto pct = r.Num(t, tf, "percentile", 0.0, 100.0);
      auto ms = r.Num(t, tf, "ms", 0.0, 1e12);
      if (!pct) r.Fail(t, Reader::Join(tf, "percentile"), "missing required field");
      if (!ms || *ms <= 0)
        r.Fail(t, Reader::Join(tf, "ms"), "a positive latency bound is required");
      lt.percentile = *pct;
      lt.ms = *ms;
      lt.label = r.Str(t, tf, "label", false);
      lt.percentile_assumed = r.Bool(t, tf, "percentile_assumed");
      nfr.latency.push_back(lt);
    }
  }
  if (node["rates"].IsDefined()) {
    const std::string f = Reader::Join(field, "rates");
    r.ExpectSeq(node["rates"], f);
    nfr.rates.clear();
    for (size_t i = 0; i < node["rates"].size(); ++i) {
      const YAML::Node t = node["rates"][i];
      const std::string tf = Reader::Index(f, i);
      r.ExpectMap(t, tf);
      r.OnlyKeys(t, tf, {"per_second", "label", "class", "noun"});
      RateValue rv;
      auto ps = r.Num(t, tf, "per_second", 0.0, 1e18);
      // 0 loads (as it parses from a raw line) and is refused by the planner, naming its line.
      if (!ps || *ps < 0) {
        r.Fail(t, Reader::Join(tf, "per_second"), "a rate of 0 or more is required");
      }
      rv.per_second = *ps;
      rv.label = r.Str(t, tf, "label", false);
      rv.request_class = r.Str(t, tf, "class", false);
      rv.noun = r.Str(t, tf, "noun", false);
      if (!rv.request_class.empty() && rv.request_class != "read" && rv.request_class != "write") {
        r.Fail(t["class"], Reader::Join(tf, "class"), "expected read, write or empty");
      }
      nfr.rates.push_back(rv);
    }
  }
  if (auto a = r.Num(node, field, "availability", 0.0, 1.0)) nfr.availability = a;
  if (auto pm = r.Num(node, field, "peak_multiplier", 1.0, 1e6)) nfr.peak_multiplier = pm;
  return nfr;
}

ServiceTime ReadServiceTime(const Reader& r, const YAML::Node& node, const std::string& field) {
  r.ExpectMap(node, field);
  r.OnlyKeys(node, field, {"distribution", "mean_ms", "write_mean_ms", "cv", "samples_ms"});
  ServiceTime st;
  st.distribution = r.Str(node, field, "distribution", true);
  if (st.distribution != "fixed" && st.distribution != "exponential" &&
      st.distribution != "lognormal" && st.distribution != "empirical") {
    r.Fail(node["distribution"], Reader::Join(field, "distribution"),
           "unknown distribution '" + st.distribution +
               "' (expected fixed, exponential, lognormal, empirical)");
  }
  if (st.distribution == "empirical") {
    const std::string f = Reader::Join(field, "samples_ms");
    const YAML::Node s = node["samples_ms"];
    if (!s.IsDefined() || !s.IsSequence() || s.size() == 0) {
      r.Fail(node, f, "an empirical distribution needs a non-empty list of samples");
    }
    double sum = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      YAML::Node holder;
      holder["v"] = s[i];
      auto v = r.Num(holder, Reader::Index(f, i), "v", 0.0, 1e9);
      st.samples_ms.push_back(*v);
      sum += *v;
    }
    st.mean_ms = sum / static_cast<double>(st.samples_ms.size());
  } else {
    auto mean = r.Num(node, field, "mean_ms", 0.0, 1e9);
    if (!mean || *mean <= 0) {
      r.Fail(node, Reader::Join(field, "mean_ms"), "a positive mean service time is required");
    }
    st.mean_ms = *mean;
    st.cv = r.Num(node, field, "cv", 0.0, 10.0).value_or(st.distribution == "lognormal" ? 0.5 : 0);
  }
  if (node["write_mean_ms"].IsDefined()) {
    auto w = r.Num(node, field, "write_mean_ms", 0.0, 1e9);
    if (!w || *w <= 0) {
      r.Fail(node["write_mean_ms"], Reader::Join(field, "write_mean_ms"),
             "a positive mean write time is required");
    }
    st.write_mean_ms = *w;
  }
  return st;
}

Component ReadComponent(const Reader& r, const YAML::Node& node, const std::string& field) {
  r.ExpectMap(node, field);
  r.OnlyKeys(node, field,
             {"name", "type", "role", "count", "concurrency", "capacity_rps", "read_capacity_rps",
              "write_capacity_rps", "hit_rate", "queue_limit", "partitions", "balance",
              "service_time", "calls", "keyspace", "backend", "resilience", "added_by_planner"});
  Component c;
  c.line = node.Mark().line + 1;
  c.name = r.Str(node, field, "name", true);
  c.type = r.Str(node, field, "type", true);
  c.role = RoleForType(c.type).role;
  const std::string role = r.Str(node, field, "role", false);
  if (!role.empty()) {
    auto parsed = ParseRole(role);
    if (!parsed) {
      r.Fail(node["role"], Reader::Join(field, "role"),
             "unknown role '" + role +
                 "' (expected client, proxy, edge_cache, service, cache, store, broker, worker)");
    }
    c.role_from_type = *parsed == c.role;
    c.role = *parsed;
  }
  c.count = r.Int(node, field, "count", 0, kMaxCount);
  c.concurrency = r.Int(node, field, "concurrency", 1, kMaxCount);
  c.capacity_rps = r.Num(node, field, "capacity_rps", 1e-9, 1e12);
  c.read_capacity_rps = r.Num(node, field, "read_capacity_rps", 1e-9, 1e12);
  c.write_capacity_rps = r.Num(node, field, "write_capacity_rps", 1e-9, 1e12);
  c.hit_rate = r.Num(node, field, "hit_rate", 0.0, 1.0);
  c.queue_limit = r.Int(node, field, "queue_limit", 0, 100000000);
  c.partitions = r.Int(node, field, "partitions", 1, kMaxCount);
  const std::string balance = r.Str(node, field, "balance", false);
  if (!balance.empty()) {
    if (balance != "round_robin" && balance != "least_outstanding" && balance != "p2c" &&
        balance != "random") {
      r.Fail(node["balance"], Reader::Join(field, "balance"),
             "unknown balancing '" + balance +
                 "' (expected round_robin, least_outstanding, p2c, random)");
    }
    c.balance = balance;
  }
  c.added_by_planner = r.Bool(node, field, "added_by_planner");
  if (node["backend"].IsDefined()) {
    const std::string f = Reader::Join(field, "backend");
    const YAML::Node b = node["backend"];
    r.ExpectMap(b, f);
    r.OnlyKeys(b, f, {"kind", "address", "ttl_s", "timeout_ms"});
    Backend be;
    be.kind = r.Str(b, f, "kind", true);
    be.address = r.Str(b, f, "address", false);
    be.ttl_s = r.Num(b, f, "ttl_s", 1e-3, 1e9);
    be.timeout_ms = r.Num(b, f, "timeout_ms", 1e-3, 1e7);
    if (const std::string why = BackendProblem(be, c.role); !why.empty()) r.Fail(b, f, why);
    c.backend = be;
  }
  if (node["resilience"].IsDefined()) {
    const std::string f = Reader::Join(field, "resilience");
    const YAML::Node n = node["resilience"];
    r.ExpectMap(n, f);
    r.OnlyKeys(n, f,
               {"timeout_ms", "retries", "backoff_base_ms", "backoff_max_ms", "retry_budget",
                "retry_budget_min_per_s", "max_pending", "check_interval_ms", "check_timeout_ms",
                "check_fall", "check_rise", "outlier_consecutive", "outlier_base_ms",
                "outlier_max_ms", "outlier_max_fraction"});
    Resilience res;
    res.timeout_ms = r.Num(n, f, "timeout_ms", 0.0, 1e7);
    res.retries = r.Int(n, f, "retries", 0, 100);
    res.backoff_base_ms = r.Num(n, f, "backoff_base_ms", 0.0, 1e7);
    res.backoff_max_ms = r.Num(n, f, "backoff_max_ms", 0.0, 1e7);
    res.retry_budget = r.Num(n, f, "retry_budget", -1.0, 100.0);
    res.retry_budget_min_per_s = r.Int(n, f, "retry_budget_min_per_s", 0, 1000000);
    res.max_pending = r.Int(n, f, "max_pending", 0, 100000000);
    res.check_interval_ms = r.Num(n, f, "check_interval_ms", 0.0, 1e7);
    if (res.check_interval_ms && *res.check_interval_ms > 0 && *res.check_interval_ms < 1) {
      r.Fail(n["check_interval_ms"], Reader::Join(f, "check_interval_ms"),
             "0 (no checks) or at least 1 ms");
    }
    res.check_timeout_ms = r.Num(n, f, "check_timeout_ms", 0.0, 1e7);
    res.check_fall = r.Int(n, f, "check_fall", 1, 1000);
    res.check_rise = r.Int(n, f, "check_rise", 1, 1000);
    res.outlier_consecutive = r.Int(n, f, "outlier_consecutive", 0, 1000000);
    res.outlier_base_ms = r.Num(n, f, "outlier_base_ms", 0.0, 1e9);
    res.outlier_max_ms = r.Num(n, f, "outlier_max_ms", 0.0, 1e9);
    res.outlier_max_fraction = r.Num(n, f, "outlier_max_fraction", 0.0, 1.0);
    c.resilience = res;
  }
  if (node["keyspace"].IsDefined()) {
    const std::string f = Reader::Join(field, "keyspace");
    const YAML::Node k = node["keyspace"];
    r.ExpectMap(k, f);
    r.OnlyKeys(k, f, {"keys", "zipf", "capacity"});
    Keyspace ks;
    auto keys = r.Num(k, f, "keys", 1, 1e12);
    auto capacity = r.Num(k, f, "capacity", 1, 1e12);
    if (!keys) r.Fail(k, Reader::Join(f, "keys"), "missing required field");
    if (!capacity) r.Fail(k, Reader::Join(f, "capacity"), "missing required field");
    ks.keys = static_cast<int64_t>(*keys);
    ks.capacity = static_cast<int64_t>(*capacity);
    ks.zipf = r.Num(k, f, "zipf", 0.0, 10.0).value_or(0.99);
    if (c.role != Role::kCache && c.role != Role::kEdgeCache) {
      r.Fail(k, f, "only caches and CDNs hold a key space");
    }
    c.keyspace = ks;
  }
  if (node["calls"].IsDefined()) {
    c.calls = ReadCallScript(
        node["calls"], Reader::Join(field, "calls"),
        [&r](const YAML::Node& n, const std::string& f, const std::string& m) { r.Fail(n, f, m); });
  }
  if (node["service_time"].IsDefined()) {
    c.service_time = ReadServiceTime(r, node["service_time"], Reader::Join(field, "service_time"));
  }
  return c;
}

Fault ReadFault(const Reader& r, const YAML::Node& node, const std::string& field) {
  r.ExpectMap(node, field);
  r.OnlyKeys(node, field,
             {"kind", "component", "instance", "peer", "one_way", "start_s", "duration_s",
              "restart", "fraction", "delay", "multiplier", "agent"});
  Fault f;
  f.line = node.Mark().line + 1;
  f.kind = r.Str(node, field, "kind", true);
  if (f.kind != "kill" && f.kind != "hang" && f.kind != "slow" && f.kind != "errors" &&
      f.kind != "partition" && f.kind != "overload" && f.kind != "kill_agent") {
    r.Fail(node["kind"], Reader::Join(field, "kind"),
           "unknown fault '" + f.kind +
               "' (expected kill, hang, slow, errors, partition, overload, kill_agent)");
  }
  const bool overload = f.kind == "overload";
  const bool agent = f.kind == "kill_agent";
  if ((overload || agent) && node["component"].IsDefined()) {
    r.Fail(node["component"], Reader::Join(field, "component"),
           overload ? "an overload surges every load generator: it names no component"
                    : "a kill_agent names an agent, not a component");
  }
  f.component = r.Str(node, field, "component", !overload && !agent);
  f.agent = r.Int(node, field, "agent", 0, 1000000);
  if (agent && !f.agent) r.Fail(node, Reader::Join(field, "agent"), "a kill_agent names its agent");
  f.instance = r.Int(node, field, "instance", 0, kMaxCount);
  f.peer = r.Str(node, field, "peer", f.kind == "partition");
  f.one_way = r.Bool(node, field, "one_way");
  f.start_s = r.Num(node, field, "start_s", 0.0, 1e7).value_or(0);
  f.duration_s = r.Num(node, field, "duration_s", 0.0, 1e7).value_or(0);
  f.restart = !node["restart"].IsDefined() || r.Bool(node, field, "restart");
  f.fraction = r.Num(node, field, "fraction", 1e-9, 1.0);
  f.multiplier = r.Num(node, field, "multiplier", 1e-3, 1e6);
  if (node["delay"].IsDefined()) {
    f.delay = ReadServiceTime(r, node["delay"], Reader::Join(field, "delay"));
  }
  if (f.kind == "slow" && !f.delay)
    r.Fail(node, Reader::Join(field, "delay"), "a slow fault needs a delay");
  if (overload && !f.multiplier) {
    r.Fail(node, Reader::Join(field, "multiplier"), "an overload needs a multiplier");
  }
  return f;
}

Design ReadDesign(const Reader& r, const YAML::Node& node) {
  const std::string field = "design";
  r.ExpectMap(node, field);
  r.OnlyKeys(node, field, {"synthesized", "components", "connections", "faults"});
  Design d;
  d.synthesized = r.Bool(node, field, "synthesized");
  const YAML::Node comps = node["components"];
  if (!comps.IsDefined() || !comps.IsSequence() || comps.size() == 0) {
    r.Fail(comps.IsDefined() ? comps : node, "design.components",
           "a design needs a non-empty list of components");
  }
  std::set<std::string> names;
  for (size_t i = 0; i < comps.size(); ++i) {
    const std::string f = Reader::Index("design.components", i);
    Component c = ReadComponent(r, comps[i], f);
    if (!names.insert(c.name).second) {
      r.Fail(comps[i]["name"], Reader::Join(f, "name"),
             "duplicate component name '" + c.name + "'");
    }
    d.components.push_back(std::move(c));
  }
  const YAML::Node conns = node["connections"];
  if (conns.IsDefined() && !conns.IsNull()) {
    r.ExpectSeq(conns, "design.connections");
    for (size_t i = 0; i < conns.size(); ++i) {
      const std::string f = Reader::Index("design.connections", i);
      r.ExpectMap(conns[i], f);
      r.OnlyKeys(conns[i], f, {"from", "to"});
      Connection c;
      c.line = conns[i].Mark().line + 1;
      c.from = r.Str(conns[i], f, "from", true);
      c.to = r.Str(conns[i], f, "to", true);
      for (const char* end : {"from", "to"}) {
        const std::string& n = std::string(end) == "from" ? c.from : c.to;
        if (!names.count(n)) {
          r.Fail(conns[i][end], Reader::Join(f, end), "no component is named '" + n + "'");
        }
      }
      d.connections.push_back(std::move(c));
    }
  }
  const YAML::Node faults = node["faults"];
  if (faults.IsDefined() && !faults.IsNull()) {
    r.ExpectSeq(faults, "design.faults");
    for (size_t i = 0; i < faults.size(); ++i) {
      Fault f = ReadFault(r, faults[i], Reader::Index("design.faults", i));
      for (const std::string* n : {&f.component, &f.peer}) {
        if (!n->empty() && !names.count(*n)) {
          r.Fail(faults[i], Reader::Index("design.faults", i),
                 "no component is named '" + *n + "'");
        }
      }
      d.faults.push_back(std::move(f));
    }
  }
  // Every component a script calls must exist.
  for (size_t i = 0; i < d.components.size(); ++i) {
    const auto& c = d.components[i];
    if (!c.calls) continue;
    for (const auto* steps : {&c.calls->read, &c.calls->write}) {
      if (!*steps) continue;
      for (const auto& step : **steps) {
        for (const auto& call : step.calls) {
          if (!names.count(call.target)) {
            r.Fail(comps[i]["calls"], Reader::Index("design.components", i) + ".calls",
                   "calls '" + call.target + "', which is not a component of the design");
          }
        }
      }
    }
  }
  return d;
}

}  // namespace

Fault ParseFaultFlag(const std::string& text) {
  const std::string source = "--fault '" + text + "'";
  const YAML::Node node = LoadBoundedYaml(text, source);
  return ReadFault(Reader(source), node, "fault");
}

Problem ParseProblemYaml(const std::string& text, const std::string& source) {
  const YAML::Node root = LoadBoundedYaml(text, source);
  Reader r(source);
  if (!root.IsMap()) throw SpecError(source, 1, "", "expected a YAML mapping at the top level");
  r.OnlyKeys(root, "",
             {"id", "title", "category", "difficulty", "summary", "goal", "description",
              "functional_requirements", "nfrs", "constants", "available_components", "tiers",
              "workload", "design"});
  Problem p;
  p.source = source;
  try {
    p.id = r.Str(root, "", "id", true);
    if (p.id.empty() || p.id.find_first_of("/\\ \t") != std::string::npos) {
      r.Fail(root["id"], "id", "an id must be non-empty and hold no spaces or slashes");
    }
    p.title = r.Str(root, "", "title", false);
    p.category = r.Str(root, "", "category", false);
    p.difficulty = r.Str(root, "", "difficulty", false);
    // Prose keeps no surrounding blank lines: the `|` block EmitProblemYaml writes for a
    // multi-line text always reads back with one trailing newline, whatever the text had.
    p.summary = r.Str(root, "", "summary", false);
    p.goal = r.Str(root, "", "goal", false);
    p.description = r.Str(root, "", "description", false);
    p.functional_requirements = r.StrList(root, "", "functional_requirements");
    p.available_components = r.StrList(root, "", "available_components");
    if (root["nfrs"].IsDefined() && !root["nfrs"].IsNull()) {
      r.ExpectSeq(root["nfrs"], "nfrs");
      for (size_t i = 0; i < root["nfrs"].size(); ++i) {
        p.nfrs.push_back(ReadNfr(r, root["nfrs"][i], Reader::Index("nfrs", i)));
      }
    }
    if (root["constants"].IsDefined() && !root["constants"].IsNull()) {
      r.ExpectMap(root["constants"], "constants");
      for (const auto& kv : root["constants"]) {
        Constant c;
        c.key = kv.first.as<std::string>();
        c.line = kv.first.Mark().line + 1;
        if (!kv.second.IsScalar()) r.Fail(kv.second, "constants." + c.key, "expected a value");
        c.text = kv.second.as<std::string>();
        // A quoted value stays text even when it looks like a number.
        if (kv.second.Tag() != "!") c.number = ParseScaledNumber(c.text);
        if (!c.number && kv.second.Tag() != "!") {
          char* end = nullptr;
          const double d = std::strtod(c.text.c_str(), &end);
          if (end != c.text.c_str() && *end == '\0') c.number = d;
        }
        if (c.number && !std::isfinite(*c.number)) {
          r.Fail(kv.second, "constants." + c.key,
                 "expected a finite number, got '" + c.text + "' (quote it to keep it as text)");
        }
        if (c.number) c.text.clear();
        p.constants.push_back(std::move(c));
      }
    }
    if (root["tiers"].IsDefined() && !root["tiers"].IsNull()) {
      r.ExpectSeq(root["tiers"], "tiers");
      for (size_t i = 0; i < root["tiers"].size(); ++i) {
        const std::string f = Reader::Index("tiers", i);
        const YAML::Node tn = root["tiers"][i];
        r.ExpectMap(tn, f);
        r.OnlyKeys(tn, f, {"name", "checks"});
        Tier t;
        t.name = r.Str(tn, f, "name", true);
        const YAML::Node checks = tn["checks"];
        if (checks.IsDefined() && !checks.IsNull()) {
          r.ExpectSeq(checks, Reader::Join(f, "checks"));
          for (size_t j = 0; j < checks.size(); ++j) {
            const std::string cf = Reader::Index(Reader::Join(f, "checks"), j);
            r.ExpectMap(checks[j], cf);
            r.OnlyKeys(checks[j], cf, {"kind", "type", "min", "param", "raw"});
            TierCheck c;
            const std::string kind = r.Str(checks[j], cf, "kind", true);
            auto k = ParseCheckKind(kind);
            if (!k) {
              r.Fail(checks[j]["kind"], Reader::Join(cf, "kind"),
                     "unknown check '" + kind +
                         "' (expected must_include, min_count, connection_from, param_range)");
            }
            c.kind = *k;
            c.raw = r.Str(checks[j], cf, "raw", false);
            if (c.kind == CheckKind::kParamRange) {
              c.param = r.Str(checks[j], cf, "param", true);
              if (c.param.find('.') == std::string::npos) {
                r.Fail(checks[j]["param"], Reader::Join(cf, "param"),
                       "expected <type>.<parameter>, e.g. cache.hit_rate");
              }
            } else {
              c.type = r.Str(checks[j], cf, "type", true);
            }
            if (c.kind == CheckKind::kMinCount) {
              auto m = r.Int(checks[j], cf, "min", 0, kMaxCount);
              if (!m) r.Fail(checks[j], Reader::Join(cf, "min"), "missing required field");
              c.min_count = *m;
            }
            t.checks.push_back(std::move(c));
          }
        }
        p.tiers.push_back(std::move(t));
      }
    }
    if (root["workload"].IsDefined() && !root["workload"].IsNull()) {
      const YAML::Node w = root["workload"];
      r.ExpectMap(w, "workload");
      r.OnlyKeys(w, "workload", {"rate_rps", "read_ratio", "spike_multiplier"});
      p.workload.rate_rps = r.Num(w, "workload", "rate_rps", 1e-9, 1e15);
      if (p.workload.rate_rps) p.workload.rate_line = w["rate_rps"].Mark().line + 1;
      p.workload.read_ratio = r.Num(w, "workload", "read_ratio", 0.0, 1.0);
      p.workload.spike_multiplier = r.Num(w, "workload", "spike_multiplier", 1.0, 1e6);
    }
    if (root["design"].IsDefined() && !root["design"].IsNull()) {
      p.design = ReadDesign(r, root["design"]);
    }
  } catch (const YAML::Exception& e) {
    throw SpecError(source, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", e.msg);
  }
  return p;
}

Problem LoadProblemFile(const std::filesystem::path& path) {
  return ParseProblemYaml(ReadBoundedYamlText(path), path.string());
}

}  // namespace archload::spec

#pragma once

// The problem/design schema shared by the catalog, the planner and (later) the agents. One struct
// per YAML section; docs/spec.md documents the YAML form with an annotated example.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/spec/roles.h"

namespace archload::spec {

struct LatencyTarget {
  double percentile = 99;  // 50, 95, 99, 99.9 ...
  double ms = 0;
  std::string label;  // "redirects", "message delivery"; empty for the headline target
  bool percentile_assumed = false;  // the line named no percentile ("Flag check < 5ms"): P99
};

struct RateValue {
  double per_second = 0;
  std::string label;          // normal | peak | start | target
  std::string request_class;  // read | write | empty (all classes)
  std::string noun;           // what is counted: "requests", "redirects", "tile fetches"
};

enum class NfrKind { kLatency, kRate, kAvailability, kDurability, kConsistency, kOther };
const char* NfrKindName(NfrKind kind);
std::optional<NfrKind> ParseNfrKind(const std::string& name);

struct Nfr {
  std::string name;  // as the seed names it: "Latency", "Request Rate", "Data Durability"
  NfrKind kind = NfrKind::kOther;
  std::string raw;  // the line as written; every parsed value below comes from it
  std::vector<LatencyTarget> latency;
  std::vector<RateValue> rates;
  std::optional<double> availability;     // a fraction: 0.9999
  std::optional<double> peak_multiplier;  // "Peak traffic 2x normal load"
  int line = 0;  // 1-based line of `raw` in the file it came from; 0 when built in memory
};

// A constant keeps its number when the seed gave one and its text otherwise ("L5", "true").
struct Constant {
  std::string key;
  std::optional<double> number;
  std::string text;
  int line = 0;  // 1-based line in the file it came from; 0 when built in memory
};

enum class CheckKind { kMustInclude, kMinCount, kConnectionFrom, kParamRange };
const char* CheckKindName(CheckKind kind);
std::optional<CheckKind> ParseCheckKind(const std::string& name);

struct TierCheck {
  CheckKind kind = CheckKind::kMustInclude;
  std::string type;   // component type for include / count / connection checks
  int min_count = 0;  // kMinCount
  std::string param;  // kParamRange: "cache.hit_rate"
  std::string raw;    // the seed's line
};

struct Tier {
  std::string name;
  std::vector<TierCheck> checks;
};

struct ServiceTime {
  std::string distribution = "lognormal";  // fixed | exponential | lognormal | empirical
  double mean_ms = 0;
  double cv = 0;                   // coefficient of variation (lognormal)
  std::vector<double> samples_ms;  // empirical
  // A write's mean, when it is not the type's ratio to mean_ms (a store's default write time is
  // 5x its read time): the same distribution and cv.
  std::optional<double> write_mean_ms;
};

// An explicit call script (`calls:` in a design) replaces a component's default call rules.
struct ScriptCall {
  std::string target;         // component name
  double weight = 1;          // one_of
  double probability = 1;     // the call happens with this probability
  bool local_only = false;    // a cache-aside op: the target calls nobody
  std::string request_class;  // read | write | empty: the class of the request being served
};

struct ScriptStep {
  bool one_of = false;          // pick one call by weight (else all of them)
  bool parallel = false;        // all at once, wait for all (else one after another)
  std::string when = "always";  // always | miss (after a lookup step missed) | self_miss
  bool lookup = false;          // this step's hit/miss decides later `when: miss` steps
  bool async = false;           // fire and forget
  std::vector<ScriptCall> calls;
};

struct CallScript {
  std::optional<std::vector<ScriptStep>> read;
  std::optional<std::vector<ScriptStep>> write;
};

// A real key space behind a cache: requests carry Zipf-distributed keys and each instance keeps
// an LRU of `capacity` keys, so the hit ratio is measured rather than configured.
struct Keyspace {
  int64_t keys = 0;      // distinct keys
  double zipf = 0.99;    // skew s: rank k is requested with probability ∝ k^-s
  int64_t capacity = 0;  // keys one instance holds
};

// A real component behind a group (docs/backends.md): its instances pass their work to it
// instead of emulating it. redis: a cache or store group (GET, SET, DEL); kafka: a broker group
// (produce, consumer groups); haproxy: a proxy group archload configures and starts.
struct Backend {
  std::string kind;     // redis | kafka | haproxy
  std::string address;  // redis: host:port; kafka: host:port[,host:port...]; haproxy: host:port
                        // to listen on (empty: any free loopback port)
  std::optional<double> ttl_s;       // redis: the expiry of what a fill sets
  std::optional<double> timeout_ms;  // a call the backend has not answered by then fails
};

// How callers of a component detect and survive its failures (docs/faults.md). Unset fields
// take the defaults of common/model/resilience.h.
struct Resilience {
  std::optional<double> timeout_ms, backoff_base_ms, backoff_max_ms, retry_budget;
  std::optional<int> retries, retry_budget_min_per_s, max_pending;
  std::optional<double> check_interval_ms, check_timeout_ms;
  std::optional<int> check_fall, check_rise;
  std::optional<int> outlier_consecutive;
  std::optional<double> outlier_base_ms, outlier_max_ms, outlier_max_fraction;
};

// An injected fault (docs/faults.md). Times are seconds from the load's start.
struct Fault {
  std::string kind;             // kill | hang | slow | errors | partition | overload
  std::string component;        // the target (partition: the calling side); overload: none
  std::optional<int> instance;  // one instance (after --scale); none: all of them
  std::string peer;             // partition: the called side
  bool one_way = false;         // partition: only calls from `component` to `peer`
  double start_s = 0;
  double duration_s = 0;             // 0: until the run ends
  bool restart = true;               // kill
  std::optional<double> fraction;    // slow, errors
  std::optional<ServiceTime> delay;  // slow
  std::optional<double> multiplier;  // overload
  std::optional<int> agent;          // kill_agent: the agent's index in the run
  int line = 0;
};

struct Component {
  std::string name;
  std::string type;
  Role role = Role::kService;
  bool role_from_type = true;  // false when the file set `role:` explicitly
  std::optional<int> count;
  std::optional<int> concurrency;
  std::optional<double> capacity_rps;        // per instance, all classes
  std::optional<double> read_capacity_rps;   // stores: per instance
  std::optional<double> write_capacity_rps;  // stores: per instance
  std::optional<double> hit_rate;            // cache, cdn
  std::optional<int> queue_limit;
  std::optional<int> partitions;  // stream
  // How this group picks an instance of a group it calls: round_robin | least_outstanding | p2c |
  // random (each instance then sees a Poisson share of a Poisson stream: M/M/c exactly).
  std::optional<std::string> balance;
  std::optional<ServiceTime> service_time;
  std::optional<CallScript> calls;
  std::optional<Keyspace> keyspace;      // cache, cdn
  std::optional<Backend> backend;        // a real component instead of the emulation
  std::optional<Resilience> resilience;  // how callers treat it (docs/faults.md)
  bool added_by_planner = false;         // not in the source design; added to satisfy its tiers
  int line = 0;  // 1-based line in the file it came from; 0 when built in memory
};

struct Connection {
  std::string from;
  std::string to;
  int line = 0;
};

struct Design {
  bool synthesized = false;  // built from available components, not the seed's reference
  std::vector<Component> components;
  std::vector<Connection> connections;
  std::vector<Fault> faults;

  const Component* Find(const std::string& name) const;
  Component* Find(const std::string& name);
};

// Optional overrides of what the NFRs and constants imply; a user's design file may set them.
struct Workload {
  std::optional<double> rate_rps;
  std::optional<double> read_ratio;
  std::optional<double> spike_multiplier;
  int rate_line = 0;  // 1-based line of rate_rps, for errors about the rate
};

struct Problem {
  std::string id;
  std::string title;
  std::string category;
  std::string difficulty;
  std::string summary;
  std::string goal;
  std::string description;
  std::vector<std::string> functional_requirements;
  std::vector<Nfr> nfrs;
  std::vector<Constant> constants;
  std::vector<std::string> available_components;
  std::vector<Tier> tiers;
  std::optional<Design> design;
  Workload workload;
  std::string source;  // the file it was loaded from (for error messages)

  const Constant* FindConstant(const std::string& key) const;
  std::optional<double> NumberConstant(const std::string& key) const;
};

}  // namespace archload::spec

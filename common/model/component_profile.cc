#include "common/model/component_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/model/zipf.h"
#include "common/spec/spec_yaml.h"

namespace archload::model {

using spec::Role;

TypeDefaults DefaultsFor(const spec::Component& c) {
  // Service times are emulated waits, not CPU. Capacities follow: concurrency / service time.
  switch (c.role) {
    case Role::kClient:
      return {0, 0, 1, 0, "fixed"};
    case Role::kProxy:  // an L7 proxy hop: 0.2 ms, 8 in flight -> 40k req/s
      return {0.2, 0.2, 8, 0.3, "lognormal"};
    case Role::kEdgeCache:  // an edge PoP answering from memory: 2 ms, 200 in flight -> 100k/s
      return {2, 2, 200, 0.5, "lognormal"};
    case Role::kService:  // an app handler: 10 ms, 2 workers -> 200 req/s
      return {10, 10, 2, 0.5, "lognormal"};
    case Role::kCache:  // an in-memory key-value lookup: 0.5 ms, 25 in flight -> 50k ops/s
      return {0.5, 0.5, 25, 0.5, "lognormal"};
    case Role::kBroker:  // append + ack: 1 ms, 50 in flight -> 50k publishes/s
      return {1, 1, 50, 0.5, "lognormal"};
    case Role::kWorker:  // a consumer's processing: 20 ms, 8 in flight -> 400 msg/s
      return {20, 20, 8, 0.5, "lognormal"};
    case Role::kStore:
      if (spec::IsSearchType(c.type)) return {5, 20, 10, 0.5, "lognormal"};        // 2000 / 500
      if (spec::IsObjectStoreType(c.type)) return {10, 25, 50, 0.5, "lognormal"};  // 5000 / 2000
      return {2, 10, 10, 0.5, "lognormal"};  // a SQL database: 5000 reads/s, 1000 writes/s
  }
  return {10, 10, 2, 0.5, "lognormal"};
}

namespace {

struct CapacityConstant {
  std::optional<double> read;
  std::optional<double> write;
  std::string source;
};

// Problem constants that state a per-instance capacity for a component type.
CapacityConstant CapacityFromConstants(const spec::Component& c, const spec::Problem& p) {
  CapacityConstant out;
  auto use = [&](const std::string& key, bool read, bool write) {
    auto v = p.NumberConstant(key);
    if (!v || *v <= 0) return;
    if (read && !out.read) out.read = v;
    if (write && !out.write) out.write = v;
    out.source += (out.source.empty() ? "constant " : ", ") + key;
  };
  use(c.type + "_capacity_per_instance", true, true);
  if (c.role == Role::kStore && (spec::IsPrimaryType(c.type) || spec::IsReplicaType(c.type))) {
    use("db_read_capacity", true, false);
    use("db_write_capacity", false, true);
  }
  return out;
}

// "design.components[3]" for errors about `c`, found by its (unique) name in the problem.
std::string FieldOf(const spec::Component& c, const spec::Problem& p) {
  if (p.design) {
    for (size_t i = 0; i < p.design->components.size(); ++i) {
      if (p.design->components[i].name == c.name) {
        return "design.components[" + std::to_string(i) + "]";
      }
    }
  }
  return "design";
}

// The concurrency that gives `capacity_rps` at `service_ms` per request. Refused past the
// largest concurrency a file may state rather than cast: a capacity of 1e12 req/s at 1 s per
// request once wrapped to a negative int and silently became a concurrency of 1.
int ConcurrencyFor(double capacity_rps, double service_ms, const spec::Component& c,
                   const spec::Problem& p) {
  const double concurrency = std::round(capacity_rps * service_ms / 1000.0);
  if (!(concurrency <= spec::kMaxCount)) {
    throw spec::SpecError(p.source, c.line, FieldOf(c, p),
                          "'" + c.name + "': a capacity of " + spec::FormatNumber(capacity_rps) +
                              " req/s at " + spec::FormatNumber(service_ms) +
                              " ms per request needs " + spec::FormatNumber(concurrency) +
                              " requests in service at once, over the limit of " +
                              std::to_string(spec::kMaxCount) +
                              ": check the capacity, or set service_time or concurrency");
  }
  return std::max(1, static_cast<int>(concurrency));
}

std::optional<double> HitRateConstant(const spec::Component& c, const spec::Problem& p,
                                      std::string* source) {
  const std::vector<std::string> keys =
      c.role == Role::kEdgeCache ? std::vector<std::string>{"cdn_hit_target", "cdn_hit_rate"}
                                 : std::vector<std::string>{"cache_hit_target", "cache_hit_rate"};
  for (const auto& k : keys) {
    if (auto v = p.NumberConstant(k); v && *v > 0 && *v <= 1) {
      *source = "constant " + k;
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace

ComponentProfile ResolveProfile(const spec::Component& c, const spec::Problem& p) {
  const TypeDefaults d = DefaultsFor(c);
  ComponentProfile out;
  out.distribution = d.distribution;
  out.cv = d.cv;
  if (c.service_time) {
    out.distribution = c.service_time->distribution;
    out.cv = c.service_time->distribution == "exponential" ? 1.0
             : c.service_time->distribution == "fixed"     ? 0.0
                                                           : c.service_time->cv;
    out.samples_ms = c.service_time->samples_ms;
    if (c.service_time->distribution == "empirical" && !out.samples_ms.empty()) {
      double mean = 0, sq = 0;
      for (double s : out.samples_ms) mean += s;
      mean /= static_cast<double>(out.samples_ms.size());
      for (double s : out.samples_ms) sq += (s - mean) * (s - mean);
      const double sd = std::sqrt(sq / static_cast<double>(out.samples_ms.size()));
      out.cv = mean > 0 ? sd / mean : 0;
    }
  }

  // Capacity: explicit parameter, then problem constant, then the default implied by the type.
  std::optional<double> read_cap = c.read_capacity_rps ? c.read_capacity_rps : c.capacity_rps;
  std::optional<double> write_cap = c.write_capacity_rps ? c.write_capacity_rps : c.capacity_rps;
  if (read_cap || write_cap) out.capacity_source = "param";
  const CapacityConstant k = CapacityFromConstants(c, p);
  if (!read_cap && k.read) {
    read_cap = k.read;
    out.capacity_source = k.source;
  }
  if (!write_cap && k.write) {
    write_cap = k.write;
    if (out.capacity_source.empty()) out.capacity_source = k.source;
  }

  // The explicit service time, else the type's; the class service times keep their ratio.
  const double read_ms = c.service_time ? c.service_time->mean_ms : d.read_service_ms;
  const bool write_stated = c.service_time && c.service_time->write_mean_ms;
  const double write_ms = write_stated     ? *c.service_time->write_mean_ms
                          : c.service_time ? c.service_time->mean_ms * d.write_service_ms /
                                                 std::max(d.read_service_ms, 1e-9)
                                           : d.write_service_ms;
  if (c.concurrency) {
    out.concurrency = *c.concurrency;
  } else if (read_cap && read_ms > 0) {
    // Keep the type's service time and find the concurrency that gives the stated capacity.
    out.concurrency = ConcurrencyFor(*read_cap, read_ms, c, p);
  } else {
    out.concurrency = d.concurrency;
  }
  if (c.role == Role::kClient) {
    out.read = out.write = {0, 0};
  } else {
    // Both a capacity and the behaviour behind it (service time and concurrency) stated: the
    // BoE believes the capacity, the run emulates the behaviour.
    const bool behaviour_stated = c.service_time && c.concurrency;
    auto finish = [&](std::optional<double> cap, double ms) {
      ClassProfile cp;
      if (cap) {
        cp.capacity_rps = *cap;
        cp.service_ms = out.concurrency * 1000.0 / *cap;
        if (behaviour_stated && ms > 0 && std::abs(ms - cp.service_ms) > 0.01 * cp.service_ms) {
          cp.emulated_service_ms = ms;
        }
      } else {
        cp.service_ms = ms;
        cp.capacity_rps = ms > 0 ? out.concurrency * 1000.0 / ms : 0;
      }
      return cp;
    };
    out.read = finish(read_cap, read_ms);
    // A write capacity without its own figure scales with the read one by the type's ratio.
    if (!write_cap && read_cap && write_stated && write_ms > 0) {
      write_cap = *read_cap * read_ms / write_ms;  // the stated times' ratio
    } else if (!write_cap && read_cap && c.role == Role::kStore) {
      write_cap = *read_cap * d.read_service_ms / std::max(d.write_service_ms, 1e-9);
    } else if (!write_cap && read_cap) {
      write_cap = read_cap;
    }
    out.write = finish(write_cap, write_ms);
    if (out.read.emulated_service_ms > 0) {
      char buf[320];
      std::snprintf(buf, sizeof buf,
                    "'%s': the stated capacity (%.4g req/s per instance) disagrees with its "
                    "service_time (%.4g ms) and concurrency (%d), which give %.4g req/s: the BoE "
                    "uses the statement, the run emulates the service time",
                    c.name.c_str(), out.read.capacity_rps, out.read.emulated_service_ms,
                    out.concurrency, out.concurrency * 1000.0 / out.read.emulated_service_ms);
      out.disagreement = buf;
    }
  }
  if (out.capacity_source.empty()) {
    out.capacity_source = c.service_time || c.concurrency
                              ? "param service_time/concurrency"
                              : "default for " + std::string(RoleName(c.role));
  }

  if (c.role == Role::kCache || c.role == Role::kEdgeCache) {
    if (c.keyspace) {
      // Keys are sharded over the instances, so together they hold count × capacity keys.
      const auto held = static_cast<uint64_t>(c.keyspace->capacity) *
                        static_cast<uint64_t>(std::max(1, c.count.value_or(1)));
      out.hit_rate = LruHitRatio(static_cast<uint64_t>(c.keyspace->keys), c.keyspace->zipf, held);
      out.hit_rate_source = "LRU of " + std::to_string(held) + " keys over " +
                            std::to_string(c.keyspace->keys) + " Zipf keys (Che)";
    } else if (c.hit_rate) {
      out.hit_rate = c.hit_rate;
      out.hit_rate_source = "param";
    } else if (auto h = HitRateConstant(c, p, &out.hit_rate_source)) {
      out.hit_rate = h;
    } else {
      out.hit_rate = c.role == Role::kCache ? kDefaultCacheHitRate : kDefaultCdnHitRate;
      out.hit_rate_source = "default";
    }
  }
  return out;
}

}  // namespace archload::model

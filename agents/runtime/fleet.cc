#include "agents/runtime/fleet.h"

#include <cctype>
#include <cstdlib>

#include "agents/backend/kafka_backend.h"
#include "agents/backend/redis_backend.h"
#include "archload/v1/faults.h"
#include "archload/v1/roles.h"
#include "common/model/seed.h"
#include "common/stats/bucket_layout.h"

namespace archload::agent {

Fleet::Fleet(asio::io_context& io, uint64_t seed)
    : io_(io),
      timers_(io),
      peers_(io, "", health_),
      fault_rng_(model::StreamSeed({seed, model::kFaultStream})),
      rng_(seed) {}

namespace {

// The assignment's faults, checked: every group and instance they name is in the run.
model::FaultSchedule FaultsOf(const v1::Assignment& a) {
  std::vector<model::Fault> out;
  auto group_ok = [&](int g) { return g >= 0 && g < a.groups_size(); };
  for (const auto& f : a.faults()) {
    model::Fault m = v1::FromProto(f);
    const bool needs_group =
        m.kind != model::FaultKind::kOverload && m.kind != model::FaultKind::kKillAgent;
    // Times within the loader's bounds (1e7 s): nanoseconds from them stay far inside int64.
    if ((needs_group && !group_ok(m.group)) ||
        (m.kind == model::FaultKind::kPartition && !group_ok(m.peer_group)) ||
        (m.instance >= 0 && (!group_ok(m.group) || m.instance >= a.groups(m.group).count())) ||
        !(m.start_s >= 0 && m.start_s <= 1e7) || !(m.duration_s >= 0 && m.duration_s <= 1e7) ||
        !(m.fraction <= 1) || (m.kind == model::FaultKind::kKillAgent && m.agent < 0)) {
      throw std::invalid_argument("a " + f.kind() +
                                  " fault names a group, instance or time "
                                  "outside the run");
    }
    out.push_back(std::move(m));
  }
  return model::FaultSchedule(std::move(out));
}

}  // namespace

void Fleet::Configure(const v1::Assignment& assignment) {
  // Every index the data plane will use comes from here: check them once, so that nothing later
  // indexes past a table.
  const int n = assignment.groups_size();
  if (n > 65535) throw std::invalid_argument("more than 65,535 groups");
  for (int i = 0; i < n; ++i) {
    const auto& g = assignment.groups(i);
    if (g.index() != i)
      throw std::invalid_argument("group " + std::to_string(i) + " has index " +
                                  std::to_string(g.index()));
    if (g.count() < 1) throw std::invalid_argument("group '" + g.name() + "' has no instances");
    for (int d : g.downstream()) {
      if (d < 0 || d >= n)
        throw std::invalid_argument("group '" + g.name() + "' calls group " + std::to_string(d) +
                                    ", which is not in the run");
    }
  }
  peers_.set_secret(assignment.data_secret());
  faults_ = FaultsOf(assignment);
  groups_.clear();
  design_ = spec::Design{};
  // The NFR targets become exact bucket edges of the exposed histograms: count them here, as
  // the layout will place them.
  const auto& m = assignment.metrics();
  const stats::BucketLayout latency(
      std::vector<double>(m.latency_targets_s().begin(), m.latency_targets_s().end()));
  const stats::BucketLayout async(
      std::vector<double>(m.async_targets_s().begin(), m.async_targets_s().end()));
  client_ = ClientCounters();
  client_.read_under = stats::ThresholdCounts(latency.exact_ns());
  client_.write_under = stats::ThresholdCounts(latency.exact_ns());
  for (const auto& g : assignment.groups()) {
    GroupRuntime rt;
    rt.spec = g;
    rt.counters.async_under = stats::ThresholdCounts(async.exact_ns());
    rt.role = v1::FromProto(g.role());
    auto sampler = [](const v1::ServiceTime& st) {
      return model::ServiceTimeSampler(
          st.distribution(), st.mean_ms(), st.cv(),
          std::vector<double>(st.samples_ms().begin(), st.samples_ms().end()));
    };
    // How callers treat this group; without settings they wait for every answer.
    rt.resilience = v1::FromProto(g.resilience());
    rt.resilient = g.resilience().present();
    rt.read = sampler(g.read());
    rt.write = sampler(g.write());
    groups_.push_back(std::move(rt));
    spec::Component c;
    c.name = g.name();
    c.type = g.type();
    c.role = v1::FromProto(g.role());
    auto script = [&](const v1::CallScript& in) {
      std::vector<spec::ScriptStep> steps;
      for (const auto& ps : in.steps()) {
        spec::ScriptStep s;
        s.one_of = ps.one_of();
        s.parallel = ps.parallel();
        s.when = ps.when().empty() ? "always" : ps.when();
        s.lookup = ps.lookup();
        s.async = ps.async();
        for (const auto& pc : ps.calls()) {
          if (pc.target() < 0 || pc.target() >= assignment.groups_size()) continue;
          s.calls.push_back({assignment.groups(pc.target()).name(), pc.weight(), pc.probability(),
                             pc.local_only(), pc.request_class()});
        }
        steps.push_back(std::move(s));
      }
      return steps;
    };
    if (g.read_script().present() || g.write_script().present()) {
      c.calls = spec::CallScript{};
      if (g.read_script().present()) c.calls->read = script(g.read_script());
      if (g.write_script().present()) c.calls->write = script(g.write_script());
    }
    design_.components.push_back(std::move(c));
  }
  for (const auto& g : assignment.groups()) {
    for (int d : g.downstream()) {
      if (d >= 0 && d < assignment.groups_size()) {
        design_.connections.push_back({g.name(), assignment.groups(d).name(), 0});
      }
    }
  }
  rules_ = std::make_unique<model::CallRules>(design_);
}

void Fleet::PreferLocal(const v1::Start& start) {
  const int me = start.agent_index();
  if (me < 0 || me >= start.agent_hosts_size()) return;
  const std::string& host = start.agent_hosts(me);
  for (size_t g = 0; g < groups_.size(); ++g) {
    auto& local = groups_[g].local;
    local.clear();
    const int n = peers_.InstanceCount(static_cast<int>(g));
    for (int i = 0; i < n; ++i) {
      const uint32_t agent = peers_.PeerOf(static_cast<int>(g), i);
      if (agent < static_cast<uint32_t>(start.agent_hosts_size()) &&
          start.agent_hosts(static_cast<int>(agent)) == host) {
        local.push_back(i);
      }
    }
  }
}

void Fleet::EnableLocalFirst(uint32_t self) {
  std::vector<LocalFirst::Group> groups(groups_.size());
  std::vector<std::vector<uint32_t>> agent_of(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    const auto& spec = groups_[g].spec;
    const bool round_robin = spec.balance().empty() || spec.balance() == "round_robin";
    if (round_robin)
      groups[g].downstream.assign(spec.downstream().begin(), spec.downstream().end());
    // A cache sharded by key loads its instances as the keys fall; a broker's deliveries follow
    // its consumers' credit.
    groups[g].even = spec.keyspace_capacity() == 0 && groups_[g].role != spec::Role::kBroker;
    const int n = peers_.InstanceCount(static_cast<int>(g));
    for (int i = 0; i < n; ++i) agent_of[g].push_back(peers_.PeerOf(static_cast<int>(g), i));
  }
  local_first_.Build(groups, agent_of, self);
  local_first_on_ = true;
}

int Fleet::ChooseInstance(int target, const std::string& balance, uint64_t key, int caller) {
  const int n = peers_.InstanceCount(target);
  if (n <= 1) return 0;
  auto& g = groups_[target];
  if (g.spec.keyspace_capacity() > 0) return static_cast<int>(model::SplitMix64(key) % n);
  if (balance == "random") {
    // Over the whole group, so every instance gets an independent thinning of the arrivals.
    return std::uniform_int_distribution<int>(0, n - 1)(rng_);
  }
  // Same-host instances only, round-robin among them: the balancer spreads over what is near.
  if (!g.local.empty() && balance != "p2c" && balance != "least_outstanding") {
    return g.local[g.next_instance++ % g.local.size()];
  }
  if (balance == "p2c") {
    // Power of two choices: two random instances, the one with fewer requests outstanding.
    std::uniform_int_distribution<int> pick(0, n - 1);
    const int a = pick(rng_);
    int b = pick(rng_);
    if (b == a) b = (a + 1) % n;
    return peers_.Outstanding(target, a) <= peers_.Outstanding(target, b) ? a : b;
  }
  if (balance == "least_outstanding") {
    // Scan from the round-robin cursor so ties spread instead of piling on instance 0.
    int best = -1, best_load = 0;
    for (int k = 0; k < n; ++k) {
      const int i = static_cast<int>((g.next_instance + k) % n);
      const int load = peers_.Outstanding(target, i);
      if (best < 0 || load < best_load) {
        best = i;
        best_load = load;
      }
    }
    ++g.next_instance;
    return best;
  }
  if (local_first_on_ && caller >= 0) {
    if (const int i = local_first_.Choose(caller, target); i >= 0) return i;
  }
  return static_cast<int>(g.next_instance++ % n);
}

}  // namespace archload::agent

namespace archload::agent {

Backend* Fleet::BackendOf(int group) {
  auto& g = groups_[group];
  const auto& spec = g.spec.backend();
  if (spec.kind().empty()) return nullptr;
  if (!g.backend && spec.kind() == "redis") {
    const auto colon = spec.address().rfind(':');
    const std::string host = spec.address().substr(0, colon);
    const int port =
        colon == std::string::npos ? 6379 : std::atoi(spec.address().c_str() + colon + 1);
    g.backend = std::make_unique<RedisBackend>(
        io_, timers_,
        host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host, port,
        spec.key_prefix(), spec.ttl_s(), spec.timeout_ms() > 0 ? spec.timeout_ms() : 1000);
  }
  if (!g.backend && spec.kind() == "kafka") {
    // A topic per broker group; each downstream (worker) group a consumer group of its own.
    // Kafka names take [A-Za-z0-9._-]: "archload.al.<run>.<group>" from "al:<run>:<group>:".
    std::string topic = "archload.";
    for (char ch : spec.key_prefix())
      topic += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '.';
    while (!topic.empty() && topic.back() == '.') topic.pop_back();
    std::vector<KafkaBackend::ConsumerSpec> consumers;
    for (int d : g.spec.downstream()) {
      const auto& w = groups_[d].spec;
      const int per = std::max(1, w.concurrency()) + std::max(0, w.queue_limit());
      consumers.push_back({d, topic + ".consumers." + std::to_string(d),
                           std::max(1, per * std::max(1, w.count()))});
    }
    g.backend = std::make_unique<KafkaBackend>(*this, spec.address(), topic, std::move(consumers),
                                               spec.timeout_ms() > 0 ? spec.timeout_ms() : 5000);
  }
  return g.backend.get();
}

void Fleet::SetHttpProxy(int group, const std::string& host, int port) {
  auto& g = groups_[group];
  auto proxy = std::make_unique<HttpProxyBackend>(*this, group, host, port);
  g.proxy = proxy.get();
  g.backend = std::move(proxy);
}

void Fleet::CloseBackends() {
  for (auto& g : groups_) {
    if (g.backend) g.backend->Close();
  }
}

}  // namespace archload::agent

#include "agents/metrics/agent_collector.h"

#include <unistd.h>

#include <fstream>

#include "archload/v1/roles.h"
#include "common/metrics/endpoint.h"
#include "common/spec/roles.h"
#include "common/sys/cpu.h"
#include "common/version/version.h"

namespace archload::agent::metrics {

using archload::metrics::Families;
using archload::metrics::Labels;

namespace {

std::vector<double> Targets(const google::protobuf::RepeatedField<double>& t) {
  return {t.begin(), t.end()};
}

double Seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// Resident set now, from /proc (getrusage gives only the peak).
uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

AgentCollector::AgentCollector(AgentRuntime& runtime, const v1::Assignment& a, std::string agent_id)
    : runtime_(runtime),
      run_(a.run_id()),
      problem_(a.metrics().problem()),
      agent_id_(std::move(agent_id)),
      latency_layout_(Targets(a.metrics().latency_targets_s())),
      async_layout_(Targets(a.metrics().async_targets_s())) {
  for (const auto& g : a.groups()) {
    GroupInfo info;
    info.name = g.name();
    const auto role = v1::FromProto(g.role());
    info.role = spec::RoleName(role);
    info.type = g.type();
    info.count = g.count();
    info.concurrency = std::max(1, g.concurrency());
    info.hit_rate = g.hit_rate();
    info.lookups = role == spec::Role::kCache || role == spec::Role::kEdgeCache;
    info.broker = role == spec::Role::kBroker;
    groups_.push_back(std::move(info));
  }
  for (const auto& g : a.groups()) {
    if (v1::FromProto(g.role()) != spec::Role::kBroker) continue;
    for (int d : g.downstream()) {
      if (d >= 0 && d < static_cast<int>(groups_.size())) groups_[d].consumer = true;
    }
  }
  plan_ = runtime_.Inspect([](const AgentRuntime::View& v) { return PlanView(v); });
}

void AgentCollector::Freeze(AgentView final_view) {
  std::lock_guard<std::mutex> lock(frozen_mu_);
  frozen_ = std::move(final_view);
  frozen_at_ = std::chrono::steady_clock::now();
}

std::optional<std::chrono::steady_clock::time_point> AgentCollector::frozen_at() const {
  std::lock_guard<std::mutex> lock(frozen_mu_);
  return frozen_at_;
}

void AgentCollector::Detach() {
  std::lock_guard<std::mutex> lock(live_mu_);  // waits out a read in progress
  detached_ = true;
}

std::pair<AgentView, bool> AgentCollector::Read() const {
  {
    std::lock_guard<std::mutex> lock(frozen_mu_);
    if (frozen_) return {*frozen_, true};
  }
  // frozen_mu_ is not held across the hop onto the io thread: Freeze runs there.
  std::lock_guard<std::mutex> live(live_mu_);
  if (!detached_) {
    AgentView v = runtime_.Inspect(
        [this](const AgentRuntime::View& view) { return TakeView(view, plan_, false); });
    std::lock_guard<std::mutex> lock(frozen_mu_);
    last_ = v;
    return {std::move(v), false};
  }
  std::lock_guard<std::mutex> lock(frozen_mu_);
  if (frozen_) return {*frozen_, true};
  return {last_ ? *last_ : AgentView(), false};
}

std::vector<prometheus::MetricFamily> AgentCollector::Collect() const {
  auto [view, final] = Read();
  auto families = Convert(view);
  archload::metrics::WhenAnswered([this, final] { ledger_.Answered(final); });
  return families;
}

std::vector<prometheus::MetricFamily> AgentCollector::Convert(const AgentView& v) const {
  // run, problem and agent come with the target (the run's file_sd labels): repeated on each of
  // ~3,000 lines they would be half of every scrape's bytes and serialising time.
  Families f({});
  AddAgent(f, v);
  // An agent without generators never has client figures: nothing to expose (a series that
  // appeared later would lose its first increase, but this one never appears).
  if (v.generators > 0) AddClient(f, v);
  AddComponents(f, v);
  return f.Take();
}

void AgentCollector::AddAgent(Families& f, const AgentView& v) const {
  f.Gauge("archload_agent_info",
          "The agent process: 1, with its run, problem, id, version and pid as labels (the "
          "other series get run, problem and agent from their target).",
          {{"run", run_},
           {"problem", problem_},
           {"agent", agent_id_},
           {"version", kVersion},
           {"pid", std::to_string(getpid())}},
          1);
  f.Gauge("archload_agent_state",
          "1 for the agent's state: configured (before Start), running (load on), stopped (load "
          "off, draining), final (the final figures: they no longer change).",
          {{"state", "configured"}}, !v.started ? 1 : 0);
  f.Gauge("archload_agent_state", "", {{"state", "running"}}, v.started && !v.stopped ? 1 : 0);
  f.Gauge("archload_agent_state", "", {{"state", "stopped"}}, v.stopped && !v.final ? 1 : 0);
  f.Gauge("archload_agent_state", "", {{"state", "final"}}, v.final ? 1 : 0);
  f.Counter("archload_agent_cpu_seconds_total",
            "CPU (user + system) of the whole agent process since it started.", {},
            static_cast<double>(sys::ProcessCpuNs()) / 1e9);
  f.Counter("archload_agent_io_thread_cpu_seconds_total",
            "CPU of the agent's data-plane thread, which hosts every instance and generator.", {},
            static_cast<double>(v.io_cpu_ns) / 1e9);
  f.Gauge("archload_agent_resident_memory_bytes", "Resident set of the agent process now.", {},
          static_cast<double>(ResidentBytes()));
  f.Gauge("archload_agent_max_resident_memory_bytes", "Peak resident set of the agent process.", {},
          static_cast<double>(sys::MaxRssKb()) * 1024);
  f.Counter("archload_agent_event_loop_iterations_total",
            "Turns of the data-plane thread's event loop (each runs ready handlers or polls).", {},
            static_cast<double>(v.loop_iterations));
  f.Gauge("archload_agent_instances", "Emulated instances this agent hosts.", {}, v.instances);
  f.Gauge("archload_agent_load_generators", "Open-loop client instances this agent runs.", {},
          static_cast<double>(v.generators));
  f.Gauge("archload_agent_connections",
          "Data-plane connections open: inbound (accepted by its listener) and outbound (to "
          "peer agents).",
          {{"direction", "inbound"}}, static_cast<double>(v.inbound_connections));
  f.Gauge("archload_agent_connections", "", {{"direction", "outbound"}},
          static_cast<double>(v.outbound_connections));
  f.Gauge("archload_agent_requests_in_flight", "Requests this agent sent and still waits for.", {},
          static_cast<double>(v.in_flight));
  stats::Histogram lateness;
  for (const auto& g : v.groups) lateness.Merge(g.lateness_ns);
  f.Histogram("archload_agent_timer_lateness_seconds",
              "How late each emulated service time ended (actual - intended end).", {},
              plain_layout_, lateness);
  const auto& n = v.net;
  const std::pair<const char*, uint64_t> events[] = {
      {"invalid_frame", n.InvalidFrames()},
      {"refused_connection", n.refused_connections},
      {"overflow_disconnect", n.overflow_disconnects},
      {"unroutable_frame", n.unroutable_frames},
      {"unexpected_frame", n.unexpected_frames},
      {"accept_error", n.accept_errors},
      {"connect_error", n.connect_errors},
      {"lost_connection", n.lost_connections}};
  for (const auto& [event, count] : events) {
    f.Counter("archload_agent_data_plane_events_total",
              "What the data plane refused or lost, by event (none is the design's traffic).",
              {{"event", event}}, static_cast<double>(count));
  }
}

void AgentCollector::AddClient(Families& f, const AgentView& v) const {
  const auto& c = v.client;
  f.Counter("archload_client_offered_total",
            "Arrivals the open-loop schedules produced (the offered load).", {},
            static_cast<double>(c.offered));
  f.Counter("archload_client_sent_total", "Requests sent.", {}, static_cast<double>(c.sent));
  f.Counter("archload_client_dropped_total",
            "Arrivals never sent: the agent's cap on requests in flight (a harness limit).", {},
            static_cast<double>(c.dropped));
  const char* help =
      "Client requests answered, by outcome: ok, error (rejected or failed on the path), "
      "harness_error (lost by the transport, not the design's).";
  f.Counter("archload_client_responses_total", help, {{"outcome", "ok"}},
            static_cast<double>(c.ok));
  f.Counter("archload_client_responses_total", help, {{"outcome", "error"}},
            static_cast<double>(c.errors));
  f.Counter("archload_client_responses_total", help, {{"outcome", "harness_error"}},
            static_cast<double>(c.harness_errors));
  const char* latency =
      "End-to-end latency of successful requests from the intended send time, by class; the "
      "latency NFR targets are exact bucket edges.";
  f.Histogram("archload_client_latency_seconds", latency, {{"class", "read"}}, latency_layout_,
              c.read_ns, &c.read_under);
  f.Histogram("archload_client_latency_seconds", latency, {{"class", "write"}}, latency_layout_,
              c.write_ns, &c.write_under);
  f.Histogram("archload_client_send_lag_seconds",
              "How far behind its schedule each request was sent (actual - intended send).", {},
              plain_layout_, c.send_lag_ns);
  f.Gauge("archload_client_max_send_lag_seconds",
          "The furthest behind schedule the generators fell.", {}, Seconds(c.max_send_lag_ns));
}

Labels AgentCollector::ComponentLabels(int group, int instance) const {
  const auto& g = groups_[group];
  return {{"component", g.name},
          {"instance", instance < 0 ? "*" : std::to_string(instance)},
          {"role", g.role},
          {"type", g.type}};
}

void AgentCollector::AddComponents(Families& f, const AgentView& v) const {
  for (const auto& s : v.series) {
    if (s.group < 0 || s.group >= static_cast<int>(groups_.size())) continue;
    const auto& g = groups_[s.group];
    const Labels l = ComponentLabels(s.group, s.instance);
    auto with = [&l](const char* k, const std::string& val) {
      Labels out = l;
      out.emplace_back(k, val);
      return out;
    };
    const auto& c = s.visits;
    f.Counter("archload_component_requests_total", "Requests that reached the instance(s).", l,
              static_cast<double>(c.received));
    const char* outcomes =
        "Requests answered, by outcome: ok, rejected (queue full), error (failed downstream), "
        "harness_error (a downstream call the transport lost).";
    f.Counter("archload_component_responses_total", outcomes, with("outcome", "ok"),
              static_cast<double>(c.completed));
    f.Counter("archload_component_responses_total", outcomes, with("outcome", "rejected"),
              static_cast<double>(c.rejected));
    f.Counter("archload_component_responses_total", outcomes, with("outcome", "error"),
              static_cast<double>(c.failed));
    f.Counter("archload_component_responses_total", outcomes, with("outcome", "harness_error"),
              static_cast<double>(c.harness_failed));
    f.Counter("archload_component_busy_seconds_total",
              "Emulated service time spent: utilisation = rate(this) / concurrency.", l,
              Seconds(c.busy_ns));
    f.Gauge("archload_component_concurrency",
            "Service slots: concurrency per instance x the instances the series covers.", l,
            static_cast<double>(g.concurrency) * s.instances);
    f.Gauge("archload_component_instances", "Instances the series covers.", l, s.instances);
    f.Gauge("archload_component_in_service", "Requests in service now.", l,
            static_cast<double>(c.in_service));
    f.Gauge("archload_component_queue_depth", "Requests waiting for a service slot now.", l,
            static_cast<double>(c.queue_depth));
    if (g.lookups) {
      const char* lookups = "Cache lookups answered, by result: hit or miss.";
      f.Counter("archload_component_cache_lookups_total", lookups, with("result", "hit"),
                static_cast<double>(c.hits));
      f.Counter("archload_component_cache_lookups_total", lookups, with("result", "miss"),
                static_cast<double>(c.misses));
      f.Gauge("archload_component_configured_hit_ratio",
              "The hit ratio the design configures (caches without a key space hit with it).", l,
              g.hit_rate);
    }
    if (g.broker) {
      f.Gauge("archload_broker_depth", "Messages the broker holds, not yet delivered.", l,
              static_cast<double>(s.broker_depth));
      for (const auto& cg : s.consumers) {
        const Labels lc = with("consumer", groups_[cg.group].name);
        f.Gauge("archload_broker_consumer_lag",
                "Messages published and not yet processed by the consumer group: held plus in "
                "flight.",
                lc, static_cast<double>(cg.lag));
        f.Counter("archload_broker_deliveries_total",
                  "Messages the consumer group accepted from the broker.", lc,
                  static_cast<double>(cg.delivered));
        f.Counter("archload_broker_redeliveries_total",
                  "Deliveries the consumer group turned away (queue full), held and sent again.",
                  lc, static_cast<double>(cg.redelivered));
      }
    }
  }
  // Histograms and group totals: per group per agent (instance "*"), never per instance.
  for (size_t gi = 0; gi < v.groups.size() && gi < groups_.size(); ++gi) {
    const auto& gv = v.groups[gi];
    const auto& g = groups_[gi];
    if (gv.hosted == 0) continue;
    const Labels l = ComponentLabels(static_cast<int>(gi), -1);
    f.Histogram("archload_component_queue_wait_seconds",
                "Arrival until a service slot was free, per visit.", l, plain_layout_,
                gv.queue_wait_ns);
    f.Histogram("archload_component_service_seconds",
                "Time in service per visit (the emulated service time as it really ended).", l,
                plain_layout_, gv.service_ns);
    f.Histogram("archload_component_visit_seconds",
                "Queue wait + service per visit (the run report's per-component latency).", l,
                plain_layout_, gv.sojourn_ns);
    if (g.broker) {
      f.Counter("archload_broker_published_total", "Messages published (acknowledged).", l,
                static_cast<double>(gv.published));
    }
    if (g.consumer) {
      f.Counter("archload_consumer_processed_total", "Messages the consumer group processed.", l,
                static_cast<double>(gv.consumed));
      f.Histogram("archload_consumer_async_latency_seconds",
                  "Publish to processed at the consumers; the async NFR targets are exact bucket "
                  "edges.",
                  l, async_layout_, gv.async_ns, &gv.async_under);
    }
  }
}

}  // namespace archload::agent::metrics

#include "agents/runtime/agent_runtime.h"

#include "common/model/seed.h"
#include "common/sys/cpu.h"

namespace archload::agent {

using sys::ProcessCpuNs;
using sys::ThreadCpuNs;

AgentRuntime::AgentRuntime(std::string listen_host, uint64_t seed)
    : host_(std::move(listen_host)),
      seed_(seed),
      work_(asio::make_work_guard(io_)),
      fleet_(std::make_unique<Fleet>(io_, model::StreamSeed({seed, model::kServiceStream}))),
      thread_([this] { Loop(); }) {}

void AgentRuntime::Loop() {
  auto& timers = fleet_->timers();
  while (!io_.stopped()) {
    const int64_t spin = timers.early_wake_ns();
    if (spin > 0 && timers.NextDeadlineNs() - Fleet::NowNs() <= spin) {
      io_.poll();
      timers.RunDue();
      continue;
    }
    io_.run_one();
  }
}

AgentRuntime::~AgentRuntime() { Shutdown(); }

std::vector<v1::Endpoint> AgentRuntime::Configure(const v1::Assignment& assignment) {
  return OnIo([&] {
    assignment_ = assignment;
    fleet_->Configure(assignment);
    fleet_->timers().SetEarlyWake(static_cast<int64_t>(std::max(0, assignment.timer_spin_us())) *
                                  1000);
    std::vector<v1::Endpoint> endpoints;
    for (const auto& ref : assignment.instances()) {
      const auto& g = fleet_->group(ref.group());
      if (g.role == spec::Role::kClient) {
        RateProfile p;
        const auto& w = assignment.workload();
        const double share = 1.0 / std::max(1, g.spec.count());
        p.kind = w.profile().empty() ? "constant" : w.profile();
        p.rate_rps = g.spec.client_rate_rps() * share;
        p.start_rps = w.rate_rps() > 0 ? w.start_rps() * p.rate_rps / w.rate_rps() : 0;
        p.spike_multiplier = w.spike_multiplier() > 0 ? w.spike_multiplier() : 1;
        p.duration_s = w.duration_s();
        p.poisson = w.poisson();
        generators_.push_back(std::make_unique<LoadGenerator>(
            *fleet_, ref.group(), ref.instance(), p, g.spec.client_read_ratio(),
            model::StreamSeed({w.seed(), static_cast<uint64_t>(ref.group()),
                               static_cast<uint64_t>(ref.instance())}),
            w.key_space(), w.key_zipf()));
        continue;
      }
      if (!listener_) {
        listener_ = std::make_unique<Listener>(io_);
        port_ = listener_->Listen(host_);
      }
      auto inst = std::make_unique<Instance>(*fleet_, ref.group(), ref.instance());
      listener_->Route(inst.get());
      v1::Endpoint ep;
      ep.set_group(ref.group());
      ep.set_instance(ref.instance());
      ep.set_host(host_);
      ep.set_port(port_);
      endpoints.push_back(ep);
      instances_.push_back(std::move(inst));
    }
    return endpoints;
  });
}

void AgentRuntime::Start(const v1::Start& start) {
  OnIo([&] {
    std::vector<std::vector<EndpointAddress>> table(fleet_->group_count());
    for (size_t g = 0; g < table.size(); ++g) {
      table[g].resize(std::max(0, fleet_->group(static_cast<int>(g)).spec.count()));
    }
    for (const auto& ep : start.endpoints()) {
      if (ep.group() < 0 || ep.group() >= static_cast<int>(table.size())) continue;
      auto& row = table[ep.group()];
      if (ep.instance() >= static_cast<int>(row.size())) row.resize(ep.instance() + 1);
      row[ep.instance()] = {ep.host(), ep.port()};
    }
    fleet_->peers().SetEndpoints(std::move(table));
    cpu_at_start_ns_ = ProcessCpuNs();
    io_cpu_at_start_ns_ = ThreadCpuNs();
    start_ns_ = Fleet::NowNs() + start.delay_ms() * 1000000;
    for (auto& g : generators_) g->Start(start_ns_);
    return 0;
  });
}

void AgentRuntime::StopLoad() {
  OnIo([&] {
    for (auto& g : generators_) g->Stop();
    stopped_ = true;
    return 0;
  });
}

size_t AgentRuntime::InFlight() {
  return OnIo([&] { return fleet_->peers().InFlight(); });
}

v1::Stats AgentRuntime::Snapshot(bool final) {
  return OnIo([&] {
    v1::Stats s;
    s.set_elapsed_ns(start_ns_ > 0 ? Fleet::NowNs() - start_ns_ : 0);
    s.set_final(final);
    s.set_stopped(stopped_);
    s.set_in_flight(fleet_->peers().InFlight());
    for (size_t i = 0; i < fleet_->group_count(); ++i) {
      const auto& c = fleet_->group(static_cast<int>(i)).counters;
      auto* g = s.add_groups();
      g->set_group(static_cast<int>(i));
      g->set_received(c.received);
      g->set_completed(c.completed);
      g->set_rejected(c.rejected);
      g->set_failed(c.failed);
      g->set_hits(c.hits);
      g->set_misses(c.misses);
      g->set_busy_ns(c.busy_ns);
      g->set_sojourn_ns(c.sojourn_ns.Serialize());
      g->set_queue_depth(c.queue_depth);
      g->set_published(c.published);
      g->set_consumed(c.consumed);
      g->set_broker_depth(c.broker_depth);
      g->set_async_ns(c.async_ns.Serialize());
      g->set_lateness_ns(c.lateness_ns.Serialize());
    }
    const auto& cc = fleet_->client();
    auto* c = s.mutable_client();
    c->set_offered(cc.offered);
    c->set_sent(cc.sent);
    c->set_dropped(cc.dropped);
    c->set_ok(cc.ok);
    c->set_errors(cc.errors);
    c->set_read_latency_ns(cc.read_ns.Serialize());
    c->set_write_latency_ns(cc.write_ns.Serialize());
    c->set_max_send_lag_ns(cc.max_send_lag_ns);
    c->set_send_lag_ns(cc.send_lag_ns.Serialize());
    // Since Start, so the figures are the run's, not process start-up's (which with 100 agents
    // would outweigh a minute of stats and keepalives).
    auto* h = s.mutable_health();
    const bool started = start_ns_ > 0;
    h->set_cpu_ns(started ? static_cast<uint64_t>(ProcessCpuNs() - cpu_at_start_ns_) : 0);
    h->set_io_cpu_ns(started ? static_cast<uint64_t>(ThreadCpuNs() - io_cpu_at_start_ns_) : 0);
    h->set_startup_cpu_ns(static_cast<uint64_t>(started ? cpu_at_start_ns_ : ProcessCpuNs()));
    h->set_max_rss_kb(sys::MaxRssKb());
    h->set_instances(static_cast<int>(instances_.size()));
    return s;
  });
}

void AgentRuntime::Shutdown() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    fleet_->set_stopping();
    for (auto& g : generators_) g->Stop();
    if (listener_) listener_->Close();
    fleet_->peers().Shutdown();
    work_.reset();
    io_.stop();
  });
  thread_.join();
}

}  // namespace archload::agent

namespace archload::agent {

bool AgentRuntime::PinToCpu(int cpu) {
  return OnIo([cpu] { return sys::PinThisThread(cpu); });
}

int64_t AgentRuntime::IoThreadCpuNs() {
  return OnIo([] { return ThreadCpuNs(); });
}

}  // namespace archload::agent

#include "agents/runtime/agent_runtime.h"

#include <signal.h>
#include <unistd.h>

#include "common/http/proxy_names.h"
#include "common/model/seed.h"
#include "common/spec/backend_address.h"
#include "common/sys/cpu.h"

namespace archload::agent {

using sys::ProcessCpuNs;
using sys::ThreadCpuNs;

AgentRuntime::AgentRuntime(std::string listen_host, uint64_t seed, AddressPolicy peers,
                           std::string name)
    : host_(std::move(listen_host)),
      allowed_peers_(std::move(peers)),
      work_(asio::make_work_guard(io_)),
      fleet_(std::make_unique<Fleet>(io_, model::StreamSeed({seed, model::kServiceStream}))),
      loop_(io_, fleet_->timers()) {
  fleet_->health().log().set_prefix(name + ": ");
  loop_.SetTurnWork([this] { return TurnWork(); });
  fleet_->peers().set_write_batch(&batch_);
  // Last: from here on the loop's thread owns everything above.
  thread_ = std::thread([this] { loop_.Run(); });
}

bool AgentRuntime::TurnWork() {
  LocalLink* local = fleet_->peers().local();
  // A delivery may send over a socket, and a failed write may fail callers whose handlers
  // queue deliveries or writes: go on until both are done, up to a budget of frames per turn
  // (the rest goes next turn, after the timers due by then).
  size_t budget = kLocalFramesPerTurn;
  for (int round = 0; round < 4; ++round) {
    const size_t delivered = local && budget > 0 ? local->Drain(budget) : 0;
    budget -= delivered;
    const bool flushed = batch_.FlushAll();
    if (delivered == 0 && !flushed) break;
  }
  return (local && local->pending()) || !batch_.empty();
}

AgentRuntime::~AgentRuntime() { Shutdown(); }

void AgentRuntime::OpenHttpIngress(const std::string& secret) {
  http_ = std::make_unique<HttpIngress>(
      io_, http::IngressToken(secret), fleet_->health(),
      [this](const std::shared_ptr<FrameSink>& caller, Frame& frame) {
        Instance* target = listener_->RouteOf(frame.target_group, frame.target_instance);
        if (!target) return false;
        target->OnRequest(caller, frame);
        return true;
      });
  http_port_ = http_->Listen(host_);
}

void AgentRuntime::CheckBackendAddresses(const v1::Assignment& assignment) const {
  // A real backend is a load target like any peer: only where the agent may send load.
  for (const auto& g : assignment.groups()) {
    const auto& b = g.backend();
    if (b.kind() != "redis" && b.kind() != "kafka") continue;
    const std::string& list = b.address();
    for (size_t at = 0; at <= list.size();) {
      const size_t comma = std::min(list.find(',', at), list.size());
      std::string why;
      const auto hp = spec::ParseHostPort(list.substr(at, comma - at), &why);
      if (!hp || !allowed_peers_.AllowsHost(hp->host)) {
        throw std::invalid_argument("the " + b.kind() + " backend of '" + g.name() + "' (" +
                                    b.address() + ") is outside the allowed peers (" +
                                    allowed_peers_.Describe() + "); refusing to send load there");
      }
      at = comma + 1;
    }
  }
}

v1::Ready AgentRuntime::Configure(const v1::Assignment& assignment) {
  return OnIo([&]() -> v1::Ready {
    CheckBackendAddresses(assignment);
    assignment_ = assignment;
    fleet_->Configure(assignment);
    // `--event-loop asio` measures the loop this one replaced: asio's run_one, a timerfd per
    // timer, a write per frame.
    const bool asio_loop = assignment.event_loop() == "asio";
    loop_.SetKind(asio_loop ? EventLoop::Kind::kAsio : EventLoop::Kind::kPoll);
    fleet_->peers().set_write_batch(asio_loop ? nullptr : &batch_);
    fleet_->timers().SetEarlyWake(static_cast<int64_t>(std::max(0, assignment.timer_spin_us())) *
                                  1000);
    v1::Ready ready;
    for (const auto& hosted : assignment.hosted()) {
      if (hosted.group() < 0 || hosted.group() >= static_cast<int>(fleet_->group_count())) {
        throw std::invalid_argument("assignment hosts group " + std::to_string(hosted.group()) +
                                    ", which is not in the run");
      }
      const auto& g = fleet_->group(hosted.group());
      for (uint32_t index : hosted.instances()) {
        if (index >= static_cast<uint32_t>(g.spec.count())) {
          throw std::invalid_argument("assignment hosts instance " + std::to_string(index) +
                                      " of '" + g.spec.name() + "', which has " +
                                      std::to_string(g.spec.count()));
        }
        if (g.role == spec::Role::kClient) {
          AddGenerator(hosted.group(), static_cast<int>(index));
          continue;
        }
        if (!listener_) {
          listener_ = std::make_unique<Listener>(io_, assignment.data_secret(), fleet_->health());
          listener_->set_write_batch(asio_loop ? nullptr : &batch_);
          port_ = listener_->Listen(host_);
        }
        auto inst = std::make_unique<Instance>(*fleet_, hosted.group(), static_cast<int>(index));
        listener_->Route(inst.get());
        if (g.spec.http_ingress() && !http_) OpenHttpIngress(assignment.data_secret());
        instances_.push_back(std::move(inst));
      }
    }
    if (listener_) {
      ready.mutable_listener()->set_host(host_);
      ready.mutable_listener()->set_port(port_);
    }
    // Real backends connect now, not on the first request: a Kafka consumer group takes seconds
    // to join, and the first lookups should not wait for Redis's handshake.
    for (const auto& hosted : assignment.hosted()) {
      if (!hosted.instances().empty()) fleet_->BackendOf(hosted.group());
    }
    if (http_) {
      ready.mutable_http()->set_host(host_);
      ready.mutable_http()->set_port(http_port_);
    }
    ready.set_instances(static_cast<int>(instances_.size()));
    return ready;
  });
}

void AgentRuntime::AddGenerator(int group, int index) {
  const auto& g = fleet_->group(group);
  RateProfile p;
  const auto& w = assignment_.workload();
  const double share = 1.0 / std::max(1, g.spec.count());
  p.kind = w.profile().empty() ? "constant" : w.profile();
  p.rate_rps = g.spec.client_rate_rps() * share;
  p.start_rps = w.rate_rps() > 0 ? w.start_rps() * p.rate_rps / w.rate_rps() : 0;
  p.spike_multiplier = w.spike_multiplier() > 0 ? w.spike_multiplier() : 1;
  p.duration_s = w.duration_s();
  p.poisson = w.poisson();
  for (const auto& f : fleet_->faults().faults()) {
    if (f.kind != model::FaultKind::kOverload) continue;
    p.surges.push_back(
        {f.start_s, f.duration_s > 0 ? f.start_s + f.duration_s : 1e18, f.multiplier});
  }
  generators_.push_back(std::make_unique<LoadGenerator>(
      *fleet_, group, index, p, g.spec.client_read_ratio(),
      model::StreamSeed({w.seed(), static_cast<uint64_t>(group), static_cast<uint64_t>(index)}),
      w.key_space(), w.key_zipf()));
}

PeerTable AgentRuntime::TableOf(const v1::Start& start) const {
  PeerTable t;
  for (const auto& a : start.agents()) {
    if (!a.host().empty() && !allowed_peers_.AllowsHost(a.host())) {
      throw std::invalid_argument("the start message names peer " + a.host() + ":" +
                                  std::to_string(a.port()) + ", outside the allowed peers (" +
                                  allowed_peers_.Describe() + "); refusing to send load there");
    }
    if (!a.host().empty() && (a.port() <= 0 || a.port() > 65535)) {
      throw std::invalid_argument("the start message names port " + std::to_string(a.port()));
    }
    t.peers.push_back({a.host(), a.port()});
  }
  t.peer_of.resize(fleet_->group_count());
  for (const auto& p : start.placement()) {
    if (p.group() < 0 || p.group() >= static_cast<int>(fleet_->group_count())) {
      throw std::invalid_argument("the start message places group " + std::to_string(p.group()) +
                                  ", which is not in the run");
    }
    const auto& g = fleet_->group(p.group());
    if (p.agent_size() != g.spec.count()) {
      throw std::invalid_argument("the start message places " + std::to_string(p.agent_size()) +
                                  " instances of '" + g.spec.name() + "', which has " +
                                  std::to_string(g.spec.count()));
    }
    for (uint32_t agent : p.agent()) {
      if (agent >= t.peers.size()) {
        throw std::invalid_argument("the start message places an instance on agent " +
                                    std::to_string(agent) + " of " +
                                    std::to_string(t.peers.size()));
      }
    }
    t.peer_of[p.group()].assign(p.agent().begin(), p.agent().end());
  }
  return t;
}

void AgentRuntime::Start(const v1::Start& start) {
  StartAt(start, Fleet::NowNs() + start.delay_ms() * 1000000);
}

void AgentRuntime::StartAt(const v1::Start& start, int64_t start_ns) {
  OnIo([&] {
    fleet_->peers().SetTable(TableOf(start));
    for (const auto& p : start.http_proxies()) {
      const auto& a = p.address();
      if (p.group() < 0 || p.group() >= static_cast<int>(fleet_->group_count()) || a.port() <= 0 ||
          a.port() > 65535) {
        throw std::invalid_argument("the start message names a bad HTTP proxy");
      }
      if (!allowed_peers_.AllowsHost(a.host())) {
        throw std::invalid_argument("the start message names HTTP proxy " + a.host() +
                                    ", outside the allowed peers (" + allowed_peers_.Describe() +
                                    "); refusing to send load there");
      }
      fleet_->SetHttpProxy(p.group(), a.host(), a.port());
    }
    if (start.prefer_local()) fleet_->PreferLocal(start);
    // Calls between instances of this agent skip the socket (agents/net/local_link.h), unless
    // the run forces sockets or measures the old loop, whose turns do not drain the link. Only
    // when the table's entry for this agent is this listener: a wrong index would deliver
    // another agent's calls here.
    const int me = start.agent_index();
    const bool in_process = loop_.kind() == EventLoop::Kind::kPoll &&
                            !assignment_.force_sockets() && me >= 0 && me < start.agents_size();
    if (in_process && listener_ && start.agents(me).port() == port_) {
      fleet_->peers().EnableLocal(me,
                                  [this](const std::shared_ptr<FrameSink>& reply, Frame& frame) {
                                    listener_->OnFrame(reply, "this agent", frame);
                                  });
    }
    // Every agent of the run, instances or not, so that each plan's shares add up. Not in a
    // faulted run: a fault loads caller instances unevenly, which the plans assume they are not.
    if (in_process && fleet_->faults().empty()) {
      fleet_->EnableLocalFirst(static_cast<uint32_t>(me));
    }
    cpu_at_start_ns_ = ProcessCpuNs();
    io_cpu_at_start_ns_ = ThreadCpuNs();
    start_ns_ = std::max(start_ns, Fleet::NowNs());
    const auto& w = assignment_.workload();
    fleet_->SetWindow(
        start_ns_ + static_cast<int64_t>(std::max(0.0, w.warmup_s()) * 1e9),
        w.duration_s() > 0 ? start_ns_ + static_cast<int64_t>(w.duration_s() * 1e9) : INT64_MAX);
    for (auto& g : generators_) g->Start(start_ns_);
    fleet_->set_load_start(start_ns_);
    for (double t : fleet_->faults().Transitions()) {
      // Each fault's start and end, for every instance here (a kill fails what it holds).
      fleet_->timers().ScheduleAt(start_ns_ + static_cast<int64_t>(t * 1e9), [this] {
        const int64_t now = Fleet::NowNs();
        for (auto& inst : instances_) inst->ApplyFaults(now);
      });
    }
    for (const auto& f : fleet_->faults().faults()) {
      if (f.kind != model::FaultKind::kKillAgent || f.agent != start.agent_index()) continue;
      // The fault is this process's death, as the kernel would deal it: no goodbye, no final
      // stats, connections reset.
      fleet_->timers().ScheduleAt(start_ns_ + static_cast<int64_t>(f.start_s * 1e9),
                                  [] { ::kill(::getpid(), SIGKILL); });
    }
    prober_ = std::make_unique<HopProber>(*fleet_);
    prober_->Start();
    return 0;
  });
}

void AgentRuntime::StopLoad() {
  OnIo([&] {
    for (auto& g : generators_) g->Stop();
    if (prober_) prober_->Stop();
    fleet_->CloseWindow(Fleet::NowNs());
    stopped_ = true;
    return 0;
  });
}

size_t AgentRuntime::InFlight() {
  return OnIo([&] { return fleet_->InFlight(); });
}

v1::Stats AgentRuntime::Snapshot(bool final) {
  return OnIo([&] {
    v1::Stats s;
    if (final) fleet_->health().set_quiet();
    s.set_elapsed_ns(start_ns_ > 0 ? Fleet::NowNs() - start_ns_ : 0);
    s.set_final(final);
    s.set_stopped(stopped_);
    s.set_in_flight(fleet_->InFlight());
    s.set_started_ns(start_ns_);
    const auto& sent = fleet_->peers().sent_per_peer();
    for (size_t p = 0; p < sent.size(); ++p) {
      if (sent[p] == 0) continue;
      auto* t = s.add_peers();
      t->set_agent(static_cast<int>(p));
      t->set_requests(sent[p]);
    }
    for (size_t i = 0; i < fleet_->group_count(); ++i) {
      const auto& c = fleet_->group(static_cast<int>(i)).counters;
      auto* g = s.add_groups();
      g->set_group(static_cast<int>(i));
      g->set_received(c.received);
      g->set_completed(c.completed);
      g->set_rejected(c.rejected);
      g->set_failed(c.failed);
      g->set_harness_failed(c.harness_failed);
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
      g->set_queue_wait_ns(c.queue_wait_ns.Serialize());
      g->set_service_ns(c.service_ns.Serialize());
      g->set_hold_ns(c.hold_ns);
      if (const auto& b = fleet_->group(static_cast<int>(i)).backend) {
        const auto bc = b->Counters();
        auto* bs = g->mutable_backend();
        bs->set_commands(bc.commands);
        bs->set_errors(bc.errors);
        bs->set_late(bc.late);
        bs->set_disconnects(bc.disconnects);
        bs->set_latency_ns(fleet_->group(static_cast<int>(i)).backend_ns.Serialize());
        for (const auto& c : b->Consumers()) {
          auto* bc = bs->add_consumers();
          bc->set_group(c.group);
          bc->set_consumed(c.consumed);
          bc->set_redelivered(c.redelivered);
          bc->set_lag(c.lag);
          bc->set_peak_lag(c.peak_lag);
        }
      }
      for (size_t t = 0; t < c.calls_to.size(); ++t) {
        if (c.calls_to[t] == 0) continue;
        auto* call = g->add_calls();
        call->set_target(static_cast<int>(t));
        call->set_requests(c.calls_to[t]);
        if (t < c.in_process_to.size()) call->set_in_process(c.in_process_to[t]);
      }
    }
    const auto& cc = fleet_->client();
    auto* c = s.mutable_client();
    c->set_offered(cc.offered);
    c->set_sent(cc.sent);
    c->set_dropped(cc.dropped);
    c->set_ok(cc.ok);
    c->set_errors(cc.errors);
    c->set_harness_errors(cc.harness_errors);
    c->set_completed_in_window(cc.completed_in_window);
    c->set_read_latency_ns(cc.read_ns.Serialize());
    c->set_write_latency_ns(cc.write_ns.Serialize());
    c->set_max_send_lag_ns(cc.max_send_lag_ns);
    c->set_send_lag_ns(cc.send_lag_ns.Serialize());
    if (final) {
      c->mutable_timeline_offered()->Assign(cc.timeline_offered.begin(), cc.timeline_offered.end());
      c->mutable_timeline_ok()->Assign(cc.timeline_ok.begin(), cc.timeline_ok.end());
      c->mutable_timeline_failed()->Assign(cc.timeline_failed.begin(), cc.timeline_failed.end());
    }
    for (const auto& [key, e] : fleet_->edges().all()) {
      auto* es = s.add_edges();
      es->set_caller(key.first);
      es->set_target(key.second);
      es->set_calls(e->calls);
      es->set_failed(e->failed);
      es->set_retries(e->retries);
      es->set_timeouts(e->timeouts);
      es->set_overflows(e->overflows);
      es->set_budget_refused(e->budget.refused());
      es->set_partitioned(e->partitioned);
      es->set_ejections(e->ejector.ejections());
      es->set_checks(e->checks);
      for (const auto& ev : e->events) {
        auto* x = es->add_events();
        x->set_at_s(ev.at_s);
        x->set_instance(ev.instance);
        x->set_what(ev.what);
        x->set_until_s(ev.until_s);
      }
    }
    // Since Start, so the figures are the run's, not process start-up's (which with 100 agents
    // would outweigh a minute of stats and keepalives).
    auto* h = s.mutable_health();
    const bool started = start_ns_ > 0;
    h->set_cpu_ns(started ? static_cast<uint64_t>(ProcessCpuNs() - cpu_at_start_ns_) : 0);
    h->set_io_cpu_ns(started ? static_cast<uint64_t>(ThreadCpuNs() - io_cpu_at_start_ns_) : 0);
    h->set_startup_cpu_ns(static_cast<uint64_t>(started ? cpu_at_start_ns_ : ProcessCpuNs()));
    h->set_max_rss_kb(sys::MaxRssKb());
    h->set_instances(static_cast<int>(instances_.size()));
    if (prober_) h->set_hop_round_trip_ns(prober_->round_trip_ns().Serialize());
    const auto& n = fleet_->health().counters();
    auto* dp = h->mutable_data_plane();
    for (size_t e = 0; e < n.invalid_frames.size(); ++e) {
      if (n.invalid_frames[e] > 0) {
        (*dp->mutable_invalid_frames())[FrameErrorName(static_cast<FrameError>(e))] =
            n.invalid_frames[e];
      }
    }
    dp->set_refused_connections(n.refused_connections);
    dp->set_overflow_disconnects(n.overflow_disconnects);
    dp->set_unroutable_frames(n.unroutable_frames);
    dp->set_unexpected_frames(n.unexpected_frames);
    dp->set_accept_errors(n.accept_errors);
    dp->set_connect_errors(n.connect_errors);
    dp->set_lost_connections(n.lost_connections);
    dp->set_calls_in_process(fleet_->peers().calls_in_process());
    dp->set_calls_over_sockets(fleet_->peers().calls_over_sockets());
    if (final && final_observer_) final_observer_(MakeView());
    return s;
  });
}

AgentRuntime::View AgentRuntime::MakeView() const {
  return View{*fleet_,
              instances_,
              generators_.size(),
              loop_.iterations(),
              listener_ ? listener_->Connections() : 0,
              fleet_->peers().Connections(),
              start_ns_ > 0,
              stopped_};
}

void AgentRuntime::Shutdown() {
  if (!thread_.joinable()) return;
  loop_.Post([this] {
    fleet_->set_stopping();
    for (auto& g : generators_) g->Stop();
    fleet_->CloseBackends();  // their failures reach instances that still exist
    if (listener_) listener_->Close();
    if (http_) http_->Close();
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

#include "agents/backend/kafka_backend.h"

#include <librdkafka/rdkafka.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "agents/runtime/fleet.h"
#include "agents/runtime/instance.h"

namespace archload::agent {

struct KafkaBackend::Produced {
  Done done;
};

struct KafkaBackend::Consumer {
  ConsumerSpec spec;
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> events;
  std::deque<rd_kafka_message_t*> held;  // polled, waiting for credit
  int inflight = 0;
  BackendConsumer figures;
};

namespace {

constexpr uint64_t kOne = 1;  // what librdkafka writes to an eventfd: 8 bytes

bool Set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char err[256];
  return rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK;
}

}  // namespace

KafkaBackend::KafkaBackend(Fleet& fleet, std::string brokers, std::string topic,
                           std::vector<ConsumerSpec> consumers, double timeout_ms)
    : fleet_(fleet), topic_(std::move(topic)), timeout_ms_(timeout_ms) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", brokers);
  Set(conf, "linger.ms", "0");  // the library's 5 ms would be measured as the broker's latency
  Set(conf, "acks", "all");
  Set(conf, "message.timeout.ms", std::to_string(static_cast<int64_t>(timeout_ms)));
  Set(conf, "log_level", "3");
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaBackend::OnDelivery);
  rd_kafka_conf_set_opaque(conf, this);
  producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!producer_) {
    rd_kafka_conf_destroy(conf);
    ++counters_.disconnects;
    return;  // every publish fails
  }
  producer_queue_ = rd_kafka_queue_get_main(producer_);
  const int pfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  rd_kafka_queue_io_event_enable(producer_queue_, pfd, &kOne, sizeof kOne);
  producer_events_ = std::make_unique<asio::posix::stream_descriptor>(fleet_.io(), pfd);
  WaitEvents(*producer_events_, [this] { ServeProducer(); });

  for (auto& spec : consumers) {
    auto c = std::make_unique<Consumer>();
    c->spec = spec;
    c->figures.group = spec.worker_group;
    rd_kafka_conf_t* cc = rd_kafka_conf_new();
    Set(cc, "bootstrap.servers", brokers);
    Set(cc, "group.id", spec.group_id);
    Set(cc, "auto.offset.reset", "earliest");
    Set(cc, "enable.auto.offset.store", "false");  // stored once a worker accepted the message
    Set(cc, "fetch.wait.max.ms", "10");
    // The topic appears with the first produce; look for it often until then (default: 5 min).
    Set(cc, "topic.metadata.refresh.interval.ms", "500");
    Set(cc, "log_level", "3");
    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, sizeof err);
    if (!c->rk) {
      rd_kafka_conf_destroy(cc);
      ++counters_.disconnects;
      continue;
    }
    rd_kafka_poll_set_consumer(c->rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic_.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(c->rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    c->queue = rd_kafka_queue_get_consumer(c->rk);
    const int cfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    rd_kafka_queue_io_event_enable(c->queue, cfd, &kOne, sizeof kOne);
    c->events = std::make_unique<asio::posix::stream_descriptor>(fleet_.io(), cfd);
    Consumer* raw = c.get();
    WaitEvents(*c->events, [this, raw] { ServeConsumer(*raw); });
    consumers_.push_back(std::move(c));
  }
}

KafkaBackend::~KafkaBackend() { Close(); }

void KafkaBackend::WaitEvents(asio::posix::stream_descriptor& events, std::function<void()> serve) {
  events.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this, &events, serve](const asio::error_code& ec) {
                      if (ec || closed_) return;
                      uint64_t n;
                      while (::read(events.native_handle(), &n, sizeof n) > 0) {
                      }
                      serve();
                      WaitEvents(events, serve);
                    });
}

void KafkaBackend::Publish(const std::string& message, Done done) {
  ++counters_.commands;
  if (closed_ || !producer_) {
    ++counters_.errors;
    asio::post(fleet_.io(), [done = std::move(done)] {
      done(BackendReply{false, false, "kafka is not available"});
    });
    return;
  }
  auto* p = new Produced{std::move(done)};
  ++pending_;
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(topic_.c_str()),
      RD_KAFKA_V_VALUE(const_cast<char*>(message.data()), message.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(p), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    --pending_;
    ++counters_.errors;
    Done d = std::move(p->done);
    delete p;
    asio::post(fleet_.io(), [d = std::move(d), why = std::string(rd_kafka_err2str(err))] {
      d(BackendReply{false, false, "kafka: " + why});
    });
  }
}

void KafkaBackend::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<KafkaBackend*>(opaque);
  std::unique_ptr<Produced> p(static_cast<Produced*>(m->_private));
  --self->pending_;
  BackendReply r;
  r.ok = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!r.ok) {
    r.error = std::string("kafka: ") + rd_kafka_err2str(m->err);
    ++self->counters_.errors;
  }
  p->done(r);
}

void KafkaBackend::ServeProducer() {
  // The eventfd fires only when an empty queue gets an event: serve it until it is empty.
  while (producer_ && rd_kafka_poll(producer_, 0) > 0) {
  }
}

void KafkaBackend::ServeConsumer(Consumer& c) {
  if (closed_ || !c.queue) return;
  for (;;) {
    const int room = c.spec.credit - c.inflight - static_cast<int>(c.held.size());
    if (room <= 0) break;  // served again when a worker answers (Deliver)
    rd_kafka_message_t* batch[64];
    const ssize_t n = rd_kafka_consume_batch_queue(c.queue, 0, batch, std::min(room, 64));
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err) {  // end of partition and the like: nothing to deliver
        rd_kafka_message_destroy(batch[i]);
        continue;
      }
      c.held.push_back(batch[i]);
    }
    Deliver(c);
    if (n < std::min(room, 64)) break;
  }
}

void KafkaBackend::Deliver(Consumer& c) {
  while (!c.held.empty() && c.inflight < c.spec.credit && !closed_) {
    rd_kafka_message_t* m = c.held.front();
    c.held.pop_front();
    Frame out;
    if (!Frame::Decode(static_cast<const uint8_t*>(m->payload), m->len, &out)) {
      rd_kafka_message_destroy(m);  // not ours: another producer shares the topic
      continue;
    }
    if (Instance::OnPath(out, c.spec.worker_group)) {
      // As the emulated broker: never back to a group on the message's path.
      rd_kafka_offset_store(m->rkt, m->partition, m->offset);
      rd_kafka_message_destroy(m);
      continue;
    }
    out.kind = FrameKind::kRequest;
    out.request_class = static_cast<uint8_t>(model::RequestClass::kWrite);
    out.flags = kFlagDelivery;
    const int instance = fleet_.ChooseInstance(c.spec.worker_group, "round_robin");
    ++c.inflight;
    Consumer* cp = &c;
    fleet_.peers().Send(c.spec.worker_group, instance, out, [this, cp, m](const Frame& reply) {
      --cp->inflight;
      if (closed_) {
        rd_kafka_message_destroy(m);
        return;
      }
      if (reply.status == FrameStatus::kRejected) {
        // The worker had no room: keep the message and try again.
        ++cp->figures.redelivered;
        cp->held.push_front(m);
        fleet_.timers().ScheduleAfter(1'000'000, [this, cp] { Deliver(*cp); });
        return;
      }
      rd_kafka_offset_store(m->rkt, m->partition, m->offset);
      ++cp->figures.consumed;
      rd_kafka_message_destroy(m);
      ServeConsumer(*cp);
    });
  }
}

std::vector<BackendConsumer> KafkaBackend::Consumers() {
  std::vector<BackendConsumer> out;
  for (auto& c : consumers_) {
    int64_t lag = static_cast<int64_t>(c->held.size()) + c->inflight;
    rd_kafka_topic_partition_list_t* parts = nullptr;
    if (!closed_ && c->rk && rd_kafka_assignment(c->rk, &parts) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        parts) {
      rd_kafka_position(c->rk, parts);  // the next offset to fetch, per partition
      for (int i = 0; i < parts->cnt; ++i) {
        const auto& p = parts->elems[i];
        int64_t low = 0, high = 0;
        if (rd_kafka_get_watermark_offsets(c->rk, p.topic, p.partition, &low, &high) !=
                RD_KAFKA_RESP_ERR_NO_ERROR ||
            high < 0) {
          continue;
        }
        const int64_t at = p.offset >= 0 ? p.offset : low;  // nothing fetched yet: from the start
        lag += std::max<int64_t>(0, high - at);
      }
    }
    if (parts) rd_kafka_topic_partition_list_destroy(parts);
    c->figures.lag = lag;
    c->figures.peak_lag = std::max(c->figures.peak_lag, lag);
    out.push_back(c->figures);
  }
  return out;
}

void KafkaBackend::Close() {
  if (closed_) return;
  closed_ = true;
  for (auto& c : consumers_) {
    for (auto* m : c->held) rd_kafka_message_destroy(m);
    c->held.clear();
    if (c->queue) {
      rd_kafka_queue_io_event_enable(c->queue, -1, nullptr, 0);
      rd_kafka_queue_destroy(c->queue);
      c->queue = nullptr;
    }
    if (c->rk) {
      rd_kafka_consumer_close(c->rk);  // leaves the group: its partitions go to the others
      rd_kafka_destroy(c->rk);
      c->rk = nullptr;
    }
    c->events.reset();
  }
  if (producer_) {
    rd_kafka_flush(producer_, static_cast<int>(timeout_ms_));
    // What is still unacknowledged fails now (ERR__PURGE_*), through the delivery reports:
    // every publisher hears once.
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer_, 0);  // the last delivery reports, to their publishers
    if (producer_queue_) {
      rd_kafka_queue_io_event_enable(producer_queue_, -1, nullptr, 0);
      rd_kafka_queue_destroy(producer_queue_);
      producer_queue_ = nullptr;
    }
    rd_kafka_destroy(producer_);  // reports still pending fail through OnDelivery
    producer_ = nullptr;
  }
  producer_events_.reset();
}

}  // namespace archload::agent

#pragma once

// A broker group's messages held by a real Kafka (librdkafka): a publish is a produce to the
// group's topic, acknowledged on its delivery report; each downstream worker group is a Kafka
// consumer group whose consumer on this agent delivers the messages to the worker instances as
// the emulated broker does (flow control by credit, a refused delivery tried again after 1 ms),
// and stores a message's offset once a worker accepted it. librdkafka's threads never call into
// the agent: its queues raise an eventfd the io thread waits on, and the io thread serves them.

#include <asio.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "agents/backend/backend.h"
#include "agents/net/frame.h"
#include "common/stats/histogram.h"

struct rd_kafka_s;
struct rd_kafka_queue_s;
struct rd_kafka_message_s;

namespace archload::agent {

class Fleet;

class KafkaBackend : public Backend {
 public:
  // `topic`: the broker group's; `consumer_groups`: (worker group index, Kafka group id, credit).
  struct ConsumerSpec {
    int worker_group;
    std::string group_id;
    int credit;
  };
  KafkaBackend(Fleet& fleet, std::string brokers, std::string topic,
               std::vector<ConsumerSpec> consumers, double timeout_ms);
  ~KafkaBackend() override;

  void Execute(Op, uint64_t, Done done) override {
    done(BackendReply{false, false, "kafka takes publishes only"});
  }
  void Publish(const std::string& message, Done done) override;
  void Close() override;
  size_t Pending() const override { return pending_; }
  BackendCounters Counters() const override { return counters_; }
  // Lag from the partitions this agent's consumer holds: the high watermark (as of the last
  // fetch) less its position, plus what it fetched and no worker has accepted yet.
  std::vector<BackendConsumer> Consumers() override;

 private:
  struct Consumer;
  struct Produced;  // a publish awaiting its delivery report
  static void OnDelivery(rd_kafka_s* rk, const rd_kafka_message_s* m, void* opaque);
  void ServeProducer();
  void ServeConsumer(Consumer& c);
  void Deliver(Consumer& c);
  void WaitEvents(asio::posix::stream_descriptor& events, std::function<void()> serve);

  Fleet& fleet_;
  std::string topic_;
  double timeout_ms_;
  rd_kafka_s* producer_ = nullptr;
  rd_kafka_queue_s* producer_queue_ = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> producer_events_;
  std::vector<std::unique_ptr<Consumer>> consumers_;
  size_t pending_ = 0;
  bool closed_ = false;
  BackendCounters counters_;
};

}  // namespace archload::agent

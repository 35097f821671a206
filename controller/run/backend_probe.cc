#include "controller/run/backend_probe.h"

#include <hiredis/hiredis.h>
#include <librdkafka/rdkafka.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "common/spec/backend_address.h"
#include "controller/run/http_proxies.h"

namespace archload::run {

namespace {

using Clock = std::chrono::steady_clock;

std::string ProbeRedis(const std::string& address, double timeout_s) {
  std::string why;
  const auto hp = spec::ParseHostPort(address, &why);
  if (!hp) return why;
  timeval tv{static_cast<time_t>(timeout_s),
             static_cast<suseconds_t>((timeout_s - static_cast<time_t>(timeout_s)) * 1e6)};
  std::unique_ptr<redisContext, void (*)(redisContext*)> c(
      redisConnectWithTimeout(hp->host.c_str(), hp->port, tv), redisFree);
  if (!c) return "out of memory";
  if (c->err) return c->errstr;
  redisSetTimeout(c.get(), tv);
  auto command = [&](const char* cmd) {
    return std::unique_ptr<redisReply, void (*)(redisReply*)>(
        static_cast<redisReply*>(redisCommand(c.get(), cmd)),
        [](redisReply* r) { freeReplyObject(r); });
  };
  auto pong = command("PING");
  if (!pong) return c->err ? c->errstr : "no answer to PING";
  if (pong->type == REDIS_REPLY_ERROR) return std::string("PING: ") + pong->str;
  auto info = command("INFO cluster");
  if (info && info->type == REDIS_REPLY_STRING &&
      std::string(info->str, info->len).find("cluster_enabled:1") != std::string::npos) {
    return "a Redis Cluster node: archload drives a single Redis (or a proxy in front of a "
           "cluster)";
  }
  return "";
}

std::string ProbeKafka(const std::string& brokers, double timeout_s) {
  char err[256] = {};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return err;
  }
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);  // the probe's answer says it
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) return err;  // rd_kafka_new took the conf only on success
  const rd_kafka_metadata_t* md = nullptr;
  const auto rc = rd_kafka_metadata(rk, 0, nullptr, &md, static_cast<int>(timeout_s * 1000));
  std::string out;
  if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = std::string("no metadata: ") + rd_kafka_err2str(rc);
  } else if (md->broker_cnt == 0) {
    out = "no broker in its metadata";
  }
  if (md) rd_kafka_metadata_destroy(md);
  rd_kafka_destroy(rk);
  return out;
}

std::string ProbeHaproxy() {
  if (!FindHaproxy().empty()) return "";
  return "haproxy is not installed (deploy/bootstrap.sh installs it; Debian: apt-get install "
         "haproxy)";
}

}  // namespace

std::optional<KeyspaceCounts> RedisKeyspace(const std::string& address, double timeout_s) {
  std::string why;
  const auto hp = spec::ParseHostPort(address, &why);
  if (!hp) return std::nullopt;
  timeval tv{static_cast<time_t>(timeout_s), 0};
  std::unique_ptr<redisContext, void (*)(redisContext*)> c(
      redisConnectWithTimeout(hp->host.c_str(), hp->port, tv), redisFree);
  if (!c || c->err) return std::nullopt;
  redisSetTimeout(c.get(), tv);
  auto* reply = static_cast<redisReply*>(redisCommand(c.get(), "INFO stats"));
  if (!reply) return std::nullopt;
  std::optional<KeyspaceCounts> out;
  if (reply->type == REDIS_REPLY_STRING) {
    const std::string text(reply->str, reply->len);
    auto field = [&](const std::string& name) -> std::optional<double> {
      const size_t at = text.find(name + ":");
      if (at == std::string::npos) return std::nullopt;
      return std::strtod(text.c_str() + at + name.size() + 1, nullptr);
    };
    const auto h = field("keyspace_hits"), m = field("keyspace_misses");
    if (h && m) out = KeyspaceCounts{*h, *m};
  }
  freeReplyObject(reply);
  return out;
}

std::vector<BackendProbe> ProbeBackends(const spec::Design& design, double timeout_s) {
  std::vector<BackendProbe> out;
  for (const auto& c : design.components) {
    if (!c.backend) continue;
    BackendProbe p{c.name, c.backend->kind, c.backend->address, "", 0};
    const auto start = Clock::now();
    if (p.kind == "redis") {
      p.error = ProbeRedis(p.address, timeout_s);
    } else if (p.kind == "kafka") {
      p.error = ProbeKafka(p.address, timeout_s);
    } else if (p.kind == "haproxy") {
      p.error = ProbeHaproxy();
    } else {
      p.error = "unknown backend kind";
    }
    p.rtt_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    out.push_back(std::move(p));
  }
  return out;
}

void RequireBackends(const std::vector<BackendProbe>& probes) {
  std::string failed;
  for (const auto& p : probes) {
    if (p.error.empty()) continue;
    failed += (failed.empty() ? "" : "; ") + std::string("the ") + p.kind + " backend of '" +
              p.group + "'" + (p.address.empty() ? "" : " (" + p.address + ")") +
              " is unreachable: " + p.error;
  }
  if (!failed.empty()) throw std::runtime_error(failed + "; the run did not start");
}

}  // namespace archload::run

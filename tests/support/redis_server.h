#pragma once

// A real redis-server for a test: on a free loopback port, no persistence, its output in a file,
// stopped by PID (SIGKILL to emulate a crash). A missing binary fails the test, naming it.

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "tests/support/background.h"
#include "tests/support/http_get.h"

namespace archload::testing {

class RedisServer {
 public:
  explicit RedisServer(const std::string& name) : port_(FreeLoopbackPort()) {
    const std::string bin = "/usr/bin/redis-server";
    if (!std::filesystem::exists(bin)) {
      ADD_FAILURE() << "redis-server is missing (" << bin << "): deploy/bootstrap.sh installs it";
      return;
    }
    const auto log = std::filesystem::temp_directory_path() / ("archload-redis-" + name + ".log");
    server_ = std::make_unique<Background>(
        std::vector<std::string>{bin, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no"},
        log.string());
    ready_ = server_->WaitForOutput(
        [](const std::string& out) {
          return out.find("Ready to accept connections") != std::string::npos;
        },
        std::chrono::seconds(20));
    if (!ready_) ADD_FAILURE() << "redis-server did not become ready: " << server_->Output();
  }

  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void Kill() {
    if (server_) server_->Signal(SIGKILL);
  }

  // INFO's "name:value" lines of a section ("stats"), as numbers where they are.
  std::map<std::string, double> Info(const std::string& section) const {
    std::map<std::string, double> out;
    timeval tv{5, 0};
    std::unique_ptr<redisContext, void (*)(redisContext*)> c(
        redisConnectWithTimeout("127.0.0.1", port_, tv), redisFree);
    if (!c || c->err) return out;
    auto* reply = static_cast<redisReply*>(redisCommand(c.get(), "INFO %s", section.c_str()));
    if (reply && reply->type == REDIS_REPLY_STRING) {
      std::istringstream lines(std::string(reply->str, reply->len));
      for (std::string line; std::getline(lines, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        try {
          out[line.substr(0, colon)] = std::stod(line.substr(colon + 1));
        } catch (...) {
        }
      }
    }
    if (reply) freeReplyObject(reply);
    return out;
  }

 private:
  int port_;
  std::unique_ptr<Background> server_;
  bool ready_ = false;
};

}  // namespace archload::testing

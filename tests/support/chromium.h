#pragma once

// A real headless Chromium for tests, driven over the DevTools protocol (CDP): a small
// WebSocket client on a plain socket, JSON commands and events. The browser runs in its own
// process group with a fresh profile and the flags that keep it off the network; the
// destructor closes it and, failing that, kills that group (only what this started).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace archload::testing {

class Chromium {
 public:
  using Clock = std::chrono::steady_clock;
  using Json = nlohmann::json;

  Chromium(const std::string& binary, const std::string& dir, std::chrono::seconds timeout)
      : dir_(dir) {
    std::filesystem::create_directories(dir);
    const std::string profile = dir + "/profile";
    std::filesystem::remove_all(profile);
    std::vector<std::string> argv = {binary,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-extensions",
                                     "--disable-default-apps",
                                     "--disable-domain-reliability",
                                     "--disable-client-side-phishing-detection",
                                     "--disable-breakpad",
                                     "--no-pings",
                                     "--metrics-recording-only",
                                     "--hide-scrollbars",
                                     "--mute-audio",
                                     "--user-data-dir=" + profile,
                                     "--remote-debugging-address=127.0.0.1",
                                     "--remote-debugging-port=0",
                                     "about:blank"};
    const std::string log = dir + "/chromium.log";
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (!freopen(log.c_str(), "w", stdout)) _exit(126);
      dup2(fileno(stdout), fileno(stderr));
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
    // Chromium writes its port and browser path here once DevTools listens.
    const auto deadline = Clock::now() + timeout;
    int port = 0;
    std::string path;
    while (Clock::now() < deadline) {
      std::ifstream in(profile + "/DevToolsActivePort");
      if (in >> port >> path && port > 0) break;
      port = 0;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        why_ = "chromium exited before DevTools listened; its log:\n" + Log();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (port == 0) {
      why_ = "chromium did not open DevTools within " + std::to_string(timeout.count()) +
             " s; its log:\n" + Log();
      return;
    }
    if (!Connect(port, path, deadline)) return;
    ok_ = true;
  }

  ~Chromium() {
    if (ok_) {
      try {
        Send("Browser.close", Json::object(), "");
      } catch (...) {
      }
    }
    if (fd_ >= 0) close(fd_);
    if (pid_ > 0 && !reaped_) {
      const auto end = Clock::now() + std::chrono::seconds(5);
      while (Clock::now() < end) {
        int status;
        if (waitpid(pid_, &status, WNOHANG) == pid_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      kill(-pid_, SIGKILL);  // its process group: the browser and its helpers, nothing else
      waitpid(pid_, nullptr, 0);
    }
  }

  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  std::string Log() const {
    std::ifstream in(dir_ + "/chromium.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  // Sends a command (to a page's session unless `session` is empty) and waits for its result;
  // throws std::runtime_error with CDP's error or on timeout. Events that arrive meanwhile are
  // kept in events().
  Json Call(const std::string& method, const Json& params = Json::object(),
            const std::string& session = "",
            std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const int id = Send(method, params, session);
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      Json m = Next(deadline, method);
      if (m.contains("id") && m["id"] == id) {
        if (m.contains("error")) throw std::runtime_error(method + ": " + m["error"].dump());
        return m.value("result", Json::object());
      }
      if (m.contains("method")) events_.push_back(std::move(m));
    }
  }

  // Waits for an event (from `session` when not empty), looking first at those already seen.
  Json WaitEvent(const std::string& method, const std::string& session,
                 std::chrono::milliseconds timeout) {
    auto matches = [&](const Json& e) {
      return e.value("method", "") == method &&
             (session.empty() || e.value("sessionId", "") == session);
    };
    for (const auto& e : events_) {
      if (matches(e)) return e;
    }
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      Json m = Next(deadline, method);
      if (!m.contains("method")) continue;
      events_.push_back(m);
      if (matches(m)) return m;
    }
  }

  const std::vector<Json>& events() const { return events_; }

 private:
  bool Fail(const std::string& why) {
    why_ = why;
    return false;
  }

  bool Connect(int port, const std::string& path, Clock::time_point deadline) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return Fail("cannot connect to DevTools on port " + std::to_string(port));
    }
    const std::string hello = "GET " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: YXJjaGxvYWQtdGVzdC1rZXk=\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
    if (!WriteAll(hello)) return Fail("cannot write the WebSocket handshake");
    std::string head;
    char c;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
      if (!ReadExact(&c, 1, deadline)) return Fail("no WebSocket handshake answer");
      head += c;
      if (head.size() > 16384) return Fail("an endless handshake answer");
    }
    if (head.find(" 101 ") == std::string::npos) {
      return Fail("DevTools refused the WebSocket: " + head.substr(0, head.find('\r')));
    }
    return true;
  }

  bool WriteAll(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool ReadExact(char* out, size_t n, Clock::time_point deadline) {
    while (n > 0) {
      if (buffered_ < buffer_.size()) {
        const size_t k = std::min(n, buffer_.size() - buffered_);
        std::copy_n(buffer_.data() + buffered_, k, out);
        buffered_ += k;
        out += k;
        n -= k;
        continue;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) <= 0) continue;
      char chunk[65536];
      const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buffer_.assign(chunk, chunk + got);
      buffered_ = 0;
    }
    return true;
  }

  // One masked text frame, as a client must send.
  int Send(const std::string& method, const Json& params, const std::string& session) {
    Json m{{"id", ++next_id_}, {"method", method}, {"params", params}};
    if (!session.empty()) m["sessionId"] = session;
    const std::string payload = m.dump();
    std::string frame;
    frame += static_cast<char>(0x81);
    const size_t n = payload.size();
    if (n < 126) {
      frame += static_cast<char>(0x80 | n);
    } else if (n < 65536) {
      frame += static_cast<char>(0x80 | 126);
      frame += static_cast<char>(n >> 8);
      frame += static_cast<char>(n & 0xFF);
    } else {
      frame += static_cast<char>(0x80 | 127);
      for (int i = 7; i >= 0; --i) frame += static_cast<char>((n >> (8 * i)) & 0xFF);
    }
    std::mt19937 rng(static_cast<unsigned>(next_id_));
    char mask[4];
    for (auto& b : mask) b = static_cast<char>(rng());
    frame.append(mask, 4);
    for (size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    if (!WriteAll(frame)) throw std::runtime_error(method + ": the DevTools socket is closed");
    return next_id_;
  }

  // The next whole message (continuation frames joined; pings answered).
  Json Next(Clock::time_point deadline, const std::string& waiting_for) {
    std::string message;
    for (;;) {
      unsigned char h[2];
      if (!ReadExact(reinterpret_cast<char*>(h), 2, deadline)) {
        throw std::runtime_error("no answer from chromium while waiting for " + waiting_for);
      }
      const int opcode = h[0] & 0x0F;
      uint64_t len = h[1] & 0x7F;
      if (len >= 126) {
        unsigned char ext[8];
        const int k = len == 126 ? 2 : 8;
        if (!ReadExact(reinterpret_cast<char*>(ext), k, deadline)) throw std::runtime_error("cut");
        len = 0;
        for (int i = 0; i < k; ++i) len = len << 8 | ext[i];
      }
      char mask[4] = {0, 0, 0, 0};
      if ((h[1] & 0x80) && !ReadExact(mask, 4, deadline)) throw std::runtime_error("cut");
      std::string payload(len, '\0');
      if (len > 0 && !ReadExact(payload.data(), len, deadline)) throw std::runtime_error("cut");
      if (h[1] & 0x80) {
        for (size_t i = 0; i < len; ++i) payload[i] ^= mask[i % 4];
      }
      if (opcode == 8) throw std::runtime_error("chromium closed the DevTools socket");
      if (opcode == 9) continue;  // ping: chromium does not send them to clients in practice
      message += payload;
      if (h[0] & 0x80) return Json::parse(message);
    }
  }

  std::string dir_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  bool ok_ = false;
  std::string why_;
  int fd_ = -1;
  int next_id_ = 0;
  std::vector<char> buffer_;
  size_t buffered_ = 0;
  std::vector<Json> events_;
};

}  // namespace archload::testing

#pragma once

// The agent's data-plane thread: runs the io_context's handlers, the timer queue and the
// in-process deliveries, and sleeps between them.
//
// kPoll (the default) sleeps in one ppoll on asio's own epoll descriptor with the next timer's
// deadline as its nanosecond timeout, so a timer costs no syscall of its own: at 10k req/s and
// four emulated service times per request, asio's way (a timerfd re-armed, read and re-waited
// for every timer: timerfd_settime + read + epoll_ctl + epoll_wait) was most of the agent's
// syscalls. The thread's timer slack is 1 ns, so the kernel wakes it when asked, not up to 50 µs
// later. kAsio is io_context::run_one with the timer queue's timerfd, kept to measure against.
//
// Spin (TimerQueue::SetEarlyWake): when the next deadline is that close, the loop polls without
// sleeping, for hosts whose wake-ups are late.

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <functional>

#include "agents/core/timer_queue.h"

namespace archload::agent {

class EventLoop {
 public:
  enum class Kind { kPoll, kAsio };

  EventLoop(asio::io_context& io, TimerQueue& timers);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // From the loop's thread (a handler), e.g. when an assignment chooses the loop.
  void SetKind(Kind kind);
  Kind kind() const { return kind_; }

  // Work the loop runs twice a turn, before and after polling the reactor (in-process
  // deliveries, batched writes); returns true when work remains and the loop must not sleep.
  // kPoll only. From the loop's thread.
  void SetTurnWork(std::function<bool()> work) { turn_work_ = std::move(work); }

  // Runs until the io_context is stopped.
  void Run();

  // Posts `f` to the loop from any thread and wakes it. Other threads must post this way: a
  // sleeping kPoll loop does not see a plain asio::post (asio believes its reactor is already
  // interrupted after every poll).
  template <typename F>
  void Post(F f) {
    asio::post(io_, std::move(f));
    Wake();
  }
  void Wake();

  uint64_t iterations() const { return iterations_; }
  // Times the loop went to sleep, and was woken by Post (any thread may read them).
  uint64_t sleeps() const { return sleeps_.load(std::memory_order_relaxed); }
  uint64_t posted_wakes() const { return posted_wakes_.load(std::memory_order_relaxed); }

 private:
  void RunAsioTurn();
  void RunPollTurn();
  // Sleeps until asio's reactor has events, Wake is called, or `deadline_ns`.
  void Sleep(int64_t deadline_ns);
  // asio's count of outstanding work (handlers queued, operations started and not completed).
  long WorkCount() const;

  asio::io_context& io_;
  TimerQueue& timers_;
  asio::detail::scheduler& scheduler_;
  Kind kind_ = Kind::kPoll;
  int reactor_fd_ = -1;  // asio's epoll descriptor, owned by asio
  int wake_fd_ = -1;     // eventfd, owned
  std::function<bool()> turn_work_;
  // asio queues a cancelled operation's handler without counting it as work, so the skipped
  // polls are bounded: one at least every kPollEveryNs of turns, a sleep at most kMaxSleepNs.
  static constexpr int64_t kPollEveryNs = 1'000'000;
  static constexpr int64_t kMaxSleepNs = 10'000'000;
  int64_t last_poll_ns_ = 0;
  bool slept_idle_ = false;   // the last sleep ended at its deadline, with nothing ready
  long idle_work_count_ = 0;  // WorkCount() when it began
  uint64_t iterations_ = 0;
  std::atomic<uint64_t> sleeps_{0};
  std::atomic<uint64_t> posted_wakes_{0};
};

}  // namespace archload::agent

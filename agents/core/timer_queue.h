#pragma once

// Emulated service times are timers, so timers must be truer than the times they emulate.
// asio::steady_timer wakes 60-100 µs late at the median on this machine; one timerfd armed for
// the earliest deadline of a min-heap wakes ~17 µs late. TimerQueue is that: a binary min-heap
// of deadlines on CLOCK_MONOTONIC, one timerfd registered with the io_context, callbacks run on
// the io_context's thread. Not thread-safe: use it from the io_context's thread only.

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace archload::agent {

class TimerQueue {
 public:
  using Callback = std::function<void()>;

  explicit TimerQueue(asio::io_context& io);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Runs `cb` at (or as soon as possible after) `deadline_ns` on CLOCK_MONOTONIC. A deadline in
  // the past runs on the next wake-up. Returns an id for Cancel.
  uint64_t ScheduleAt(int64_t deadline_ns, Callback cb);
  uint64_t ScheduleAfter(int64_t delay_ns, Callback cb);

  // Returns false when the timer already ran or was cancelled.
  bool Cancel(uint64_t id);

  size_t Pending() const;

  // Spin mode, for an owner that runs its own loop: the timerfd fires `early_ns` before the
  // earliest deadline, and the owner, seeing NextDeadlineNs() within that window, polls its
  // sockets without sleeping and calls RunDue() until the deadline has passed. A sleeping vCPU
  // wakes tens of µs late; a spinning one does not. 0 (the default) is plain timerfd wake-ups,
  // for owners that just call io_context::run.
  void SetEarlyWake(int64_t early_ns) { early_ns_ = early_ns; }
  int64_t early_wake_ns() const { return early_ns_; }
  // The earliest deadline pending, INT64_MAX when none.
  int64_t NextDeadlineNs() const { return heap_.empty() ? INT64_MAX : heap_[0].deadline_ns; }
  // Runs every timer that is due now. For owners in spin mode and owners that drive the queue
  // themselves.
  void RunDue();

  // Owner-driven: the owner's loop sleeps until NextDeadlineNs() in its own poll call
  // (agents/core/event_loop.h) and calls RunDue(), so the queue never touches its timerfd: a
  // timer then costs no syscall of its own instead of timerfd_settime + read + epoll_ctl +
  // epoll_wait. Call from the io_context's thread.
  void SetOwnerDriven(bool owner_driven);
  bool owner_driven() const { return owner_driven_; }

  // Lateness observer: called with (actual - deadline) ns for every timer that fires. Used by
  // benchmarks and metrics; may be empty.
  void SetLatenessObserver(std::function<void(int64_t)> observer);

  static int64_t NowNs();

 private:
  // The heap holds small trivially copyable entries so sifting never moves a std::function;
  // callbacks live in slots that stay put while their entry moves. An id names a slot plus the
  // slot's generation, so Cancel finds its entry in O(1) and a stale id never matches a reuse.
  struct Entry {
    int64_t deadline_ns;
    uint64_t seq;  // schedule order: equal deadlines fire first-in first-out
    uint32_t slot;
  };
  struct Slot {
    Callback cb;
    uint32_t heap_pos;  // kFree when the slot holds no timer
    uint32_t generation;
  };
  static constexpr uint32_t kFree = UINT32_MAX;

  static bool Before(const Entry& a, const Entry& b) {
    return a.deadline_ns != b.deadline_ns ? a.deadline_ns < b.deadline_ns : a.seq < b.seq;
  }
  void SiftUp(size_t pos, Entry e);
  void SiftDown(size_t pos, Entry e);
  void RemoveAt(size_t pos);
  void FreeSlot(uint32_t slot);

  void Arm();
  void StartWait();
  void OnReadable(const asio::error_code& ec);
  // Runs the due timers scheduled before the call; false when a callback destroyed the queue.
  bool DispatchDue();
  // Marks a dispatch; on every exit, a callback's exception included, re-arms so the queue keeps
  // waking up (skipped when a callback destroyed the queue).
  struct DispatchGuard {
    DispatchGuard(TimerQueue* queue, bool& destroyed);
    ~DispatchGuard();
    TimerQueue* q;
    const bool& destroyed;
  };

  int fd_ = -1;  // owned by descriptor_, which closes it
  asio::posix::stream_descriptor descriptor_;
  // Completion handlers outlive the queue (a cancelled wait completes later), so they reach it
  // through this cell, which the destructor nulls.
  std::shared_ptr<TimerQueue*> self_;
  std::vector<Entry> heap_;  // min-heap by (deadline, seq)
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 0;
  int64_t early_ns_ = 0;
  int64_t armed_for_ = 0;  // deadline the timerfd is set to; 0 = none pending
  bool waiting_ = false;   // an async_wait is outstanding
  bool dispatching_ = false;
  bool owner_driven_ = false;
  bool* destroyed_flag_ = nullptr;  // set while dispatching, so a callback may delete the queue
  std::function<void(int64_t)> lateness_observer_;
};

}  // namespace archload::agent

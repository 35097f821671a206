#include "agents/core/timer_queue.h"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace archload::agent {

namespace {

// Saturating, so absurd deadlines (INT64_MIN, "never" as INT64_MAX) are just very early or late.
int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}
int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b < 0 ? INT64_MAX : INT64_MIN;
  return r;
}

}  // namespace

TimerQueue::TimerQueue(asio::io_context& io) : descriptor_(io) {
  fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  asio::error_code ec;
  descriptor_.assign(fd_, ec);
  if (ec) {
    // The descriptor only owns the fd once assign succeeds.
    ::close(fd_);
    throw std::system_error(ec, "registering timerfd with io_context");
  }
  self_ = std::make_shared<TimerQueue*>(this);
}

TimerQueue::~TimerQueue() {
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
  *self_ = nullptr;
  // Closing aborts the outstanding wait; its handler runs later, finds self_ null and returns.
  asio::error_code ignored;
  descriptor_.close(ignored);
}

int64_t TimerQueue::NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

uint64_t TimerQueue::ScheduleAfter(int64_t delay_ns, Callback cb) {
  return ScheduleAt(SatAdd(NowNs(), delay_ns), std::move(cb));
}

uint64_t TimerQueue::ScheduleAt(int64_t deadline_ns, Callback cb) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(Slot{nullptr, kFree, 1});
  }
  slots_[slot].cb = std::move(cb);
  const uint64_t id = (static_cast<uint64_t>(slots_[slot].generation) << 32) | slot;
  heap_.emplace_back();
  SiftUp(heap_.size() - 1, Entry{deadline_ns, next_seq_++, slot});
  // Inside a dispatch the handler arms and waits once at the end, whatever callbacks schedule.
  if (!dispatching_ && !owner_driven_) {
    Arm();
    if (!waiting_) StartWait();
  }
  return id;
}

bool TimerQueue::Cancel(uint64_t id) {
  const auto slot = static_cast<uint32_t>(id);
  if (slot >= slots_.size()) return false;
  Slot& s = slots_[slot];
  if (s.generation != static_cast<uint32_t>(id >> 32) || s.heap_pos == kFree) return false;
  RemoveAt(s.heap_pos);
  // Destroyed on return, once the queue is consistent: the captures' destructors may re-enter.
  Callback doomed = std::move(s.cb);
  FreeSlot(slot);
  // The timerfd is left armed (an early wake-up is cheaper than a syscall per cancel), but with
  // nothing pending the wait must go, or io_context::run would not return until it fired.
  if (heap_.empty() && waiting_ && !dispatching_) descriptor_.cancel();
  return true;
}

void TimerQueue::SetOwnerDriven(bool owner_driven) {
  owner_driven_ = owner_driven;
  if (owner_driven_) {
    // The outstanding wait goes; a stale expiry then wakes nobody.
    if (waiting_) descriptor_.cancel();
    return;
  }
  armed_for_ = 0;
  Arm();
  if (!heap_.empty() && !waiting_) StartWait();
}

size_t TimerQueue::Pending() const { return heap_.size(); }

void TimerQueue::SetLatenessObserver(std::function<void(int64_t)> observer) {
  lateness_observer_ = std::move(observer);
}

void TimerQueue::SiftUp(size_t pos, Entry e) {
  while (pos > 0) {
    const size_t parent = (pos - 1) / 2;
    if (!Before(e, heap_[parent])) break;
    heap_[pos] = heap_[parent];
    slots_[heap_[pos].slot].heap_pos = static_cast<uint32_t>(pos);
    pos = parent;
  }
  heap_[pos] = e;
  slots_[e.slot].heap_pos = static_cast<uint32_t>(pos);
}

void TimerQueue::SiftDown(size_t pos, Entry e) {
  const size_t n = heap_.size();
  for (;;) {
    size_t child = 2 * pos + 1;
    if (child >= n) break;
    if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
    if (!Before(heap_[child], e)) break;
    heap_[pos] = heap_[child];
    slots_[heap_[pos].slot].heap_pos = static_cast<uint32_t>(pos);
    pos = child;
  }
  heap_[pos] = e;
  slots_[e.slot].heap_pos = static_cast<uint32_t>(pos);
}

void TimerQueue::RemoveAt(size_t pos) {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (pos == heap_.size()) return;
  if (pos > 0 && Before(last, heap_[(pos - 1) / 2])) {
    SiftUp(pos, last);
  } else {
    SiftDown(pos, last);
  }
}

void TimerQueue::FreeSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  s.heap_pos = kFree;
  // A new generation makes every id issued for this slot so far stale; 0 is never issued.
  if (++s.generation == 0) s.generation = 1;
  free_slots_.push_back(slot);
}

void TimerQueue::Arm() {
  if (owner_driven_) return;
  // With nothing pending the timerfd keeps its old setting: a stale expiry costs one spurious
  // wake-up later, a disarm would cost a syscall now.
  if (heap_.empty()) return;
  // A zero it_value would disarm, so deadlines at or before the epoch become 1 ns (long past).
  int64_t want = std::max<int64_t>(heap_[0].deadline_ns, 1);
  if (early_ns_ > 0) {
    want = std::max<int64_t>(SatSub(want, early_ns_), 1);
    // Inside the window the owner is spinning: a wake-up now would only cost syscalls.
    if (want <= NowNs()) return;
  }
  // Armed no later than needed: the early wake-up re-arms, which saves a syscall when the
  // earliest timer was cancelled or a later one became the earliest.
  if (armed_for_ != 0 && armed_for_ <= want) return;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(want / 1000000000);
  spec.it_value.tv_nsec = static_cast<long>(want % 1000000000);
  // Cannot fail with a valid fd and a normalized absolute time.
  timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
  armed_for_ = want;
}

void TimerQueue::StartWait() {
  waiting_ = true;
  descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                         [self = self_](const asio::error_code& ec) {
                           if (TimerQueue* q = *self) q->OnReadable(ec);
                         });
}

TimerQueue::DispatchGuard::DispatchGuard(TimerQueue* queue, bool& destroyed)
    : q(queue), destroyed(destroyed) {
  q->destroyed_flag_ = &destroyed;
  q->dispatching_ = true;
}

TimerQueue::DispatchGuard::~DispatchGuard() {
  if (destroyed) return;
  q->destroyed_flag_ = nullptr;
  q->dispatching_ = false;
  q->Arm();
  if (!q->heap_.empty() && !q->waiting_ && !q->owner_driven_) q->StartWait();
}

void TimerQueue::OnReadable(const asio::error_code& ec) {
  waiting_ = false;
  bool destroyed = false;
  DispatchGuard guard(this, destroyed);

  // Aborted: Cancel emptied the queue; anything scheduled since still needs the wait restarted.
  if (ec == asio::error::operation_aborted) return;

  uint64_t expirations;
  // EAGAIN when a re-arm reset the expiry after readiness was reported: nothing to consume.
  const ssize_t n = ::read(fd_, &expirations, sizeof expirations);
  (void)n;
  DispatchDue();
}

void TimerQueue::RunDue() {
  if (dispatching_ || heap_.empty() || heap_[0].deadline_ns > NowNs()) return;
  bool destroyed = false;
  DispatchGuard guard(this, destroyed);
  DispatchDue();
}

bool TimerQueue::DispatchDue() {
  const bool& destroyed = *destroyed_flag_;
  int64_t now = NowNs();
  if (armed_for_ != 0 && armed_for_ <= now) armed_for_ = 0;  // expired: the next Arm must set it

  // Timers scheduled by these callbacks wait for the next wake-up even when already due, so a
  // callback that keeps rescheduling itself into the past cannot starve the io_context.
  const uint64_t seq_limit = next_seq_;
  while (!heap_.empty()) {
    const Entry top = heap_[0];
    if (top.seq >= seq_limit) break;
    // Timers that came due while earlier callbacks ran go now, not after another epoll round.
    if (top.deadline_ns > now && top.deadline_ns > (now = NowNs())) break;
    RemoveAt(0);
    // Out of the slot before running: the callback may schedule into (and grow) slots_.
    Callback cb = std::move(slots_[top.slot].cb);
    FreeSlot(top.slot);
    if (lateness_observer_) {
      lateness_observer_(SatSub(NowNs(), top.deadline_ns));
      if (destroyed) return false;
    }
    if (cb) cb();
    if (destroyed) return false;
  }
  return true;
}

}  // namespace archload::agent

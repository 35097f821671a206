#include "agents/core/event_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace archload::agent {

namespace {

// asio keeps its epoll descriptor and its count of outstanding work private, and offers no way
// to wait on the one with a finer timeout than a millisecond. An explicit instantiation may name
// a private member (C++20 [temp.spec]/6), so Expose hands each member's address to a friend
// function found by its tag: checked by the compiler, and it breaks the build, not the run, if a
// future asio renames a member.
template <typename Tag, typename Tag::Member M>
struct Expose {
  friend typename Tag::Member MemberOf(Tag) { return M; }
};
struct ReactorFdTag {
  using Member = int asio::detail::epoll_reactor::*;
  friend Member MemberOf(ReactorFdTag);
};
template struct Expose<ReactorFdTag, &asio::detail::epoll_reactor::epoll_fd_>;
// Every handler posted and every operation started counts, so an unchanged count means nothing
// was queued since it was read.
struct WorkCountTag {
  using Member = asio::detail::atomic_count asio::detail::scheduler::*;
  friend Member MemberOf(WorkCountTag);
};
template struct Expose<WorkCountTag, &asio::detail::scheduler::outstanding_work_>;

int ReactorFdOf(asio::io_context& io) {
  auto& reactor = asio::use_service<asio::detail::epoll_reactor>(io);
  return reactor.*MemberOf(ReactorFdTag{});
}

long Load(const std::atomic<long>& count) { return count.load(std::memory_order_relaxed); }
[[maybe_unused]] long Load(long count) { return count; }

}  // namespace

EventLoop::EventLoop(asio::io_context& io, TimerQueue& timers)
    : io_(io),
      timers_(timers),
      scheduler_(asio::use_service<asio::detail::scheduler>(io)),
      reactor_fd_(ReactorFdOf(io)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  timers_.SetOwnerDriven(true);
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

long EventLoop::WorkCount() const { return Load(scheduler_.*MemberOf(WorkCountTag{})); }

void EventLoop::SetKind(Kind kind) {
  kind_ = kind;
  slept_idle_ = false;
  timers_.SetOwnerDriven(kind_ == Kind::kPoll);
}

void EventLoop::Wake() {
  const uint64_t one = 1;
  // Fails only when the counter would overflow: the loop is then certainly going to wake.
  const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  (void)n;
}

void EventLoop::Run() {
  // The kernel may defer a sleeping thread's wake-up by its timer slack (50 µs by default) to
  // batch wake-ups; emulated service times of 0.2 ms cannot afford that.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  while (!io_.stopped()) {
    ++iterations_;
    if (kind_ == Kind::kAsio) {
      RunAsioTurn();
    } else {
      RunPollTurn();
    }
  }
}

void EventLoop::RunAsioTurn() {
  const int64_t spin = timers_.early_wake_ns();
  if (spin > 0 && timers_.NextDeadlineNs() - TimerQueue::NowNs() <= spin) {
    io_.poll();
    timers_.RunDue();
    return;
  }
  io_.run_one();
}

void EventLoop::RunPollTurn() {
  // Timers, then the turn's work (in-process deliveries, batched writes), then one poll of the
  // reactor (an epoll_wait with no timeout) that also runs any handler they posted; then the
  // work the handlers made.
  timers_.RunDue();
  if (turn_work_) turn_work_();
  // When the sleep ended with nothing ready (its deadline) and nothing posted a handler or
  // started an operation since, asio has nothing to do: its epoll_wait is skipped. Not for long:
  // a cancelled operation's handler (a socket closed) is queued without counting as work.
  const int64_t turn_ns = TimerQueue::NowNs();
  if (!slept_idle_ || WorkCount() != idle_work_count_ || turn_ns - last_poll_ns_ > kPollEveryNs) {
    io_.poll();
    last_poll_ns_ = turn_ns;
  }
  slept_idle_ = false;
  if (io_.stopped()) return;
  const long after_poll = WorkCount();
  bool more = turn_work_ && turn_work_();
  // The work since the poll posted a handler or started an operation (one that completed at once
  // waits in asio's queue, where the sleep would not see it): go round once more.
  if (WorkCount() != after_poll) more = true;
  // Work remains, or a handler made a timer due: go round without sleeping.
  const int64_t next = timers_.NextDeadlineNs();
  const int64_t now = TimerQueue::NowNs();
  if (more || next <= now) return;
  const int64_t spin = timers_.early_wake_ns();
  if (spin > 0 && next - now <= spin) return;
  // Never unboundedly: see kPollEveryNs.
  Sleep(std::min(next - spin, now + kMaxSleepNs));
}

void EventLoop::Sleep(int64_t deadline_ns) {
  pollfd fds[2] = {{reactor_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int64_t wait = std::max<int64_t>(0, deadline_ns - TimerQueue::NowNs());
  timespec timeout{};
  timeout.tv_sec = static_cast<time_t>(wait / 1000000000);
  timeout.tv_nsec = static_cast<long>(wait % 1000000000);
  sleeps_.fetch_add(1, std::memory_order_relaxed);
  idle_work_count_ = WorkCount();
  const int n = ::ppoll(fds, 2, &timeout, nullptr);
  slept_idle_ = n == 0;
  if (n > 0 && (fds[1].revents & POLLIN)) {
    posted_wakes_.fetch_add(1, std::memory_order_relaxed);
    uint64_t count;
    const ssize_t r = ::read(wake_fd_, &count, sizeof count);
    (void)r;
  }
}

}  // namespace archload::agent

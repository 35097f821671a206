#include "agents/core/event_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace archload::agent {

namespace {

// asio keeps its epoll descriptor private and offers no way to wait on it with a finer timeout
// than a millisecond. An explicit instantiation may name a private member (C++20 [temp.spec]/6),
// so this hands its address to a friend function: checked by the compiler, and it breaks the
// build, not the run, if a future asio renames the member.
struct ReactorFdTag {
  using Member = int asio::detail::epoll_reactor::*;
  friend Member ReactorFdMember(ReactorFdTag);
};
template <typename Tag, typename Tag::Member M>
struct ExposeMember {
  friend typename Tag::Member ReactorFdMember(Tag) { return M; }
};
template struct ExposeMember<ReactorFdTag, &asio::detail::epoll_reactor::epoll_fd_>;

int ReactorFdOf(asio::io_context& io) {
  auto& reactor = asio::use_service<asio::detail::epoll_reactor>(io);
  return reactor.*ReactorFdMember(ReactorFdTag{});
}

}  // namespace

EventLoop::EventLoop(asio::io_context& io, TimerQueue& timers)
    : io_(io), timers_(timers), reactor_fd_(ReactorFdOf(io)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  timers_.SetOwnerDriven(true);
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void EventLoop::SetKind(Kind kind) {
  kind_ = kind;
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
  // work the handlers made. A turn woken by a timer costs that epoll_wait and the sleep.
  timers_.RunDue();
  if (turn_work_) turn_work_();
  io_.poll();
  if (io_.stopped()) return;
  const bool more = turn_work_ && turn_work_();
  // Work remains, or a handler made a timer due: go round without sleeping.
  const int64_t next = timers_.NextDeadlineNs();
  const int64_t now = TimerQueue::NowNs();
  if (more || next <= now) return;
  const int64_t spin = timers_.early_wake_ns();
  if (spin > 0 && next - now <= spin) return;
  Sleep(next == INT64_MAX ? INT64_MAX : next - spin);
}

void EventLoop::Sleep(int64_t deadline_ns) {
  pollfd fds[2] = {{reactor_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  timespec timeout{};
  timespec* t = nullptr;
  if (deadline_ns != INT64_MAX) {
    const int64_t wait = std::max<int64_t>(0, deadline_ns - TimerQueue::NowNs());
    timeout.tv_sec = static_cast<time_t>(wait / 1000000000);
    timeout.tv_nsec = static_cast<long>(wait % 1000000000);
    t = &timeout;
  }
  sleeps_.fetch_add(1, std::memory_order_relaxed);
  const int n = ::ppoll(fds, 2, t, nullptr);
  if (n > 0 && (fds[1].revents & POLLIN)) {
    uint64_t count;
    const ssize_t r = ::read(wake_fd_, &count, sizeof count);
    (void)r;
  }
}

}  // namespace archload::agent

#include "agents/core/event_loop.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace archload::agent {
namespace {

using namespace std::chrono_literals;

// The loop on its own thread, stopped (and joined) at the end of the test.
struct RunningLoop {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{asio::make_work_guard(io)};
  TimerQueue timers{io};
  EventLoop loop{io, timers};
  std::thread thread;

  explicit RunningLoop(EventLoop::Kind kind = EventLoop::Kind::kPoll) {
    loop.SetKind(kind);
    thread = std::thread([this] { loop.Run(); });
  }
  ~RunningLoop() {
    loop.Post([this] {
      work.reset();
      io.stop();
    });
    thread.join();
  }
  // Runs f on the loop's thread and waits for it (bounded).
  template <typename F>
  void OnLoop(F f) {
    std::promise<void> done;
    loop.Post([&] {
      f();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(30s), std::future_status::ready);
  }
};

TEST(EventLoop, TimersFireInDeadlineOrderWithoutTheTimerfd) {
  for (auto kind : {EventLoop::Kind::kPoll, EventLoop::Kind::kAsio}) {
    RunningLoop l(kind);
    std::vector<int> order;
    std::promise<void> all;
    l.OnLoop([&] {
      EXPECT_EQ(l.timers.owner_driven(), kind == EventLoop::Kind::kPoll);
      const int64_t now = TimerQueue::NowNs();
      for (int i : {3, 1, 2}) {
        l.timers.ScheduleAt(now + i * 2'000'000, [&, i] {
          order.push_back(i);
          if (order.size() == 3) all.set_value();
        });
      }
    });
    ASSERT_EQ(all.get_future().wait_for(30s), std::future_status::ready);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  }
}

// A loop asleep with nothing scheduled must wake for work posted from another thread (asio
// alone would not wake it: it believes its reactor already interrupted), not at its next
// bounded wake-up.
TEST(EventLoop, APostFromAnotherThreadWakesASleepingLoop) {
  RunningLoop l;
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  for (int i = 0; i < 5; ++i) {
    const uint64_t wakes_before = l.loop.posted_wakes();
    l.OnLoop([] {});
    // The post's eventfd wakes a sleeping loop (or its next sleep, had it been awake): without
    // Wake only the bounded sleep would end, and this would never count.
    while (l.loop.posted_wakes() == wakes_before && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    ASSERT_GT(l.loop.posted_wakes(), wakes_before);
  }
}

// Socket-like readiness (an asio timer through the reactor) wakes the loop from its sleep, and
// the turn's work runs twice a turn, keeping the loop awake while it reports more.
TEST(EventLoop, ReactorEventsAndTurnWorkRunWhileTimersWait) {
  RunningLoop l;
  asio::steady_timer asio_timer(l.io);
  std::promise<void> fired;
  int work_left = 0, work_runs = 0;
  std::promise<void> worked;
  l.OnLoop([&] {
    // A far timer of ours: the loop sleeps until then unless the reactor wakes it.
    l.timers.ScheduleAfter(60'000'000'000, [] {});
    asio_timer.expires_after(5ms);
    asio_timer.async_wait([&](const asio::error_code& ec) {
      if (!ec) fired.set_value();
    });
    work_left = 3;
    l.loop.SetTurnWork([&] {
      ++work_runs;
      if (work_left > 0 && --work_left == 0) worked.set_value();
      return work_left > 0;
    });
  });
  EXPECT_EQ(fired.get_future().wait_for(30s), std::future_status::ready);
  EXPECT_EQ(worked.get_future().wait_for(30s), std::future_status::ready);
  l.OnLoop([&] {
    EXPECT_GE(work_runs, 3);
    l.loop.SetTurnWork(nullptr);
  });
}

}  // namespace
}  // namespace archload::agent

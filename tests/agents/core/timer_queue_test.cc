#include "agents/core/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace archload::agent {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kMs = 1000000;
// Generous: a loaded 2-core CI machine may stall the test for seconds; passing tests never wait
// this long.
constexpr auto kCap = 30s;

// Runs the io_context until `done` or the cap, whichever is first. Never asserts on timing.
bool RunUntil(asio::io_context& io, const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + kCap;
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    if (io.stopped()) io.restart();
    io.run_for(5ms);
    // Out of work and still not done: nothing can make progress, don't spin hot until the cap.
    if (io.stopped() && !done()) std::this_thread::sleep_for(1ms);
  }
  return done();
}

TEST(TimerQueueTest, FiresInDeadlineOrderWhenScheduledShuffled) {
  asio::io_context io;
  TimerQueue q(io);
  constexpr int kCount = 200;
  std::vector<int> order(kCount);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  // Some deadlines already past, the rest spread over 40 ms: order must hold across batches.
  const int64_t base = TimerQueue::NowNs() - 5 * kMs;
  std::vector<int> fired;
  for (int i : order) {
    q.ScheduleAt(base + i * 225000, [&fired, i] { fired.push_back(i); });
  }
  ASSERT_TRUE(RunUntil(io, [&] { return fired.size() == kCount; }));
  std::vector<int> expected(kCount);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(fired, expected);
}

TEST(TimerQueueTest, EqualDeadlinesFireInScheduleOrder) {
  asio::io_context io;
  TimerQueue q(io);
  const int64_t deadline = TimerQueue::NowNs() + 2 * kMs;
  std::vector<int> fired;
  for (int i = 0; i < 50; ++i) q.ScheduleAt(deadline, [&fired, i] { fired.push_back(i); });
  ASSERT_TRUE(RunUntil(io, [&] { return fired.size() == 50; }));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(fired[i], i);
}

TEST(TimerQueueTest, PastDeadlinesFireWithoutWaitingForLaterTimers) {
  asio::io_context io;
  TimerQueue q(io);
  int fired = 0;
  bool late_fired = false;
  // An hour-away timer is the one that would set the wake-up if past deadlines were missed.
  q.ScheduleAfter(3600'000 * kMs, [&] { late_fired = true; });
  q.ScheduleAt(TimerQueue::NowNs() - 1000 * kMs, [&] { ++fired; });
  q.ScheduleAt(0, [&] { ++fired; });
  q.ScheduleAt(-5, [&] { ++fired; });
  q.ScheduleAt(INT64_MIN, [&] { ++fired; });
  q.ScheduleAfter(-kMs, [&] { ++fired; });
  ASSERT_TRUE(RunUntil(io, [&] { return fired == 5; }));
  EXPECT_FALSE(late_fired);
  EXPECT_EQ(q.Pending(), 1u);
}

TEST(TimerQueueTest, FarFutureDeadlinesStayPending) {
  asio::io_context io;
  TimerQueue q(io);
  bool far_fired = false;
  bool near_fired = false;
  q.ScheduleAt(INT64_MAX, [&] { far_fired = true; });
  q.ScheduleAfter(INT64_MAX, [&] { far_fired = true; });
  q.ScheduleAfter(kMs, [&] { near_fired = true; });
  ASSERT_TRUE(RunUntil(io, [&] { return near_fired; }));
  EXPECT_FALSE(far_fired);
  EXPECT_EQ(q.Pending(), 2u);
}

TEST(TimerQueueTest, CancelPreventsFiringAndRejectsUnknownOrSpentIds) {
  asio::io_context io;
  TimerQueue q(io);
  bool a_fired = false;
  bool b_fired = false;
  const uint64_t a = q.ScheduleAfter(kMs, [&] { a_fired = true; });
  const uint64_t b = q.ScheduleAfter(3 * kMs, [&] { b_fired = true; });
  EXPECT_NE(a, 0u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(q.Cancel(a));
  EXPECT_FALSE(q.Cancel(a));  // already cancelled
  EXPECT_FALSE(q.Cancel(0));
  EXPECT_FALSE(q.Cancel(0xdeadbeefcafeULL));
  EXPECT_FALSE(q.Cancel(b + 1));
  EXPECT_EQ(q.Pending(), 1u);
  ASSERT_TRUE(RunUntil(io, [&] { return b_fired; }));
  EXPECT_FALSE(a_fired);
  EXPECT_FALSE(q.Cancel(b));  // already ran

  // A new timer may reuse b's storage; b's id must still not reach it.
  bool c_fired = false;
  const uint64_t c = q.ScheduleAfter(kMs, [&] { c_fired = true; });
  EXPECT_NE(c, b);
  EXPECT_FALSE(q.Cancel(b));
  EXPECT_EQ(q.Pending(), 1u);
  ASSERT_TRUE(RunUntil(io, [&] { return c_fired; }));
}

TEST(TimerQueueTest, CancelReleasesTheCallbackAtOnce) {
  asio::io_context io;
  TimerQueue q(io);
  auto payload = std::make_shared<int>(7);
  const uint64_t id = q.ScheduleAfter(3600'000 * kMs, [payload] {});
  EXPECT_EQ(payload.use_count(), 2);
  EXPECT_TRUE(q.Cancel(id));
  EXPECT_EQ(payload.use_count(), 1);
}

TEST(TimerQueueTest, CancellingTheLastTimerLetsRunReturn) {
  asio::io_context io;
  TimerQueue q(io);
  q.Cancel(q.ScheduleAfter(3600'000 * kMs, [] {}));
  // run_for returns early, and stopped, only when the io_context ran out of work.
  io.run_for(kCap);
  EXPECT_TRUE(io.stopped());
}

TEST(TimerQueueTest, ScheduleRightAfterCancellingTheLastTimerStillFires) {
  asio::io_context io;
  TimerQueue q(io);
  // The cancelled wait has not completed yet when the next timer arrives.
  q.Cancel(q.ScheduleAfter(3600'000 * kMs, [] {}));
  bool fired = false;
  q.ScheduleAfter(kMs, [&] { fired = true; });
  ASSERT_TRUE(RunUntil(io, [&] { return fired; }));
  // And again after the io_context ran dry.
  io.run_for(kCap);
  ASSERT_TRUE(io.stopped());
  fired = false;
  q.ScheduleAfter(kMs, [&] { fired = true; });
  ASSERT_TRUE(RunUntil(io, [&] { return fired; }));
}

TEST(TimerQueueTest, CallbacksScheduleAndCancelReentrantly) {
  asio::io_context io;
  TimerQueue q(io);
  const int64_t now = TimerQueue::NowNs();
  std::vector<std::string> fired;
  uint64_t b = 0;
  uint64_t self = 0;
  bool self_cancel_result = true;
  bool cancel_b_result = false;
  // a and b are due in the same wake-up; a cancels b, so b must not run.
  self = q.ScheduleAt(now - 2 * kMs, [&] {
    fired.push_back("a");
    self_cancel_result = q.Cancel(self);
    cancel_b_result = q.Cancel(b);
    q.ScheduleAt(now - 10 * kMs, [&] { fired.push_back("past-from-a"); });
    q.ScheduleAfter(2 * kMs, [&] { fired.push_back("future-from-a"); });
  });
  b = q.ScheduleAt(now - kMs, [&] { fired.push_back("b"); });
  ASSERT_TRUE(RunUntil(io, [&] { return fired.size() == 3; }));
  EXPECT_FALSE(self_cancel_result);
  EXPECT_TRUE(cancel_b_result);
  EXPECT_EQ(fired, (std::vector<std::string>{"a", "past-from-a", "future-from-a"}));
  EXPECT_EQ(q.Pending(), 0u);
}

TEST(TimerQueueTest, CallbackCanRescheduleItselfIntoThePastWithoutStarvingOthers) {
  asio::io_context io;
  TimerQueue q(io);
  int hops = 0;
  int hops_when_posted_ran = -1;
  std::function<void()> hop = [&] {
    // Posted from inside the chain: it runs only if the chain yields to the io_context.
    if (hops == 0) asio::post(io, [&] { hops_when_posted_ran = hops; });
    if (++hops < 1000) q.ScheduleAt(0, hop);
  };
  q.ScheduleAt(0, hop);
  ASSERT_TRUE(RunUntil(io, [&] { return hops == 1000; }));
  EXPECT_GE(hops_when_posted_ran, 1);
  EXPECT_LT(hops_when_posted_ran, 1000);
  EXPECT_EQ(q.Pending(), 0u);
}

TEST(TimerQueueTest, PendingCountsScheduledMinusFiredAndCancelled) {
  asio::io_context io;
  TimerQueue q(io);
  EXPECT_EQ(q.Pending(), 0u);
  size_t pending_inside = 99;
  q.ScheduleAfter(kMs, [&] { pending_inside = q.Pending(); });
  const uint64_t b = q.ScheduleAfter(3600'000 * kMs, [] {});
  const uint64_t c = q.ScheduleAfter(3600'000 * kMs, [] {});
  EXPECT_EQ(q.Pending(), 3u);
  EXPECT_TRUE(q.Cancel(b));
  EXPECT_EQ(q.Pending(), 2u);
  ASSERT_TRUE(RunUntil(io, [&] { return pending_inside != 99; }));
  EXPECT_EQ(pending_inside, 1u);  // the running timer is no longer pending
  EXPECT_EQ(q.Pending(), 1u);
  EXPECT_TRUE(q.Cancel(c));
  EXPECT_EQ(q.Pending(), 0u);
}

TEST(TimerQueueTest, ThousandsOfTimersEachFireExactlyOnce) {
  asio::io_context io;
  TimerQueue q(io);
  constexpr int kCount = 20000;
  std::vector<int> runs(kCount, 0);
  std::vector<uint64_t> ids(kCount);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> offset(-kMs, 50 * kMs);
  const int64_t now = TimerQueue::NowNs();
  int fired = 0;
  for (int i = 0; i < kCount; ++i) {
    ids[i] = q.ScheduleAt(now + offset(rng), [&runs, &fired, i] {
      ++runs[i];
      ++fired;
    });
  }
  std::vector<uint64_t> sorted_ids = ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  EXPECT_EQ(std::adjacent_find(sorted_ids.begin(), sorted_ids.end()), sorted_ids.end());
  int cancelled = 0;
  for (int i = 0; i < kCount; i += 7) {
    EXPECT_TRUE(q.Cancel(ids[i]));
    ++cancelled;
  }
  EXPECT_EQ(q.Pending(), static_cast<size_t>(kCount - cancelled));
  ASSERT_TRUE(RunUntil(io, [&] { return fired == kCount - cancelled; }));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(runs[i], i % 7 == 0 ? 0 : 1) << "timer " << i;
  EXPECT_EQ(q.Pending(), 0u);
  // Nothing extra shows up later.
  io.run_for(20ms);
  EXPECT_EQ(fired, kCount - cancelled);
}

TEST(TimerQueueTest, DestroyingWithPendingTimersRunsNoneOfThem) {
  asio::io_context io;
  auto payload = std::make_shared<int>(1);
  int fired = 0;
  {
    TimerQueue q(io);
    for (int i = 0; i < 100; ++i) {
      q.ScheduleAt(i % 2 == 0 ? 0 : TimerQueue::NowNs() + i * kMs, [&, payload] { ++fired; });
    }
    EXPECT_EQ(payload.use_count(), 101);
  }  // a wait is outstanding here
  EXPECT_EQ(payload.use_count(), 1);
  io.run_for(200ms);  // the aborted wait completes against the dead queue
  EXPECT_EQ(fired, 0);
}

TEST(TimerQueueTest, DestroyingWhileTheTimerfdIsReadableRunsNothing) {
  asio::io_context io;
  int fired = 0;
  auto q = std::make_unique<TimerQueue>(io);
  // A first timer proves the wake-up path works; then past timers make the timerfd readable
  // before the queue dies with its wait outstanding.
  q->ScheduleAt(0, [&] { ++fired; });
  ASSERT_TRUE(RunUntil(io, [&] { return fired == 1; }));
  for (int i = 0; i < 10; ++i) q->ScheduleAt(0, [&] { ++fired; });
  std::this_thread::sleep_for(2ms);
  q.reset();
  io.restart();
  io.run_for(100ms);
  EXPECT_EQ(fired, 1);
}

TEST(TimerQueueTest, CallbackMayDestroyTheQueue) {
  asio::io_context io;
  auto q = std::make_unique<TimerQueue>(io);
  std::vector<int> fired;
  // Both due in the same wake-up; the first destroys the queue, the second must not run.
  q->ScheduleAt(1, [&] {
    fired.push_back(1);
    q.reset();
  });
  q->ScheduleAt(2, [&] { fired.push_back(2); });
  ASSERT_TRUE(RunUntil(io, [&] { return !fired.empty(); }));
  io.restart();
  io.run_for(50ms);
  EXPECT_EQ(fired, std::vector<int>{1});
}

TEST(TimerQueueTest, LatenessObserverSeesEachFiredTimerOnceWithANonNegativeValue) {
  asio::io_context io;
  TimerQueue q(io);
  std::vector<int64_t> lateness;
  q.SetLatenessObserver([&](int64_t ns) { lateness.push_back(ns); });
  int fired = 0;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(q.ScheduleAfter((i % 30 - 5) * kMs / 2, [&] { ++fired; }));
  }
  for (int i = 0; i < 300; i += 10) q.Cancel(ids[i]);
  ASSERT_TRUE(RunUntil(io, [&] { return fired == 270; }));
  EXPECT_EQ(lateness.size(), 270u);
  for (int64_t ns : lateness) EXPECT_GE(ns, 0);
}

TEST(TimerQueueTest, KeepsWorkingAfterACallbackThrows) {
  asio::io_context io;
  TimerQueue q(io);
  bool later_fired = false;
  q.ScheduleAt(1, [] { throw std::runtime_error("boom"); });
  q.ScheduleAt(2, [&] { later_fired = true; });
  bool threw = false;
  const auto give_up = std::chrono::steady_clock::now() + kCap;
  while (!threw && std::chrono::steady_clock::now() < give_up) {
    try {
      io.run_for(5ms);
    } catch (const std::runtime_error&) {
      threw = true;
    }
  }
  ASSERT_TRUE(threw);
  ASSERT_TRUE(RunUntil(io, [&] { return later_fired; }));
}

// Spin mode as AgentRuntime drives it: block while the next deadline is outside the window,
// poll and RunDue inside it. Every timer fires once, in order, never before its deadline.
TEST(TimerQueueTest, SpinModeFiresEveryTimerInOrderAndNeverEarly) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  TimerQueue q(io);
  q.SetEarlyWake(2 * kMs);
  EXPECT_EQ(q.NextDeadlineNs(), INT64_MAX);
  std::vector<int> order;
  std::vector<int64_t> early;
  const int64_t base = TimerQueue::NowNs();
  for (int i : {3, 0, 4, 1, 2}) {
    const int64_t deadline = base + (i + 1) * 3 * kMs;
    q.ScheduleAt(deadline, [&, i, deadline] {
      order.push_back(i);
      if (TimerQueue::NowNs() < deadline) early.push_back(deadline);
    });
  }
  EXPECT_EQ(q.NextDeadlineNs(), base + 3 * kMs);
  const auto give_up = std::chrono::steady_clock::now() + kCap;
  while (order.size() < 5 && std::chrono::steady_clock::now() < give_up) {
    if (q.NextDeadlineNs() - TimerQueue::NowNs() <= q.early_wake_ns()) {
      io.poll();
      q.RunDue();
    } else {
      io.run_one_for(5ms);
    }
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(early.empty());
  EXPECT_EQ(q.Pending(), 0u);
  EXPECT_EQ(q.NextDeadlineNs(), INT64_MAX);
}

TEST(TimerQueueTest, RunDueLeavesTimersThatAreNotDue) {
  asio::io_context io;
  TimerQueue q(io);
  int fired = 0;
  q.ScheduleAt(TimerQueue::NowNs() - kMs, [&] { ++fired; });
  q.ScheduleAt(TimerQueue::NowNs() + 3600 * 1000 * kMs, [&] { ++fired; });
  q.RunDue();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(q.Pending(), 1u);
}

}  // namespace
}  // namespace archload::agent

#pragma once

// What a run needs to know about Prometheus's scrapes of one endpoint: whether anybody scrapes
// it at all, and whether a scrape has been answered with the run's final figures. After the run
// an endpoint that has been scraped before lingers until that happens (or a bound passes), so the
// last interval is not lost (Vegeta's exporter exits before its final scrape); one nobody ever
// scraped does not hold the run up.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace archload::metrics {

class ScrapeLedger {
 public:
  using Clock = std::chrono::steady_clock;

  // Called (outside the lock) after every answered scrape with the number answered so far.
  void SetListener(std::function<void(uint64_t scrapes)> listener);

  // A collector calls this at the end of each Collect; `final`: it served the final figures.
  void Answered(bool final);

  uint64_t scrapes() const;
  bool final_scraped() const;

  // After the final figures are in: waits until a scrape has served them or `deadline` passes;
  // returns at once when nobody has scraped the endpoint yet. True when they were scraped.
  bool WaitForFinalScrape(Clock::time_point deadline);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t scrapes_ = 0;
  bool final_scraped_ = false;
  std::function<void(uint64_t)> listener_;
};

}  // namespace archload::metrics

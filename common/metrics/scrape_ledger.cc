#include "common/metrics/scrape_ledger.h"

namespace archload::metrics {

void ScrapeLedger::SetListener(std::function<void(uint64_t)> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

void ScrapeLedger::Answered(bool final) {
  uint64_t n;
  std::function<void(uint64_t)> listener;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = ++scrapes_;
    final_scraped_ = final_scraped_ || final;
    listener = listener_;
  }
  cv_.notify_all();
  if (listener) listener(n);
}

uint64_t ScrapeLedger::scrapes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return scrapes_;
}

bool ScrapeLedger::final_scraped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return final_scraped_;
}

bool ScrapeLedger::WaitForFinalScrape(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  if (scrapes_ == 0) return false;
  return cv_.wait_until(lock, deadline, [&] { return final_scraped_; });
}

}  // namespace archload::metrics

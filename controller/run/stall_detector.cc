#include "controller/run/stall_detector.h"

namespace archload::run {

void StallDetector::Observe(double now_s, const std::vector<double>& last_heard_s) {
  if (open_.size() < last_heard_s.size()) open_.resize(last_heard_s.size(), -1);
  for (size_t i = 0; i < last_heard_s.size(); ++i) {
    const double silent = now_s - last_heard_s[i];
    if (open_[i] < 0) {
      if (silent > threshold_s_) {
        open_[i] = static_cast<int>(stalls_.size());
        stalls_.push_back({i, last_heard_s[i], now_s, true});
      }
      continue;
    }
    Stall& s = stalls_[open_[i]];
    if (last_heard_s[i] > s.from_s) {  // heard again: the stall ended when it spoke
      s.to_s = last_heard_s[i];
      s.ongoing = false;
      open_[i] = -1;
    } else {
      s.to_s = now_s;
    }
  }
}

void StallDetector::Finish(double end_s) {
  for (auto& idx : open_) {
    if (idx < 0) continue;
    stalls_[idx].to_s = std::max(stalls_[idx].to_s, end_s);
    idx = -1;
  }
}

}  // namespace archload::run

#include "controller/run/batches.h"

#include <algorithm>

namespace archload::run {

void Batch::Append(const Batch& next) {
  if (windows == 0) {
    *this = next;
    return;
  }
  length_s = next.start_s + next.length_s - start_s;
  windows += next.windows;
  offered += next.offered;
  ok += next.ok;
  errors += next.errors;
  read_ns.Merge(next.read_ns);
  write_ns.Merge(next.write_ns);
  async_ns.Merge(next.async_ns);
  if (busy_ns.size() < next.busy_ns.size()) busy_ns.resize(next.busy_ns.size(), 0);
  for (size_t i = 0; i < next.busy_ns.size(); ++i) busy_ns[i] += next.busy_ns[i];
}

BatchSet::BatchSet(size_t max_batches) : max_(std::max<size_t>(2, max_batches & ~size_t{1})) {}

void BatchSet::Add(const Batch& window) {
  filling_.Append(window);
  if (filling_.windows < per_) return;
  full_.push_back(std::move(filling_));
  filling_ = Batch();
  if (full_.size() < max_) return;
  std::vector<Batch> merged;
  for (size_t i = 0; i + 1 < full_.size(); i += 2) {
    merged.push_back(std::move(full_[i]));
    merged.back().Append(full_[i + 1]);
  }
  full_ = std::move(merged);
  per_ *= 2;
}

void BatchSet::AddToLatest(Batch sliver) {
  sliver.windows = 0;
  if (filling_.windows > 0) {
    filling_.Append(sliver);
  } else if (!full_.empty()) {
    full_.back().Append(sliver);
  } else {
    sliver.windows = 1;
    Add(sliver);
  }
}

std::vector<Batch> BatchSet::Sections() const {
  std::vector<Batch> out = full_;
  if (filling_.windows == 0) return out;
  if (out.empty() || 2 * filling_.windows >= per_) {
    out.push_back(filling_);
  } else {
    out.back().Append(filling_);
  }
  return out;
}

}  // namespace archload::run

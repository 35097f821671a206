#pragma once

// The run cut into batches of consecutive one-second windows, for confidence intervals by batch
// means (docs/confidence.md). The batch count stays between max/2 and max however long the run:
// when max batches are full, neighbours merge pairwise and each later batch holds twice the
// windows. Longer batches are what makes their figures nearly independent at high utilisation,
// where a queue remembers its past for seconds.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/stats/histogram.h"

namespace archload::run {

struct Batch {
  double start_s = 0, length_s = 0;  // seconds into the load
  size_t windows = 0;
  uint64_t offered = 0, ok = 0, errors = 0;  // arrivals; responses completed in the batch
  stats::Histogram read_ns, write_ns;        // end to end, of those responses
  stats::Histogram async_ns;                 // publish -> processed, at every consumer
  std::vector<uint64_t> busy_ns;             // [group]: sampled service time ended in the batch

  // Appends the batch that follows this one.
  void Append(const Batch& next);
};

class BatchSet {
 public:
  explicit BatchSet(size_t max_batches = 40);

  void Add(const Batch& window);
  // A sliver of a window (the last one of a run stopped between two reports, with its drain):
  // too short to stand as a batch, it joins the latest one.
  void AddToLatest(Batch sliver);

  // The batches so far: a last batch still filling is one of its own when it holds at least
  // half a batch's windows, else it is appended to the one before.
  std::vector<Batch> Sections() const;
  size_t windows_per_batch() const { return per_; }

 private:
  size_t max_;
  size_t per_ = 1;
  std::vector<Batch> full_;
  Batch filling_;
};

}  // namespace archload::run

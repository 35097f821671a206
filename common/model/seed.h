#pragma once

// Independent random streams from one run seed. Every stream (arrivals, request classes,
// service times, per agent, group and instance) gets its own seed through SplitMix64, so no two
// streams start from related states. A run found its M/M/1 waits three times too short when the
// arrival schedule and a server's service times both drew from mt19937_64(42): each service time
// was then proportional to the gap before it.

#include <cstdint>
#include <initializer_list>

namespace archload::model {

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A seed for the stream named by `parts` (e.g. {run_seed, kArrivals, group, instance}).
inline uint64_t StreamSeed(std::initializer_list<uint64_t> parts) {
  uint64_t h = 0x6A09E667F3BCC908ULL;
  for (uint64_t p : parts) h = SplitMix64(h ^ SplitMix64(p));
  return h;
}

enum StreamPurpose : uint64_t {
  kArrivalStream = 1,
  kClassStream = 2,
  kServiceStream = 3,
  kFaultStream = 4,  // injected faults' draws (error and slow fractions, delays)
};

}  // namespace archload::model

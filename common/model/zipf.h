#pragma once

// Zipf-distributed keys (rank k with probability ∝ k^-s over 1..n) and the hit ratio an LRU
// cache of a given size achieves on them.

#include <cstdint>
#include <random>

namespace archload::model {

// Rejection-inversion sampling (Hörmann & Derflinger): O(1) memory and time per key, any n.
class ZipfSampler {
 public:
  ZipfSampler(uint64_t n, double s);
  uint64_t Sample(std::mt19937_64& rng) const;  // 1..n
  uint64_t n() const { return n_; }

 private:
  double H(double x) const;
  double HInverse(double x) const;
  double h(double x) const;

  uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double shortcut_;
};

// Che's approximation of the LRU hit ratio: the characteristic time T solves
// Σ (1 - e^{-p_k T}) = capacity, and the hit ratio is Σ p_k (1 - e^{-p_k T}). Ranks beyond the
// first thousand are summed in geometric buckets, so n may be in the billions.
double LruHitRatio(uint64_t n, double s, uint64_t capacity);

}  // namespace archload::model

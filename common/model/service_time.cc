#include "common/model/service_time.h"

#include <cmath>

namespace archload::model {

ServiceTimeSampler::ServiceTimeSampler(const std::string& distribution, double mean_ms, double cv,
                                       std::vector<double> samples_ms)
    : mean_s_(mean_ms / 1000) {
  if (distribution == "exponential") {
    kind_ = Kind::kExponential;
  } else if (distribution == "empirical" && !samples_ms.empty()) {
    kind_ = Kind::kEmpirical;
    for (double s : samples_ms) samples_s_.push_back(s / 1000);
  } else if (distribution == "lognormal" && cv > 0) {
    kind_ = Kind::kLognormal;
    // Lognormal with the requested mean and coefficient of variation.
    const double sigma2 = std::log(1 + cv * cv);
    mu_ = std::log(mean_s_ > 0 ? mean_s_ : 1e-12) - sigma2 / 2;
    sigma_ = std::sqrt(sigma2);
  } else {
    kind_ = Kind::kFixed;
  }
}

double ServiceTimeSampler::SampleSeconds(std::mt19937_64& rng) const {
  if (mean_s_ <= 0 && kind_ != Kind::kEmpirical) return 0;
  switch (kind_) {
    case Kind::kFixed:
      return mean_s_;
    case Kind::kExponential:
      return std::exponential_distribution<double>(1.0 / mean_s_)(rng);
    case Kind::kLognormal:
      return std::lognormal_distribution<double>(mu_, sigma_)(rng);
    case Kind::kEmpirical:
      return samples_s_[std::uniform_int_distribution<size_t>(0, samples_s_.size() - 1)(rng)];
  }
  return mean_s_;
}

}  // namespace archload::model

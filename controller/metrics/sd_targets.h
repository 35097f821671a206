#pragma once

// Prometheus file-based service discovery for one run: <dir>/<run-id>.json lists the
// controller's and every agent's /metrics with the labels run and problem (and agent), in the
// file_sd format. deploy/prometheus/prometheus.yml reads that directory. The file is replaced
// atomically (Prometheus may read it at any moment) and removed when the run is over, which
// ends its targets.

#include <map>
#include <string>
#include <vector>

namespace archload::metrics {

struct SdTarget {
  std::string address;  // host:port
  std::map<std::string, std::string> labels;
};

class SdTargets {
 public:
  // Creates `dir` when missing; throws std::runtime_error naming it when it cannot.
  SdTargets(const std::string& dir, const std::string& run_id);
  ~SdTargets();  // removes the file
  SdTargets(const SdTargets&) = delete;
  SdTargets& operator=(const SdTargets&) = delete;

  // Throws std::runtime_error naming the file.
  void Write(const std::vector<SdTarget>& targets);
  void Remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool written_ = false;
};

}  // namespace archload::metrics

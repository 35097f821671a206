#pragma once

// A run's or knee's JSON report, read back by the end-to-end tests.

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace archload::testing {

// The parsed file; null when it is missing, a discarded value when it is not JSON.
inline nlohmann::json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace archload::testing

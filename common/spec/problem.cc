#include "common/spec/problem.h"

#include <array>
#include <utility>

namespace archload::spec {
namespace {

constexpr std::array<std::pair<NfrKind, const char*>, 6> kNfrKinds = {{
    {NfrKind::kLatency, "latency"},
    {NfrKind::kRate, "rate"},
    {NfrKind::kAvailability, "availability"},
    {NfrKind::kDurability, "durability"},
    {NfrKind::kConsistency, "consistency"},
    {NfrKind::kOther, "other"},
}};

constexpr std::array<std::pair<CheckKind, const char*>, 4> kCheckKinds = {{
    {CheckKind::kMustInclude, "must_include"},
    {CheckKind::kMinCount, "min_count"},
    {CheckKind::kConnectionFrom, "connection_from"},
    {CheckKind::kParamRange, "param_range"},
}};

}  // namespace

const char* NfrKindName(NfrKind kind) {
  for (const auto& [k, n] : kNfrKinds) {
    if (k == kind) return n;
  }
  return "other";
}

std::optional<NfrKind> ParseNfrKind(const std::string& name) {
  for (const auto& [k, n] : kNfrKinds) {
    if (name == n) return k;
  }
  return std::nullopt;
}

const char* CheckKindName(CheckKind kind) {
  for (const auto& [k, n] : kCheckKinds) {
    if (k == kind) return n;
  }
  return "must_include";
}

std::optional<CheckKind> ParseCheckKind(const std::string& name) {
  for (const auto& [k, n] : kCheckKinds) {
    if (name == n) return k;
  }
  return std::nullopt;
}

const Component* Design::Find(const std::string& name) const {
  for (const auto& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Component* Design::Find(const std::string& name) {
  for (auto& c : components) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Constant* Problem::FindConstant(const std::string& key) const {
  for (const auto& c : constants) {
    if (c.key == key) return &c;
  }
  return nullptr;
}

std::optional<double> Problem::NumberConstant(const std::string& key) const {
  const Constant* c = FindConstant(key);
  if (c == nullptr) return std::nullopt;
  return c->number;
}

}  // namespace archload::spec

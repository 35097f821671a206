#include "common/model/fault_schedule.h"

#include <algorithm>

namespace archload::model {

namespace {
constexpr std::pair<FaultKind, const char*> kNames[] = {
    {FaultKind::kKill, "kill"},
    {FaultKind::kHang, "hang"},
    {FaultKind::kSlow, "slow"},
    {FaultKind::kErrors, "errors"},
    {FaultKind::kPartition, "partition"},
    {FaultKind::kOverload, "overload"},
    {FaultKind::kKillAgent, "kill_agent"},
};
}  // namespace

const char* FaultKindName(FaultKind k) {
  for (const auto& [kind, name] : kNames) {
    if (kind == k) return name;
  }
  return "?";
}

std::optional<FaultKind> ParseFaultKind(const std::string& name) {
  for (const auto& [kind, n] : kNames) {
    if (name == n) return kind;
  }
  return std::nullopt;
}

bool FaultSchedule::Dead(int group, int instance, double t) const {
  return std::any_of(faults_.begin(), faults_.end(), [&](const Fault& f) {
    if (f.kind != FaultKind::kKill || !f.Targets(group, instance) || t < f.start_s) return false;
    // Without a restart the instance stays down after the fault's window.
    return !f.restart || f.ActiveAt(t);
  });
}

bool FaultSchedule::Hung(int group, int instance, double t) const {
  return std::any_of(faults_.begin(), faults_.end(), [&](const Fault& f) {
    return f.kind == FaultKind::kHang && f.Targets(group, instance) && f.ActiveAt(t);
  });
}

double FaultSchedule::ErrorChance(int group, int instance, double t) const {
  double spared = 1;
  for (const auto& f : faults_) {
    if (f.kind == FaultKind::kErrors && f.Targets(group, instance) && f.ActiveAt(t)) {
      spared *= 1 - std::clamp(f.fraction, 0.0, 1.0);
    }
  }
  return 1 - spared;
}

std::vector<const Fault*> FaultSchedule::Slow(int group, int instance, double t) const {
  std::vector<const Fault*> out;
  for (const auto& f : faults_) {
    if (f.kind == FaultKind::kSlow && f.Targets(group, instance) && f.ActiveAt(t)) {
      out.push_back(&f);
    }
  }
  return out;
}

bool FaultSchedule::AgentDead(int agent, double t) const {
  return std::any_of(faults_.begin(), faults_.end(), [&](const Fault& f) {
    return f.kind == FaultKind::kKillAgent && f.agent == agent && t >= f.start_s;
  });
}

bool FaultSchedule::Partitioned(int from, int to, double t) const {
  return std::any_of(faults_.begin(), faults_.end(), [&](const Fault& f) {
    if (f.kind != FaultKind::kPartition || !f.ActiveAt(t)) return false;
    return (f.group == from && f.peer_group == to) ||
           (f.both_ways && f.group == to && f.peer_group == from);
  });
}

double FaultSchedule::RateMultiplier(double t) const {
  double m = 1;
  for (const auto& f : faults_) {
    if (f.kind == FaultKind::kOverload && f.ActiveAt(t)) m *= f.multiplier;
  }
  return m;
}

std::vector<double> FaultSchedule::Transitions() const {
  std::vector<double> out;
  for (const auto& f : faults_) {
    out.push_back(f.start_s);
    if (f.duration_s > 0) out.push_back(f.start_s + f.duration_s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace archload::model

#include "controller/planner/what_if.h"

#include <cmath>
#include <stdexcept>

#include "common/model/component_profile.h"

namespace archload::planner {

namespace {

double ParseValue(const std::string& field, const std::string& v, const std::string& text) {
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  if (end == v.c_str() || !std::isfinite(x)) {
    throw std::invalid_argument("--set '" + text + "': '" + v + "' is not a number");
  }
  if (field == "service_time") {
    if (unit == "s") {
      x *= 1000;
    } else if (unit == "us" || unit == "µs") {
      x /= 1000;
    } else if (unit != "ms" && !unit.empty()) {
      throw std::invalid_argument("--set '" + text + "': unit '" + unit + "' (use ms, s or us)");
    }
    if (!(x > 0)) throw std::invalid_argument("--set '" + text + "': must be positive");
    return x;
  }
  if (!unit.empty()) throw std::invalid_argument("--set '" + text + "': unexpected '" + unit + "'");
  if (field == "hit_rate") {
    if (x < 0 || x > 1) throw std::invalid_argument("--set '" + text + "': hit_rate is 0..1");
    return x;
  }
  if (field == "capacity") {
    if (!(x > 0)) throw std::invalid_argument("--set '" + text + "': must be positive");
    return x;
  }
  // Whole numbers: count, concurrency, queue_limit.
  if (x != std::floor(x) || x < (field == "queue_limit" ? 0 : 1) || x > 1e6) {
    throw std::invalid_argument("--set '" + text + "': " + field + " is a whole number in [" +
                                (field == "queue_limit" ? "0" : "1") + ", 1000000]");
  }
  return x;
}

}  // namespace

Change ParseChange(const std::string& text) {
  const auto eq = text.find('=');
  const auto dot = text.rfind('.', eq);
  if (eq == std::string::npos || dot == std::string::npos || dot == 0) {
    throw std::invalid_argument("--set '" + text + "': expected \"Group.field=value\"");
  }
  Change c;
  c.text = text;
  c.group = text.substr(0, dot);
  c.field = text.substr(dot + 1, eq - dot - 1);
  static const std::string kResilience = ".resilience";
  if (c.group.size() > kResilience.size() &&
      c.group.compare(c.group.size() - kResilience.size(), kResilience.size(), kResilience) == 0) {
    c.group.resize(c.group.size() - kResilience.size());
    c.resilience = true;
    static const char* kKnobs[] = {"timeout_ms",      "retries",           "backoff_base_ms",
                                   "backoff_max_ms",  "retry_budget",      "retry_budget_min_per_s",
                                   "max_pending",     "check_interval_ms", "check_timeout_ms",
                                   "check_fall",      "check_rise",        "outlier_consecutive",
                                   "outlier_base_ms", "outlier_max_ms",    "outlier_max_fraction"};
    bool known = false;
    for (const char* f : kKnobs) known = known || c.field == f;
    if (!known) {
      throw std::invalid_argument("--set '" + text + "': unknown resilience field '" + c.field +
                                  "' (docs/faults.md lists them)");
    }
    const std::string v = text.substr(eq + 1);
    char* end = nullptr;
    c.value = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(c.value) ||
        (c.value < 0 && c.field != "retry_budget") || c.value > 1e9 ||
        (c.field == "check_interval_ms" && c.value > 0 && c.value < 1)) {
      throw std::invalid_argument("--set '" + text + "': '" + v + "' is not a number in range");
    }
    return c;
  }
  static const char* kFields[] = {"count",    "concurrency", "service_time",
                                  "capacity", "hit_rate",    "queue_limit"};
  bool known = false;
  for (const char* f : kFields) known = known || c.field == f;
  if (!known) {
    throw std::invalid_argument("--set '" + text + "': unknown field '" + c.field +
                                "' (count, concurrency, service_time, capacity, hit_rate, "
                                "queue_limit)");
  }
  c.value = ParseValue(c.field, text.substr(eq + 1), text);
  return c;
}

void ApplyChanges(spec::Problem& problem, const std::vector<Change>& changes) {
  if (!problem.design) throw std::invalid_argument("--set: the problem has no design");
  for (const auto& c : changes) {
    spec::Component* comp = problem.design->Find(c.group);
    if (!comp) {
      std::string names;
      for (const auto& x : problem.design->components)
        names += (names.empty() ? "" : ", ") + x.name;
      throw std::invalid_argument("--set '" + c.text + "': no group '" + c.group +
                                  "' (groups: " + names + ")");
    }
    if (c.resilience) {
      if (!comp->resilience) comp->resilience = spec::Resilience{};
      auto& r = *comp->resilience;
      const double v = c.value;
      const int n = static_cast<int>(v);
      if (c.field == "timeout_ms") r.timeout_ms = v;
      if (c.field == "retries") r.retries = n;
      if (c.field == "backoff_base_ms") r.backoff_base_ms = v;
      if (c.field == "backoff_max_ms") r.backoff_max_ms = v;
      if (c.field == "retry_budget") r.retry_budget = v;
      if (c.field == "retry_budget_min_per_s") r.retry_budget_min_per_s = n;
      if (c.field == "max_pending") r.max_pending = n;
      if (c.field == "check_interval_ms") r.check_interval_ms = v;
      if (c.field == "check_timeout_ms") r.check_timeout_ms = v;
      if (c.field == "check_fall") r.check_fall = n;
      if (c.field == "check_rise") r.check_rise = n;
      if (c.field == "outlier_consecutive") r.outlier_consecutive = n;
      if (c.field == "outlier_base_ms") r.outlier_base_ms = v;
      if (c.field == "outlier_max_ms") r.outlier_max_ms = v;
      if (c.field == "outlier_max_fraction") r.outlier_max_fraction = v;
      continue;
    }
    if (c.field == "count") {
      comp->count = static_cast<int>(c.value);
    } else if (c.field == "concurrency") {
      comp->concurrency = static_cast<int>(c.value);
    } else if (c.field == "queue_limit") {
      comp->queue_limit = static_cast<int>(c.value);
    } else if (c.field == "hit_rate") {
      comp->hit_rate = c.value;
    } else if (c.field == "capacity") {
      comp->capacity_rps = c.value;
      comp->read_capacity_rps.reset();
      comp->write_capacity_rps.reset();
    } else if (c.field == "service_time") {
      // The service time rules: a stated capacity would override it.
      spec::ServiceTime st;
      if (comp->service_time) {
        st = *comp->service_time;
      } else {  // keep the type's shape, change only the mean
        const auto d = model::DefaultsFor(*comp);
        st.distribution = d.distribution;
        st.cv = d.cv;
      }
      st.mean_ms = c.value;
      comp->service_time = st;
      comp->capacity_rps.reset();
      comp->read_capacity_rps.reset();
      comp->write_capacity_rps.reset();
    }
  }
}

}  // namespace archload::planner

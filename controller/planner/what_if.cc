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

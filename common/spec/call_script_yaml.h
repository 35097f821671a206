#pragma once

// YAML form of a component's `calls:` script (docs/spec.md):
//
//   calls:
//     read:                          # or write:, or any: (both classes)
//       - {call: Cache, lookup: true}
//       - {call: DB, when: miss}
//       - {parallel: [Search, {to: Recs, probability: 0.5}]}
//       - {one_of: [{to: A, weight: 3}, B]}
//       - {call: Audit, async: true}

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "common/spec/problem.h"

namespace archload::spec {

// `fail(node, field, message)` throws; names are checked against the design by the caller.
using YamlFail = std::function<void(const YAML::Node&, const std::string&, const std::string&)>;

CallScript ReadCallScript(const YAML::Node& node, const std::string& field, const YamlFail& fail);
void EmitCallScript(YAML::Emitter& out, const CallScript& script);

}  // namespace archload::spec

#include "common/spec/call_script_yaml.h"

#include "common/spec/spec_yaml.h"
#include "common/spec/yaml_scalar.h"

namespace archload::spec {
namespace {

double Number(const YAML::Node& n, const std::string& field, const YamlFail& fail, double min,
              double max) {
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    fail(n, field, "expected a number");
  }
  if (!(v >= min && v <= max)) {
    fail(n, field, "value out of range [" + FormatNumber(min) + ", " + FormatNumber(max) + "]");
  }
  return v;
}

bool Flag(const YAML::Node& map, const char* key, const std::string& field, const YamlFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return false;
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    fail(n, field + "." + key, "expected true or false");
  }
  return false;
}

// A call is a component name, or {to: Name, weight: w, probability: p, local: bool, class: c}.
ScriptCall ReadCall(const YAML::Node& n, const std::string& field, const YamlFail& fail) {
  ScriptCall c;
  if (n.IsScalar()) {
    c.target = n.as<std::string>();
    return c;
  }
  if (!n.IsMap()) fail(n, field, "expected a component name or {to: name, ...}");
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (k != "to" && k != "weight" && k != "probability" && k != "local" && k != "class") {
      fail(kv.first, field + "." + k,
           "unknown field (expected one of: to, weight, probability, local, class)");
    }
  }
  if (!n["to"].IsDefined()) fail(n, field + ".to", "missing required field");
  c.target = n["to"].as<std::string>();
  if (n["weight"].IsDefined()) c.weight = Number(n["weight"], field + ".weight", fail, 0, 1e9);
  if (n["probability"].IsDefined()) {
    c.probability = Number(n["probability"], field + ".probability", fail, 0, 1);
  }
  c.local_only = Flag(n, "local", field, fail);
  if (n["class"].IsDefined()) {
    c.request_class = n["class"].as<std::string>();
    if (c.request_class != "read" && c.request_class != "write") {
      fail(n["class"], field + ".class", "expected read or write");
    }
  }
  return c;
}

std::vector<ScriptStep> ReadSteps(const YAML::Node& list, const std::string& field,
                                  const YamlFail& fail) {
  if (!list.IsSequence()) fail(list, field, "expected a list of steps");
  std::vector<ScriptStep> steps;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    const std::string f = field + "[" + std::to_string(i) + "]";
    if (!n.IsMap()) fail(n, f, "expected a step: {call: X}, {parallel: [...]} or {one_of: [...]}");
    ScriptStep s;
    int forms = 0;
    for (const auto& kv : n) {
      const std::string k = kv.first.as<std::string>();
      if (k == "call" || k == "parallel" || k == "one_of") {
        ++forms;
      } else if (k != "when" && k != "lookup" && k != "async" && k != "probability" &&
                 k != "class" && k != "local") {
        fail(kv.first, f + "." + k,
             "unknown field (expected call, parallel, one_of, when, lookup, async, probability, "
             "class, local)");
      }
    }
    if (forms != 1) fail(n, f, "a step needs exactly one of call, parallel, one_of");
    if (n["call"].IsDefined()) {
      ScriptCall c;
      c.target = n["call"].as<std::string>();
      if (n["probability"].IsDefined()) {
        c.probability = Number(n["probability"], f + ".probability", fail, 0, 1);
      }
      c.local_only = Flag(n, "local", f, fail);
      if (n["class"].IsDefined()) {
        c.request_class = n["class"].as<std::string>();
        if (c.request_class != "read" && c.request_class != "write") {
          fail(n["class"], f + ".class", "expected read or write");
        }
      }
      s.calls.push_back(c);
    } else {
      const bool one_of = n["one_of"].IsDefined();
      const YAML::Node calls = one_of ? n["one_of"] : n["parallel"];
      const std::string cf = f + (one_of ? ".one_of" : ".parallel");
      if (!calls.IsSequence() || calls.size() == 0) fail(calls, cf, "expected a non-empty list");
      for (size_t j = 0; j < calls.size(); ++j) {
        s.calls.push_back(ReadCall(calls[j], cf + "[" + std::to_string(j) + "]", fail));
      }
      s.one_of = one_of;
      s.parallel = !one_of;
    }
    if (n["when"].IsDefined()) {
      s.when = n["when"].as<std::string>();
      if (s.when != "always" && s.when != "miss" && s.when != "self_miss") {
        fail(n["when"], f + ".when", "expected always, miss or self_miss");
      }
    }
    s.lookup = Flag(n, "lookup", f, fail);
    s.async = Flag(n, "async", f, fail);
    steps.push_back(std::move(s));
  }
  return steps;
}

void EmitSteps(YAML::Emitter& out, const std::vector<ScriptStep>& steps) {
  out << YAML::BeginSeq;
  for (const auto& s : steps) {
    out << YAML::Flow << YAML::BeginMap;
    auto emit_call = [&](const ScriptCall& c, bool full) {
      if (!full && c.weight == 1 && c.probability == 1 && !c.local_only &&
          c.request_class.empty()) {
        out << Scalar{c.target};
        return;
      }
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "to" << YAML::Value << Scalar{c.target};
      if (c.weight != 1) out << YAML::Key << "weight" << YAML::Value << FormatNumber(c.weight);
      if (c.probability != 1) {
        out << YAML::Key << "probability" << YAML::Value << FormatNumber(c.probability);
      }
      if (c.local_only) out << YAML::Key << "local" << YAML::Value << true;
      if (!c.request_class.empty())
        out << YAML::Key << "class" << YAML::Value << Scalar{c.request_class};
      out << YAML::EndMap;
    };
    if (!s.one_of && !s.parallel && s.calls.size() == 1) {
      const auto& c = s.calls[0];
      out << YAML::Key << "call" << YAML::Value << Scalar{c.target};
      if (c.probability != 1) {
        out << YAML::Key << "probability" << YAML::Value << FormatNumber(c.probability);
      }
      if (c.local_only) out << YAML::Key << "local" << YAML::Value << true;
      if (!c.request_class.empty())
        out << YAML::Key << "class" << YAML::Value << Scalar{c.request_class};
    } else {
      out << YAML::Key << (s.one_of ? "one_of" : "parallel") << YAML::Value << YAML::Flow
          << YAML::BeginSeq;
      for (const auto& c : s.calls) emit_call(c, false);
      out << YAML::EndSeq;
    }
    if (s.when != "always") out << YAML::Key << "when" << YAML::Value << Scalar{s.when};
    if (s.lookup) out << YAML::Key << "lookup" << YAML::Value << true;
    if (s.async) out << YAML::Key << "async" << YAML::Value << true;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace

CallScript ReadCallScript(const YAML::Node& node, const std::string& field, const YamlFail& fail) {
  if (!node.IsMap()) fail(node, field, "expected read:, write: or any: lists of steps");
  CallScript script;
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    if (k != "read" && k != "write" && k != "any") {
      fail(kv.first, field + "." + k, "unknown field (expected read, write, any)");
    }
  }
  if (node["any"].IsDefined()) {
    auto steps = ReadSteps(node["any"], field + ".any", fail);
    script.read = steps;
    script.write = steps;
  }
  if (node["read"].IsDefined()) script.read = ReadSteps(node["read"], field + ".read", fail);
  if (node["write"].IsDefined()) script.write = ReadSteps(node["write"], field + ".write", fail);
  return script;
}

void EmitCallScript(YAML::Emitter& out, const CallScript& script) {
  out << YAML::BeginMap;
  if (script.read) {
    out << YAML::Key << "read" << YAML::Value;
    EmitSteps(out, *script.read);
  }
  if (script.write) {
    out << YAML::Key << "write" << YAML::Value;
    EmitSteps(out, *script.write);
  }
  out << YAML::EndMap;
}

}  // namespace archload::spec

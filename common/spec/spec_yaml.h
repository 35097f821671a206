#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/spec/problem.h"
#include "common/spec/spec_error.h"

namespace archload::spec {

// Bounds on one problem or design file (docs/spec.md, "Limits"). The catalog's largest file is
// 5 KB and about 600 nodes; parsing 256 KiB takes yaml-cpp about 0.2 s. Aliases are counted each
// time they are used, so a few hundred bytes of nested anchors ("billion laughs") that would
// expand to billions of nodes are refused after the first 100,000.
inline constexpr size_t kMaxYamlBytes = 256 * 1024;
inline constexpr size_t kMaxYamlNodes = 100000;
inline constexpr int kMaxYamlDepth = 64;  // nested lists and mappings

// The largest count, concurrency, partition count or tier minimum a file may state. The planner
// sizes no group beyond it either, so a sized design always loads again.
inline constexpr int kMaxCount = 1'000'000;

// Loads a problem or a user's design file. Validates as it goes and throws SpecError naming the
// file, line and field of the first mistake. NFR entries that carry only `raw` are parsed here.
// Refuses, before reading any field, a file over the limits above and a mapping that repeats a
// key (YAML parsers keep one of the two silently).
Problem LoadProblemFile(const std::filesystem::path& path);
Problem ParseProblemYaml(const std::string& text, const std::string& source);

// `--fault "{kind: kill, component: App Servers, instance: 3, start_s: 5, duration_s: 10}"`: one
// fault in the design's own syntax (a YAML flow map). Throws SpecError naming the flag.
Fault ParseFaultFlag(const std::string& text);

// Deterministic YAML for a problem: the same problem always gives the same bytes, so the
// committed catalog can be compared with a fresh import.
std::string EmitProblemYaml(const Problem& problem);

// Shortest decimal text that reads back as the same double ("0.9", not "0.90000000000000002").
std::string FormatNumber(double value);

}  // namespace archload::spec

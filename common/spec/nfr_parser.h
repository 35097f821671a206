#pragma once

// Parsers for the seed's free-text NFR lines. Each keeps to what the text states: a line that
// names no percentile, or no per-time unit, yields nothing rather than a guess (except that a
// latency bound without a percentile is read as P99 and marked percentile_assumed).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/spec/problem.h"

namespace archload::spec {

// The line parsers below read at most this many bytes of a line (cut back to a whole UTF-8
// character); the catalog's longest NFR line has 233. They match with std::regex, which
// backtracks: its time grows faster than the line, and a kilobyte of digits and tabs in a
// design's `raw:` took seconds (found by yaml_fuzz). Text past the bound is kept, not read.
inline constexpr size_t kMaxNfrLineBytes = 400;

// "P95 < 50ms for redirects, P99 < 100ms for redirects" -> two targets labelled "redirects".
std::vector<LatencyTarget> ParseLatencyTargets(std::string_view line);

// "Start: 100 req/sec, Target: 1,000 req/sec" -> 100/s (start), 1000/s (target).
// "1M vehicles × 10 tile fetches/sec = 10M QPS" -> 10M/s. Sets *peak_multiplier when the line
// states one ("Peak traffic 2x normal load").
std::vector<RateValue> ParseRates(std::string_view line, std::optional<double>* peak_multiplier);

// "99.99% uptime" -> 0.9999. The first percentage of the line.
std::optional<double> ParseAvailability(std::string_view line);

// Classifies the NFR by its name and fills the parsed values from its raw line.
Nfr ParseNfr(std::string name, std::string raw);

// Parses "1,000", "10k", "1.5M", "2B" (the seed's number forms). nullopt when not a number.
std::optional<double> ParseScaledNumber(std::string_view text);

// "redirects" -> "read", "creates" -> "write", "requests" -> "".
std::string RequestClassForNoun(std::string_view noun);

// The class a latency target's label names, from its first classifying word: "for redirects"
// -> "read", "creates" -> "write", "globally" -> "".
std::string RequestClassForLabel(std::string_view label);

}  // namespace archload::spec

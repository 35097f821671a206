// Fuzz target: the NFR line parsers (common/spec/nfr_parser.h) on arbitrary text. Their input is
// the seed's free text and the `raw:` field of any problem or design file a user hands to
// archload; the loader parses a raw-only NFR itself (common/spec/spec_loader.cc, ReadNfr).
//
// Every parser runs on the whole input; ParseNfr gets the first line as the NFR's name (which
// picks the parser) and the rest as its raw line.
//
// Properties, beyond "no crash, no sanitizer report, no exception": whatever a parser returns is
// a value the loader accepts when it reads it back from an emitted file (the ranges of ReadNfr),
// so a problem that loads also survives `plan --write-design` and `import-seed`:
//   latency: percentile in [0, 100], ms in (0, 1e12];  rates: per_second in [0, 1e18], class
//   read | write | empty;  availability in [0, 1];  peak_multiplier in [1, 1e6].

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "common/spec/nfr_parser.h"

namespace {

using namespace archload::spec;

[[noreturn]] void Fail(const std::string& what, double value) {
  std::fprintf(stderr, "nfr_fuzz: %s (value %.17g)\n", what.c_str(), value);
  std::abort();
}

bool InRange(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

bool IsClass(const std::string& c) { return c.empty() || c == "read" || c == "write"; }

void CheckLatency(const std::vector<LatencyTarget>& targets) {
  for (const auto& t : targets) {
    if (!InRange(t.percentile, 0, 100)) Fail("latency percentile outside [0, 100]", t.percentile);
    if (!InRange(t.ms, 0, 1e12) || t.ms <= 0) Fail("latency bound outside (0, 1e12] ms", t.ms);
  }
}

void CheckRates(const std::vector<RateValue>& rates, const std::optional<double>& peak) {
  for (const auto& r : rates) {
    // A stated 0 loads (the planner refuses it, naming its line): [0, 1e18], as the loader.
    if (!InRange(r.per_second, 0, 1e18)) Fail("rate outside [0, 1e18] per second", r.per_second);
    if (!IsClass(r.request_class)) Fail("rate class '" + r.request_class + "'", 0);
  }
  if (peak && !InRange(*peak, 1, 1e6)) Fail("peak multiplier outside [1, 1e6]", *peak);
}

void CheckAvailability(const std::optional<double>& a) {
  if (a && !InRange(*a, 0, 1)) Fail("availability outside [0, 1]", *a);
}

void CheckNfr(const Nfr& n) {
  CheckLatency(n.latency);
  CheckRates(n.rates, n.peak_multiplier);
  CheckAvailability(n.availability);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  CheckLatency(ParseLatencyTargets(text));
  std::optional<double> peak;
  CheckRates(ParseRates(text, &peak), peak);
  ParseRates(text, nullptr);
  CheckAvailability(ParseAvailability(text));
  if (const auto n = ParseScaledNumber(text); n && (std::isnan(*n) || *n < 0)) {
    Fail("ParseScaledNumber gave a negative or NaN number", *n);
  }
  if (!IsClass(RequestClassForNoun(text)) || !IsClass(RequestClassForLabel(text))) {
    Fail("a request class other than read, write or empty", 0);
  }

  const size_t newline = text.find('\n');
  const std::string name = text.substr(0, newline);
  const std::string raw = newline == std::string::npos ? "" : text.substr(newline + 1);
  CheckNfr(ParseNfr(name, raw));
  return 0;
}

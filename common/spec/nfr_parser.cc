#include "common/spec/nfr_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "common/text/utf8.h"

namespace archload::spec {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

double Multiplier(std::string_view suffix) {
  const std::string s = Lower(suffix);
  if (s == "k" || s == "thousand") return 1e3;
  if (s == "m" || s == "million") return 1e6;
  if (s == "b" || s == "billion") return 1e9;
  if (s == "t" || s == "trillion") return 1e12;
  return 1;
}

double ParseNumberWithCommas(std::string_view digits) {
  std::string clean;
  for (char c : digits) {
    if (c != ',') clean.push_back(c);
  }
  return std::strtod(clean.c_str(), nullptr);
}

double LatencyUnitToMs(std::string_view unit) {
  const std::string u = Lower(unit);
  if (u == "ns" || u.rfind("nanosecond", 0) == 0) return 1e-6;
  if (u == "us" || u == "\xCE\xBCs" || u == "\xC2\xB5s" || u.rfind("microsecond", 0) == 0) {
    return 1e-3;  // μs, µs
  }
  if (u == "ms" || u.rfind("millisecond", 0) == 0) return 1;
  if (u == "s" || u == "sec" || u == "secs" || u.rfind("second", 0) == 0) return 1e3;
  if (u == "min" || u == "mins" || u.rfind("minute", 0) == 0) return 60e3;
  if (u == "hr" || u == "hrs" || u == "h" || u.rfind("hour", 0) == 0) return 3600e3;
  return 0;
}

double PerSecondDivisor(std::string_view unit) {
  const std::string u = Lower(unit);
  if (u.rfind("min", 0) == 0) return 60;
  if (u == "hr" || u == "h" || u.rfind("hour", 0) == 0) return 3600;
  if (u.rfind("day", 0) == 0) return 86400;
  return 1;
}

// What the loader accepts for these values when it reads them back (spec_loader.cc, ReadNfr). A
// value outside them is not a target anyone states ("P5 < 0s", "P9999.9", "0 req/sec", "0x
// peak"); keeping it would make a problem that loads from its raw lines fail to load from the
// file EmitProblemYaml writes for it.
constexpr double kMaxLatencyMs = 1e12;
constexpr double kMaxRatePerSecond = 1e18;
constexpr double kMaxPeakMultiplier = 1e6;

bool IsClauseDelimiter(char c) { return c == ',' || c == ';' || c == '(' || c == ')'; }

// Text of the clause around [begin, end): back to the previous delimiter, forward to the next.
std::string ClauseBefore(std::string_view line, size_t begin) {
  size_t b = begin;
  while (b > 0 && !IsClauseDelimiter(line[b - 1]) &&
         !(line[b - 1] == '.' && (b < 2 || !std::isdigit(static_cast<unsigned char>(line[b - 2])))))
    --b;
  return text::Trim(line.substr(b, begin - b));
}

std::string ClauseAfter(std::string_view line, size_t end) {
  size_t e = end;
  while (e < line.size() && !IsClauseDelimiter(line[e]) &&
         !(line[e] == '.' && (e + 1 >= line.size() || line[e + 1] == ' ')))
    ++e;
  return text::Trim(line.substr(end, e - end));
}

std::string StripLeadingWord(std::string s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    const std::string prefix = std::string(w) + " ";
    if (s.size() > prefix.size() && Lower(s.substr(0, prefix.size())) == prefix) {
      return text::Trim(s.substr(prefix.size()));
    }
  }
  return s;
}

double ParsePercentile(const std::string& token) {
  // "P99" -> 99, "P999" -> 99.9, "P99.9" -> 99.9, "P9999" -> 99.99
  std::string digits = token.substr(1);
  if (digits.find('.') != std::string::npos) return std::strtod(digits.c_str(), nullptr);
  if (digits.size() <= 2) return std::strtod(digits.c_str(), nullptr);
  return std::strtod((digits.substr(0, 2) + "." + digits.substr(2)).c_str(), nullptr);
}

// The first kMaxNfrLineBytes of `line`, not splitting a UTF-8 character.
std::string Bounded(std::string_view line) {
  if (line.size() <= kMaxNfrLineBytes) return std::string(line);
  size_t n = kMaxNfrLineBytes;
  while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
  return std::string(line.substr(0, n));
}

}  // namespace

std::optional<double> ParseScaledNumber(std::string_view text_in) {
  static const std::regex kNumber(R"(^\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*([kKMBT]?)\s*$)");
  std::cmatch m;
  const std::string text(text_in);
  if (!std::regex_match(text.c_str(), m, kNumber)) return std::nullopt;
  return ParseNumberWithCommas(m[1].str()) * Multiplier(m[2].str());
}

std::string RequestClassForNoun(std::string_view noun_in) {
  const std::string noun = Lower(noun_in);
  // The last word carries the meaning: "tile fetches", "score updates", "rank queries".
  const size_t sp = noun.find_last_of(' ');
  const std::string word = sp == std::string::npos ? noun : noun.substr(sp + 1);
  static const char* const kRead[] = {
      "read",    "reads",   "query", "queries", "search", "searches", "redirects", "fetch",
      "fetches", "lookups", "views", "gets",    "lookup", "redirect", "checks",    "loads"};
  static const char* const kWrite[] = {"write",    "writes",    "creates", "create",    "posts",
                                       "updates",  "update",    "upload",  "uploads",   "orders",
                                       "inserts",  "publishes", "votes",   "purchases", "bookings",
                                       "payments", "bets"};
  for (const char* w : kRead) {
    if (word == w) return "read";
  }
  for (const char* w : kWrite) {
    if (word == w) return "write";
  }
  return "";
}

std::string RequestClassForLabel(std::string_view label) {
  std::string word;
  for (size_t i = 0; i <= label.size(); ++i) {
    if (i < label.size() && std::isalpha(static_cast<unsigned char>(label[i]))) {
      word.push_back(label[i]);
    } else if (!word.empty()) {
      std::string found = RequestClassForNoun(word);
      if (!found.empty()) return found;
      word.clear();
    }
  }
  return "";
}

std::vector<LatencyTarget> ParseLatencyTargets(std::string_view line_in) {
  static const std::regex kBound(
      R"((?:(P\d{2,4}(?:\.\d+)?)(?:\s+([A-Za-z][A-Za-z ]{0,30}?))?)?\s*(?:<=|<|≤|under |within )\s*)"
      R"((\d+(?:\.\d+)?)\s*)"
      R"((μs|µs|us|ns|ms|microseconds?|nanoseconds?|milliseconds?|seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|hr)(?![A-Za-z]))");
  const std::string line = Bounded(line_in);
  std::vector<LatencyTarget> out;
  std::optional<double> last_percentile;
  std::string segment_label;  // "Message delivery: P99 < 1s, P999 < 2s." labels both
  size_t segment_end = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kBound);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const size_t begin = static_cast<size_t>(m.position(0));
    const size_t end = begin + static_cast<size_t>(m.length(0));
    const double unit = LatencyUnitToMs(m[4].str());
    if (unit == 0) continue;
    LatencyTarget t;
    const double value = std::strtod(m[3].str().c_str(), nullptr);
    // Divide for sub-millisecond units so 100 ns reads as 0.0001 ms, not 9.999999999999999e-05.
    t.ms = unit < 1 ? value / std::round(1 / unit) : value * unit;
    if (m[1].matched) {
      t.percentile = ParsePercentile(m[1].str());
      last_percentile = t.percentile;
    } else if (last_percentile) {
      t.percentile = *last_percentile;  // "P99 < 50ms local, < 200ms cross-region"
    } else {
      t.percentile = 99;
      t.percentile_assumed = true;
    }
    // A sentence break between two targets ends the shared "Name:" label.
    if (line.find(". ", segment_end) < begin) segment_label.clear();
    // "P95 download time < 10 minutes": the words between percentile and bound name it.
    std::string before = m[2].matched && Lower(m[2].str()) != "latency "
                             ? text::Trim(m[2].str())
                             : ClauseBefore(line, begin);
    if (Lower(before) == "latency") before.clear();
    const size_t colon = before.rfind(':');
    if (colon != std::string::npos) {
      segment_label = text::Trim(before.substr(0, colon));
      before = text::Trim(before.substr(colon + 1));
    }
    std::string after = StripLeadingWord(ClauseAfter(line, end), {"for", "on", "per", "at"});
    if (!after.empty()) {
      t.label = after;
    } else if (!before.empty()) {
      t.label = before;
    } else {
      t.label = segment_label;
    }
    if (Lower(t.label).find("latency") != std::string::npos && after.empty() &&
        t.label == segment_label) {
      t.label.clear();  // "Request-response latency:" adds nothing
    }
    segment_end = end;
    if (!(t.ms > 0 && t.ms <= kMaxLatencyMs && t.percentile >= 0 && t.percentile <= 100)) continue;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<RateValue> ParseRates(std::string_view line_in,
                                  std::optional<double>* peak_multiplier) {
  // number [scale] [noun words] (/|per) unit     or     number [scale] QPS|TPS|RPS
  static const std::regex kRate(
      R"((\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*(thousand|million|billion|[kKMBT](?![a-z])))?\s*)"
      R"((?:([A-Za-z][A-Za-z\- ]{0,40}?)\s*(?:/\s*|per\s+)(seconds?|sec|s|minutes?|min|hours?|hr|h|days?)(?![A-Za-z])|(QPS|TPS|RPS|qps|ops)(?![A-Za-z])))");
  static const std::regex kBytes(R"(\s*([kKMGTP]i?B|[kKMGT]?bps|bytes?|bits?)(?![a-z]))");
  constexpr size_t kFactorWindow = 48;  // "1,000,000 active vehicles × ": the factor's reach
  static const std::regex kFactorBefore(
      R"((\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*([kKMBT](?![a-z])))?\s*[A-Za-z ]*?\s*(?:×|x)\s*$)");
  static const std::regex kBreakdown(
      R"((\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*([kKMBT](?![a-z])))?\s+(reads?|writes?|redirects|creates|queries|updates)\b)");
  static const std::regex kPeakFactor(
      R"((\d+(?:\.\d+)?)\s*(?:x|×)\s*(normal|bursts?|spikes?|peak))", std::regex::icase);
  static const std::regex kPeakFactor2(R"((?:peak|spike|burst)[^.,]*?(\d+(?:\.\d+)?)\s*(?:x|×))",
                                       std::regex::icase);

  const std::string line = Bounded(line_in);
  std::vector<RateValue> out;
  auto label_for = [&](size_t begin, size_t end) {
    std::string before = Lower(ClauseBefore(line, begin));
    // "with 2× bursts (20k events/sec)": a parenthesised rate belongs to the words before it.
    size_t p = begin;
    while (p > 0 && line[p - 1] == ' ') --p;
    if (p > 0 && line[p - 1] == '(') before += " " + Lower(ClauseBefore(line, p - 1));
    const std::string after = Lower(ClauseAfter(line, end));
    if (before.find("target") != std::string::npos) return std::string("target");
    if (before.find("start") != std::string::npos) return std::string("start");
    auto peakish = [](const std::string& s) {
      return s.find("peak") != std::string::npos || s.find("burst") != std::string::npos ||
             s.find("spike") != std::string::npos || s.find("during") != std::string::npos ||
             s.find("viral") != std::string::npos;
    };
    auto normalish = [](const std::string& s) {
      return s.find("normal") != std::string::npos || s.find("steady") != std::string::npos ||
             s.find("sustained") != std::string::npos || s.find("average") != std::string::npos;
    };
    if (normalish(after)) return std::string("normal");
    if (peakish(before) || peakish(after)) return std::string("peak");
    return std::string("normal");
  };

  std::string last_label = "normal";
  size_t last_end = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), kRate);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const size_t begin = static_cast<size_t>(m.position(0));
    const size_t end = begin + static_cast<size_t>(m.length(0));
    // "500MB/sec" and "10Gbps" are bandwidth, not request rates.
    const std::string after_number = line.substr(static_cast<size_t>(m.position(1) + m.length(1)));
    if (std::regex_search(after_number, kBytes, std::regex_constants::match_continuous)) continue;
    RateValue r;
    r.per_second = ParseNumberWithCommas(m[1].str()) * Multiplier(m[2].str());
    if (m[5].matched) {
      r.noun = Lower(m[5].str()) == "ops" ? "operations" : "requests";
    } else {
      r.noun = text::Trim(m[3].str());
      r.per_second /= PerSecondDivisor(m[4].str());
    }
    if (Lower(r.noun) == "req") r.noun = "requests";
    // "1M vehicles × 10 tile fetches/sec": multiply by the factor in front. Only the text just
    // before the rate can hold it: std::regex backtracks, and over a long prefix this search grew
    // so fast that a 350-byte line took seconds (found by nfr_fuzz and yaml_fuzz).
    const std::string prefix = line.substr(last_end, begin - last_end);
    size_t from = prefix.size() > kFactorWindow ? prefix.size() - kFactorWindow : 0;
    auto in_number = [&](size_t i) {
      return std::isdigit(static_cast<unsigned char>(prefix[i])) || prefix[i] == ',' ||
             prefix[i] == '.';
    };
    // A number cut by the window is no factor: skip what is left of it.
    while (from > 0 && from < prefix.size() && in_number(from - 1) && in_number(from)) ++from;
    const std::string near = prefix.substr(from);
    std::smatch fm;
    if (std::regex_search(near, fm, kFactorBefore)) {
      r.per_second *= ParseNumberWithCommas(fm[1].str()) * Multiplier(fm[2].str());
    }
    r.request_class = RequestClassForNoun(r.noun);
    r.label = label_for(begin, end);
    // "... = 10M QPS" restates the product just computed.
    if (!out.empty() && prefix.find('=') != std::string::npos &&
        std::fabs(out.back().per_second - r.per_second) <= 0.01 * r.per_second) {
      last_end = end;
      continue;
    }
    last_label = r.label;
    last_end = end;
    out.push_back(std::move(r));
  }

  // "10M req/sec normal, 100M during Black Friday": a bare figure during an event is a peak in
  // the unit of the rate before it.
  static const std::regex kBarePeak(
      R"(,\s*(\d+(?:,\d{3})*(?:\.\d+)?)(?:\s*([kKMBT](?![a-z])))?\s+during\b)");
  if (!out.empty()) {
    std::smatch bm;
    if (std::regex_search(line, bm, kBarePeak)) {
      RateValue r = out.back();
      r.per_second = ParseNumberWithCommas(bm[1].str()) * Multiplier(bm[2].str());
      r.label = "peak";
      out.push_back(std::move(r));
    }
  }

  // "(9,500 reads, 500 writes)": class breakdowns that inherit the enclosing rate's unit.
  if (!out.empty()) {
    const size_t open = line.find('(');
    if (open != std::string::npos) {
      const size_t close = line.find(')', open);
      const std::string inside =
          line.substr(open, close == std::string::npos ? std::string::npos : close - open);
      bool any_rate_inside = false;
      for (auto it = std::sregex_iterator(inside.begin(), inside.end(), kRate);
           it != std::sregex_iterator(); ++it)
        any_rate_inside = true;
      if (!any_rate_inside) {
        for (auto it = std::sregex_iterator(inside.begin(), inside.end(), kBreakdown);
             it != std::sregex_iterator(); ++it) {
          RateValue r;
          r.per_second = ParseNumberWithCommas((*it)[1].str()) * Multiplier((*it)[2].str());
          r.noun = (*it)[3].str();
          r.request_class = RequestClassForNoun(r.noun);
          r.label = out.front().label;
          out.push_back(std::move(r));
        }
      }
    }
  }

  if (peak_multiplier != nullptr) {
    std::smatch pm;
    if (std::regex_search(line, pm, kPeakFactor) || std::regex_search(line, pm, kPeakFactor2)) {
      const double factor = std::strtod(pm[1].str().c_str(), nullptr);
      if (factor >= 1 && factor <= kMaxPeakMultiplier) *peak_multiplier = factor;
    }
  }
  // A stated 0 is kept: the planner refuses it naming this line (a run would offer no load).
  std::erase_if(out, [](const RateValue& r) {
    return !(r.per_second >= 0 && r.per_second <= kMaxRatePerSecond);
  });
  return out;
}

std::optional<double> ParseAvailability(std::string_view line_in) {
  static const std::regex kPercent(R"((\d+(?:\.\d+)?)\s*%)");
  const std::string line = Bounded(line_in);
  std::smatch m;
  if (!std::regex_search(line, m, kPercent)) return std::nullopt;
  const double pct = std::strtod(m[1].str().c_str(), nullptr);
  if (pct <= 0 || pct > 100) return std::nullopt;
  // Shift the decimal point in the text so 99.9% reads as exactly 0.999, not 0.99900000000000011.
  const std::string digits = m[1].str();
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  while (whole.size() < 2) whole.insert(whole.begin(), '0');
  const std::string shifted =
      whole.substr(0, whole.size() - 2) + "." + whole.substr(whole.size() - 2) + frac;
  return std::strtod(shifted.c_str(), nullptr);
}

Nfr ParseNfr(std::string name, std::string raw) {
  Nfr n;
  n.name = std::move(name);
  n.raw = std::move(raw);
  const std::string lname = Lower(n.name);
  if (lname.find("latency") != std::string::npos) {
    n.kind = NfrKind::kLatency;
    n.latency = ParseLatencyTargets(n.raw);
  } else if (lname.find("rate") != std::string::npos ||
             lname.find("throughput") != std::string::npos) {
    n.kind = NfrKind::kRate;
    n.rates = ParseRates(n.raw, &n.peak_multiplier);
  } else if (lname.find("availability") != std::string::npos) {
    n.kind = NfrKind::kAvailability;
    n.availability = ParseAvailability(n.raw);
  } else if (lname.find("durability") != std::string::npos) {
    n.kind = NfrKind::kDurability;
  } else if (lname.find("consistency") != std::string::npos) {
    n.kind = NfrKind::kConsistency;
  }
  return n;
}

}  // namespace archload::spec

#pragma once

// Command-line flags for the benchmark programs: `--name value` numbers and bare switches.
// An unknown flag, a missing value or a value that is not a number stops the program with a
// message naming it (exit 2), rather than running a benchmark other than the one asked for.

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

namespace archload::bench {

class Flags {
 public:
  // numbers: name -> default; switches: names that take no value.
  Flags(int argc, char** argv, std::map<std::string, double> numbers,
        std::set<std::string> switches = {})
      : numbers_(std::move(numbers)) {
    for (int i = 1; i < argc; ++i) {
      const std::string name = argv[i];
      if (switches.count(name)) {
        on_.insert(name);
        continue;
      }
      auto it = numbers_.find(name);
      if (it == numbers_.end()) Fail(argv[0], "unknown flag '" + name + "'");
      if (i + 1 >= argc) Fail(argv[0], name + ": expected a number after it");
      char* end = nullptr;
      const double v = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0') {
        Fail(argv[0], name + " '" + argv[i] + "': expected a number");
      }
      it->second = v;
    }
  }
  double Get(const std::string& name) const { return numbers_.at(name); }
  int GetInt(const std::string& name) const { return static_cast<int>(numbers_.at(name)); }
  bool On(const std::string& name) const { return on_.count(name) > 0; }

 private:
  [[noreturn]] static void Fail(const char* program, const std::string& why) {
    std::fprintf(stderr, "%s: %s\n", program, why.c_str());
    std::exit(2);
  }
  std::map<std::string, double> numbers_;
  std::set<std::string> on_;
};

}  // namespace archload::bench

#pragma once

// Runs the real binaries the way a user does, for tests: exit code and combined output.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace archload::testing {

struct ProcessResult {
  int code = -1;
  std::string out;  // stdout and stderr
};

inline ProcessResult RunCommand(const std::string& cmd) {
  ProcessResult r;
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace archload::testing

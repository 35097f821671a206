#pragma once

// Backend addresses as a design or `--backend` gives them: "redis://127.0.0.1:6379",
// "kafka://h1:9092,h2:9092", "haproxy" or "haproxy://127.0.0.1:8080", or (in a design's
// `backend:`) a kind and an address apart. Checked before anything runs, naming what is wrong.

#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::spec {

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port" or "[v6]:port"; nullopt (with `why`) when it is not one.
std::optional<HostPort> ParseHostPort(const std::string& text, std::string* why);

// "Group=kind://address" (`--backend`): the group's name and its backend. Throws
// std::invalid_argument naming the flag's text and what is wrong.
std::pair<std::string, Backend> ParseBackendFlag(const std::string& text);

// Empty when the backend fits a group of this role with a well-formed address; else why not.
std::string BackendProblem(const Backend& b, Role role);

// The kinds and the roles each serves, for messages: "redis (cache, store), kafka (broker), ...".
std::string BackendKinds();

}  // namespace archload::spec

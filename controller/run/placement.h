#pragma once

// Which agent hosts which instance. Spread: each group's instances go round the hosts in
// proportion to their cores (smooth weighted round-robin), so losing a host loses a share of
// every group rather than all of one (anti-affinity), expected load follows cores, and load
// generators sit beside the instances they call first (that hop then needs no socket). Within a
// host, its agents take turns. The cursor carries over from group to group, so single-instance
// groups land on different hosts.

#include <cstdint>
#include <string>
#include <vector>

#include "archload/v1/control.pb.h"

namespace archload::run {

struct AgentSlot {
  std::string id;
  std::string host;  // agents with the same host share a machine
  int cores = 1;
};

// agent_of[group][instance] -> index in `agents`. `generators_beside_callee`: load generators
// go where the instance they call first is (when calls inside an agent skip the socket); else
// they are spread like every group (the placement before in-process calls, --force-sockets).
std::vector<std::vector<uint32_t>> Place(const std::vector<v1::GroupSpec>& groups,
                                         const std::vector<AgentSlot>& agents,
                                         bool generators_beside_callee = true);

}  // namespace archload::run

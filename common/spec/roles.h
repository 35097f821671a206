#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace archload::spec {

// The eight behaviours of the emulation model; every component type maps to one of them.
enum class Role { kClient, kProxy, kEdgeCache, kService, kCache, kStore, kBroker, kWorker };

const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct RoleLookup {
  Role role;
  bool known;  // false: an unknown type defaulted to kService (callers warn once)
};

// Maps a component type ("lb", "db_replica", "quantum_db") to its role.
RoleLookup RoleForType(std::string_view type);

// Store flavours the default call rules tell apart.
bool IsReplicaType(std::string_view type);
bool IsPrimaryType(std::string_view type);
bool IsObjectStoreType(std::string_view type);
bool IsSearchType(std::string_view type);

}  // namespace archload::spec

#include "common/spec/roles.h"

#include <array>
#include <utility>

namespace archload::spec {
namespace {

struct TypeRole {
  std::string_view type;
  Role role;
};

// Types seen in the seed's reference designs plus the common names users write. Anything else
// is a service (a black box with a service time), which keeps every problem runnable.
constexpr std::array kTypeRoles = {
    TypeRole{"client", Role::kClient},
    TypeRole{"redirect_client", Role::kClient},
    TypeRole{"create_client", Role::kClient},
    TypeRole{"lb", Role::kProxy},
    TypeRole{"global_lb", Role::kProxy},
    TypeRole{"api_gateway", Role::kProxy},
    TypeRole{"ingress", Role::kProxy},
    TypeRole{"service_mesh", Role::kProxy},
    TypeRole{"gateway", Role::kProxy},
    TypeRole{"load_balancer", Role::kProxy},
    TypeRole{"cdn", Role::kEdgeCache},
    TypeRole{"edge_cache", Role::kEdgeCache},
    TypeRole{"app", Role::kService},
    TypeRole{"websocket", Role::kService},
    TypeRole{"auth_service", Role::kService},
    TypeRole{"monitoring", Role::kService},
    TypeRole{"service", Role::kService},
    TypeRole{"cache", Role::kCache},
    TypeRole{"db_primary", Role::kStore},
    TypeRole{"db_replica", Role::kStore},
    TypeRole{"search", Role::kStore},
    TypeRole{"object_store", Role::kStore},
    TypeRole{"s3", Role::kStore},
    TypeRole{"storage", Role::kStore},
    TypeRole{"db", Role::kStore},
    TypeRole{"queue", Role::kBroker},
    TypeRole{"stream", Role::kBroker},
    TypeRole{"worker", Role::kWorker},
};

constexpr std::array<std::pair<Role, const char*>, 8> kRoleNames = {{
    {Role::kClient, "client"},
    {Role::kProxy, "proxy"},
    {Role::kEdgeCache, "edge_cache"},
    {Role::kService, "service"},
    {Role::kCache, "cache"},
    {Role::kStore, "store"},
    {Role::kBroker, "broker"},
    {Role::kWorker, "worker"},
}};

}  // namespace

const char* RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "service";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoleNames) {
    if (name == n) return r;
  }
  return std::nullopt;
}

RoleLookup RoleForType(std::string_view type) {
  for (const auto& tr : kTypeRoles) {
    if (tr.type == type) return {tr.role, true};
  }
  return {Role::kService, false};
}

bool IsReplicaType(std::string_view type) { return type == "db_replica"; }
bool IsPrimaryType(std::string_view type) { return type == "db_primary" || type == "db"; }
bool IsObjectStoreType(std::string_view type) {
  return type == "object_store" || type == "s3" || type == "storage";
}
bool IsSearchType(std::string_view type) { return type == "search"; }

}  // namespace archload::spec

#pragma once

// The one mapping between the schema's roles and the control plane's enum, used by the
// controller (building run specs, reading results) and the agents (rebuilding call rules).

#include "archload/v1/control.pb.h"
#include "common/spec/roles.h"

namespace archload::v1 {

inline Role ToProto(spec::Role r) {
  switch (r) {
    case spec::Role::kClient:
      return ROLE_CLIENT;
    case spec::Role::kProxy:
      return ROLE_PROXY;
    case spec::Role::kEdgeCache:
      return ROLE_EDGE_CACHE;
    case spec::Role::kService:
      return ROLE_SERVICE;
    case spec::Role::kCache:
      return ROLE_CACHE;
    case spec::Role::kStore:
      return ROLE_STORE;
    case spec::Role::kBroker:
      return ROLE_BROKER;
    case spec::Role::kWorker:
      return ROLE_WORKER;
  }
  return ROLE_SERVICE;
}

inline spec::Role FromProto(Role r) {
  switch (r) {
    case ROLE_CLIENT:
      return spec::Role::kClient;
    case ROLE_PROXY:
      return spec::Role::kProxy;
    case ROLE_EDGE_CACHE:
      return spec::Role::kEdgeCache;
    case ROLE_CACHE:
      return spec::Role::kCache;
    case ROLE_STORE:
      return spec::Role::kStore;
    case ROLE_BROKER:
      return spec::Role::kBroker;
    case ROLE_WORKER:
      return spec::Role::kWorker;
    default:
      return spec::Role::kService;
  }
}

}  // namespace archload::v1

#pragma once

// What a real HTTP proxy and the agents behind it agree on (docs/backends.md): the controller
// writes them into haproxy's config, the agents' HTTP side door checks them. The server name
// names the instance the proxy chose; the token proves the proxy is the run's.

#include <cstdint>
#include <string>
#include <string_view>

namespace archload::http {

inline constexpr std::string_view kInstanceHeader = "X-Archload-Instance";
inline constexpr std::string_view kTokenHeader = "X-Archload-Token";
inline constexpr std::string_view kSojournHeader = "X-Archload-Sojourn-Ns";

// "s<group>_<index>", and back (false: not one of ours).
std::string ServerName(int group, uint32_t instance);
bool ParseServerName(std::string_view name, int* group, uint32_t* instance);

// Hex HMAC of a fixed label under the run's data-plane secret: the secret itself never leaves
// the controller and agents.
std::string IngressToken(const std::string& secret);

}  // namespace archload::http

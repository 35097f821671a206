#include "common/http/proxy_names.h"

#include <charconv>

#include "common/security/secret.h"

namespace archload::http {

namespace {
template <typename T>
bool Number(std::string_view s, T* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}
}  // namespace

std::string ServerName(int group, uint32_t instance) {
  return "s" + std::to_string(group) + "_" + std::to_string(instance);
}

bool ParseServerName(std::string_view name, int* group, uint32_t* instance) {
  if (name.size() < 4 || name[0] != 's') return false;
  const size_t us = name.find('_');
  return us != std::string_view::npos && Number(name.substr(1, us - 1), group) && *group >= 0 &&
         Number(name.substr(us + 1), instance);
}

std::string IngressToken(const std::string& secret) {
  return security::Hex(security::HmacSha256(secret, "archload http ingress"));
}

}  // namespace archload::http

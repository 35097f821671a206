#include "agents/net/address_policy.h"

#include <stdexcept>

namespace archload::agent {

namespace {

// The address as bytes (4 or 16) for prefix comparison.
std::vector<unsigned char> Bytes(const asio::ip::address& a) {
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    return {b.begin(), b.end()};
  }
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) {
    const auto b = asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes();
    return {b.begin(), b.end()};
  }
  const auto b = v6.to_bytes();
  return {b.begin(), b.end()};
}

bool PrefixMatches(const std::vector<unsigned char>& a, const std::vector<unsigned char>& b,
                   int prefix) {
  if (a.size() != b.size()) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8, shift = 7 - bit % 8;
    if (((a[byte] >> shift) & 1) != ((b[byte] >> shift) & 1)) return false;
  }
  return true;
}

}  // namespace

AddressPolicy::AddressPolicy() { Add("loopback"); }

AddressPolicy AddressPolicy::Parse(const std::string& list) {
  AddressPolicy p;
  p.networks_.clear();
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string entry = list.substr(start, comma - start);
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    if (!entry.empty()) p.Add(entry);
    start = comma + 1;
  }
  if (p.networks_.empty()) throw std::invalid_argument("empty list of allowed peers");
  return p;
}

void AddressPolicy::Add(const std::string& entry) {
  if (entry == "loopback") {
    Add("127.0.0.0/8");
    Add("::1");
    return;
  }
  const auto slash = entry.find('/');
  asio::error_code ec;
  Network n;
  n.text = entry;
  n.base = asio::ip::make_address(entry.substr(0, slash), ec);
  if (ec) throw std::invalid_argument("'" + entry + "' is not an IP address or network");
  const int bits = static_cast<int>(Bytes(n.base).size() * 8);
  n.prefix = bits;
  if (slash != std::string::npos) {
    const std::string len = entry.substr(slash + 1);
    char* end = nullptr;
    const long v = std::strtol(len.c_str(), &end, 10);
    if (len.empty() || *end != '\0' || v < 0 || v > bits) {
      throw std::invalid_argument("'" + entry + "': prefix length must be 0.." +
                                  std::to_string(bits));
    }
    n.prefix = static_cast<int>(v);
  }
  networks_.push_back(std::move(n));
}

bool AddressPolicy::Allows(const asio::ip::address& address) const {
  const auto bytes = Bytes(address);
  for (const auto& n : networks_) {
    if (PrefixMatches(bytes, Bytes(n.base), n.prefix)) return true;
  }
  return false;
}

bool AddressPolicy::AllowsHost(const std::string& host) const {
  asio::error_code ec;
  const auto a = asio::ip::make_address(host, ec);
  return !ec && Allows(a);
}

std::string AddressPolicy::Describe() const {
  std::string out;
  for (const auto& n : networks_) out += (out.empty() ? "" : ", ") + n.text;
  return out;
}

}  // namespace archload::agent

#pragma once

// Which addresses an agent may send load to. A load tester that connects wherever it is told is
// a weapon; an agent accepts an assignment only if every peer it names is on this list, which the
// agent's operator sets (`--allow-peers`), not the controller. Local runs: loopback only.

#include <asio.hpp>
#include <string>
#include <vector>

namespace archload::agent {

class AddressPolicy {
 public:
  // Loopback only: 127.0.0.0/8 and ::1.
  AddressPolicy();

  // A comma-separated list of "loopback", addresses ("10.0.0.7", "::1") and networks
  // ("10.0.0.0/24", "fd00::/64"). Throws std::invalid_argument naming the entry it cannot read.
  static AddressPolicy Parse(const std::string& list);

  bool Allows(const asio::ip::address& address) const;
  // False as well when `host` is not an IP address (names are not resolved: what a name
  // resolves to is not under the operator's control).
  bool AllowsHost(const std::string& host) const;
  std::string Describe() const;

 private:
  struct Network {
    asio::ip::address base;
    int prefix = 0;
    std::string text;
  };
  void Add(const std::string& entry);

  std::vector<Network> networks_;
};

}  // namespace archload::agent

#pragma once

// How two ends of a data-plane connection prove they belong to the same run before a single frame
// is trusted: a challenge-response over the run's 32-byte secret, which itself never crosses the
// wire. The connecting side speaks first:
//
//   client -> server  hello      "ALDP" | u16 version | u16 0 | client nonce (16)
//   server -> client  challenge  "ALDP" | u16 version | u16 0 | server nonce (16) |
//                                HMAC-SHA256(secret, "server" | client nonce | server nonce)
//   client -> server  proof      HMAC-SHA256(secret, "client" | client nonce | server nonce)
//
// A process that is not part of the run (a port scanner, a stale agent of an earlier run, an
// attacker on the host) cannot inject traffic into an agent, nor learn the secret by connecting
// or by listening where an agent used to be. Fresh nonces on both sides make a recorded
// handshake useless for another connection.

#include <cstdint>
#include <optional>
#include <string>

namespace archload::agent {

class Handshake {
 public:
  static constexpr size_t kSecretSize = 32;
  static constexpr size_t kNonceSize = 16;
  static constexpr size_t kMacSize = 32;
  static constexpr size_t kHeaderSize = 8;
  static constexpr size_t kHelloSize = kHeaderSize + kNonceSize;
  static constexpr size_t kChallengeSize = kHeaderSize + kNonceSize + kMacSize;
  static constexpr size_t kProofSize = kMacSize;
  static constexpr uint16_t kVersion = 1;

  static std::string NewNonce();

  static std::string Hello(const std::string& client_nonce);
  // The client nonce, or nullopt when the bytes are not a hello of this version.
  static std::optional<std::string> ParseHello(const uint8_t* data);

  static std::string Challenge(const std::string& secret, const std::string& client_nonce,
                               const std::string& server_nonce);
  // The server nonce when the challenge proves the server knows `secret`.
  static std::optional<std::string> VerifyChallenge(const uint8_t* data, const std::string& secret,
                                                    const std::string& client_nonce);

  static std::string Proof(const std::string& secret, const std::string& client_nonce,
                           const std::string& server_nonce);
  static bool VerifyProof(const uint8_t* data, const std::string& secret,
                          const std::string& client_nonce, const std::string& server_nonce);
};

}  // namespace archload::agent

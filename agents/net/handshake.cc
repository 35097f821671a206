#include "agents/net/handshake.h"

#include <cstring>

#include "common/security/secret.h"

namespace archload::agent {

namespace {

constexpr char kMagic[4] = {'A', 'L', 'D', 'P'};

std::string Header() {
  std::string out(kMagic, 4);
  const uint16_t version = Handshake::kVersion, zero = 0;
  out.append(reinterpret_cast<const char*>(&version), 2);
  out.append(reinterpret_cast<const char*>(&zero), 2);
  return out;
}

bool HeaderMatches(const uint8_t* data) {
  const std::string h = Header();
  return std::memcmp(data, h.data(), h.size()) == 0;
}

std::string Mac(const std::string& secret, const char* side, const std::string& client_nonce,
                const std::string& server_nonce) {
  return security::HmacSha256(secret, std::string(side) + client_nonce + server_nonce);
}

std::string Bytes(const uint8_t* data, size_t n) {
  return std::string(reinterpret_cast<const char*>(data), n);
}

}  // namespace

std::string Handshake::NewNonce() { return security::RandomBytes(kNonceSize); }

std::string Handshake::Hello(const std::string& client_nonce) { return Header() + client_nonce; }

std::optional<std::string> Handshake::ParseHello(const uint8_t* data) {
  if (!HeaderMatches(data)) return std::nullopt;
  return Bytes(data + kHeaderSize, kNonceSize);
}

std::string Handshake::Challenge(const std::string& secret, const std::string& client_nonce,
                                 const std::string& server_nonce) {
  return Header() + server_nonce + Mac(secret, "server", client_nonce, server_nonce);
}

std::optional<std::string> Handshake::VerifyChallenge(const uint8_t* data,
                                                      const std::string& secret,
                                                      const std::string& client_nonce) {
  if (!HeaderMatches(data)) return std::nullopt;
  std::string server_nonce = Bytes(data + kHeaderSize, kNonceSize);
  const std::string mac = Bytes(data + kHeaderSize + kNonceSize, kMacSize);
  if (!security::ConstantTimeEquals(mac, Mac(secret, "server", client_nonce, server_nonce))) {
    return std::nullopt;
  }
  return server_nonce;
}

std::string Handshake::Proof(const std::string& secret, const std::string& client_nonce,
                             const std::string& server_nonce) {
  return Mac(secret, "client", client_nonce, server_nonce);
}

bool Handshake::VerifyProof(const uint8_t* data, const std::string& secret,
                            const std::string& client_nonce, const std::string& server_nonce) {
  return security::ConstantTimeEquals(Bytes(data, kProofSize),
                                      Mac(secret, "client", client_nonce, server_nonce));
}

}  // namespace archload::agent

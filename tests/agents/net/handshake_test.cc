#include "agents/net/handshake.h"

#include <gtest/gtest.h>

namespace archload::agent {
namespace {

const std::string kSecret(32, 'a');

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST(Handshake, BothSidesProveTheSameSecret) {
  const std::string cn = Handshake::NewNonce(), sn = Handshake::NewNonce();
  const std::string hello = Handshake::Hello(cn);
  ASSERT_EQ(hello.size(), Handshake::kHelloSize);
  auto parsed = Handshake::ParseHello(U(hello));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, cn);
  const std::string challenge = Handshake::Challenge(kSecret, cn, sn);
  ASSERT_EQ(challenge.size(), Handshake::kChallengeSize);
  auto server_nonce = Handshake::VerifyChallenge(U(challenge), kSecret, cn);
  ASSERT_TRUE(server_nonce);
  EXPECT_EQ(*server_nonce, sn);
  const std::string proof = Handshake::Proof(kSecret, cn, sn);
  ASSERT_EQ(proof.size(), Handshake::kProofSize);
  EXPECT_TRUE(Handshake::VerifyProof(U(proof), kSecret, cn, sn));
}

TEST(Handshake, TheSecretNeverCrossesTheWire) {
  const std::string cn = Handshake::NewNonce(), sn = Handshake::NewNonce();
  for (const auto& wire : {Handshake::Hello(cn), Handshake::Challenge(kSecret, cn, sn),
                           Handshake::Proof(kSecret, cn, sn)}) {
    EXPECT_EQ(wire.find(kSecret.substr(0, 8)), std::string::npos);
  }
}

TEST(Handshake, AWrongSecretOrAReplayedProofFails) {
  const std::string cn = Handshake::NewNonce(), sn = Handshake::NewNonce();
  const std::string other(32, 'b');
  EXPECT_FALSE(Handshake::VerifyChallenge(U(Handshake::Challenge(other, cn, sn)), kSecret, cn));
  EXPECT_FALSE(Handshake::VerifyProof(U(Handshake::Proof(other, cn, sn)), kSecret, cn, sn));
  // A proof recorded on one connection does not open another (fresh server nonce).
  const std::string recorded = Handshake::Proof(kSecret, cn, sn);
  EXPECT_FALSE(Handshake::VerifyProof(U(recorded), kSecret, cn, Handshake::NewNonce()));
  // The server's own answer cannot be replayed as the client's proof.
  const std::string challenge = Handshake::Challenge(kSecret, cn, sn);
  EXPECT_FALSE(Handshake::VerifyProof(
      U(challenge.substr(Handshake::kHeaderSize + Handshake::kNonceSize)), kSecret, cn, sn));
}

TEST(Handshake, SomethingElseIsNotAHello) {
  std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_FALSE(Handshake::ParseHello(U(http)));
  std::string hello = Handshake::Hello(Handshake::NewNonce());
  hello[4] = 9;  // another version
  EXPECT_FALSE(Handshake::ParseHello(U(hello)));
}

}  // namespace
}  // namespace archload::agent

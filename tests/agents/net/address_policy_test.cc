#include "agents/net/address_policy.h"

#include <gtest/gtest.h>

namespace archload::agent {
namespace {

TEST(AddressPolicy, DefaultIsLoopbackOnly) {
  const AddressPolicy p;
  for (const char* ok : {"127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(p.AllowsHost(ok)) << ok;
  }
  for (const char* no : {"10.0.0.1", "192.168.1.1", "0.0.0.0", "::", "fe80::1", "8.8.8.8",
                         "localhost", "", "127.0.0.1.evil.com"}) {
    EXPECT_FALSE(p.AllowsHost(no)) << no;
  }
}

TEST(AddressPolicy, NetworksAndAddresses) {
  const auto p = AddressPolicy::Parse("10.0.0.0/24, 192.168.7.9,fd00::/64");
  EXPECT_TRUE(p.AllowsHost("10.0.0.255"));
  EXPECT_FALSE(p.AllowsHost("10.0.1.0"));
  EXPECT_TRUE(p.AllowsHost("192.168.7.9"));
  EXPECT_FALSE(p.AllowsHost("192.168.7.10"));
  EXPECT_TRUE(p.AllowsHost("fd00::abcd"));
  EXPECT_FALSE(p.AllowsHost("fd01::1"));
  EXPECT_FALSE(p.AllowsHost("127.0.0.1"));  // not listed
  EXPECT_EQ(p.Describe(), "10.0.0.0/24, 192.168.7.9, fd00::/64");
}

TEST(AddressPolicy, BadEntriesAreNamed) {
  for (const char* bad : {"10.0.0.0/33", "nonsense", "10.0.0.0/x", "::/129", " , "}) {
    try {
      AddressPolicy::Parse(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::invalid_argument& e) {
      SUCCEED() << e.what();
    }
  }
}

}  // namespace
}  // namespace archload::agent

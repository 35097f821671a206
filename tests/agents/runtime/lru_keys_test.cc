#include "agents/runtime/lru_keys.h"

#include <gtest/gtest.h>

namespace archload::agent {
namespace {

TEST(LruKeys, EvictsTheLeastRecentlyUsed) {
  LruKeys lru(2);
  EXPECT_FALSE(lru.LookupOrInsert(1));  // miss, inserted
  EXPECT_FALSE(lru.LookupOrInsert(2));
  EXPECT_TRUE(lru.LookupOrInsert(1));   // 1 is now the most recent
  EXPECT_FALSE(lru.LookupOrInsert(3));  // evicts 2
  EXPECT_FALSE(lru.Touch(2));
  EXPECT_TRUE(lru.Touch(1));
  EXPECT_TRUE(lru.Touch(3));
  EXPECT_EQ(lru.size(), 2u);
}

TEST(LruKeys, TouchDoesNotInsertAndEraseInvalidates) {
  LruKeys lru(4);
  EXPECT_FALSE(lru.Touch(7));
  EXPECT_EQ(lru.size(), 0u);
  lru.Insert(7);
  lru.Insert(7);
  EXPECT_EQ(lru.size(), 1u);
  lru.Erase(7);
  EXPECT_FALSE(lru.Touch(7));
  lru.Erase(99);  // absent: nothing happens
  EXPECT_EQ(lru.size(), 0u);
}

}  // namespace
}  // namespace archload::agent

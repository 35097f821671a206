#pragma once

// The keys a cache instance holds, least recently used evicted first. Only keys: the emulated
// cache answers hit or miss, it stores no values.

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

namespace archload::agent {

class LruKeys {
 public:
  explicit LruKeys(size_t capacity) : capacity_(capacity) {}

  // True on a hit (the key moves to the front); on a miss the key is inserted.
  bool LookupOrInsert(uint64_t key) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return true;
    }
    Insert(key);
    return false;
  }

  // True on a hit (the key moves to the front); a miss changes nothing.
  bool Touch(uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }

  void Insert(uint64_t key) {
    if (capacity_ == 0 || index_.count(key)) return;
    if (index_.size() >= capacity_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
    order_.push_front(key);
    index_[key] = order_.begin();
  }

  void Erase(uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const { return index_.size(); }

 private:
  size_t capacity_;
  std::list<uint64_t> order_;
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> index_;
};

}  // namespace archload::agent

#pragma once

// The data-plane frame: fixed little-endian header plus a short hop trace. Requests and
// responses share it; request_id multiplexes many requests in flight on one connection.
//
//   u32 body_len | u8 kind | u8 class | u8 flags | u8 status | u8 hit | u8 trace_len |
//   u16 target_group | u16 target_instance | u16 0 | u64 request_id | i64 origin_ns | u64 key |
//   trace_len × (u16 group, u16 instance, u32 us)
//
// An agent listens on one port for all the instances it hosts; a request names its instance.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace archload::agent {

enum class FrameKind : uint8_t { kRequest = 1, kResponse = 2 };
enum class FrameStatus : uint8_t { kOk = 0, kRejected = 1, kFailed = 2 };

inline constexpr uint8_t kFlagLocalOnly = 1;  // cache-aside op: the cache calls nobody
inline constexpr uint8_t kFlagOneWay = 2;     // asynchronous: no response is sent
inline constexpr uint8_t kFlagFill = 8;       // cache-aside fill after a miss (vs invalidate)

struct Hop {
  uint16_t group = 0;
  uint16_t instance = 0;
  uint32_t arrive_us = 0;  // since origin_ns, saturating
};

struct Frame {
  static constexpr size_t kHeaderSize = 40;
  static constexpr size_t kMaxTrace = 32;
  static constexpr size_t kMaxBody = kHeaderSize - 4 + kMaxTrace * 8;

  FrameKind kind = FrameKind::kRequest;
  uint8_t request_class = 0;  // 0 read, 1 write
  uint8_t flags = 0;
  FrameStatus status = FrameStatus::kOk;
  bool hit = false;
  uint16_t target_group = 0;  // requests: the instance it is for
  uint16_t target_instance = 0;
  uint64_t request_id = 0;
  int64_t origin_ns = 0;
  uint64_t key = 0;  // the data item a request is about (caches with a key space use it)
  uint8_t trace_len = 0;
  std::array<Hop, kMaxTrace> trace{};

  size_t EncodedSize() const { return kHeaderSize + trace_len * 8; }
  void AddHop(uint16_t group, uint16_t instance, int64_t now_ns);

  // Appends the encoded frame to `out`.
  void EncodeTo(std::string& out) const;

  // Decodes one frame from the front of [data, data+size). Returns the bytes consumed, 0 when
  // more bytes are needed, or nullopt when the bytes are not a valid frame (close the peer).
  static std::optional<size_t> Decode(const uint8_t* data, size_t size, Frame* out);
};

}  // namespace archload::agent

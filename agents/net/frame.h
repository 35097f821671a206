#pragma once

// The data-plane frame: fixed little-endian header plus a short hop trace. Requests and
// responses share it; request_id multiplexes many requests in flight on one connection.
//
//   u32 body_len | u8 kind | u8 class | u8 flags | u8 status | u8 hit | u8 trace_len |
//   u16 target_group | u32 target_instance | u64 request_id | i64 origin_ns | u64 key |
//   trace_len × (u16 group, u16 instance, u32 us)
//
// An agent listens on one port for all the instances it hosts; a request names its instance
// (32 bits: designs at --scale 1 have groups of 600,000 instances). Every field is checked on
// decode: a frame comes from another process, and until its connection has proved it belongs to
// the run (agents/net/preamble.h) nothing in it is trusted.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace archload::agent {

enum class FrameKind : uint8_t { kRequest = 1, kResponse = 2 };
// kHarness: the harness could not carry the request (a connection lost or refused, descriptors
// exhausted, an instance not where the table said). Never the design's fault, so it is counted
// apart from rejections and failures and names the harness in the verdict.
enum class FrameStatus : uint8_t { kOk = 0, kRejected = 1, kFailed = 2, kHarness = 3 };

inline constexpr uint8_t kFlagLocalOnly = 1;  // cache-aside op: the cache calls nobody
inline constexpr uint8_t kFlagOneWay = 2;     // asynchronous: no response is sent
inline constexpr uint8_t kFlagDelivery = 4;   // a broker delivering a message to a consumer
inline constexpr uint8_t kFlagFill = 8;       // cache-aside fill after a miss (vs invalidate)
// A probe of the harness's own round trip (agents/runtime/hop_prober.h): the listener answers it
// at once, for no instance.
inline constexpr uint8_t kFlagProbe = 16;
// With kFlagProbe: a caller's active health check of one instance (docs/faults.md), answered by
// that instance unless a fault killed or hung it.
inline constexpr uint8_t kFlagHealth = 32;
inline constexpr uint8_t kKnownFlags =
    kFlagLocalOnly | kFlagOneWay | kFlagDelivery | kFlagFill | kFlagProbe | kFlagHealth;

// Why a frame was refused; each is counted (agents report the counts in their health).
enum class FrameError : uint8_t {
  kLength = 0,  // body length outside [header, header + max trace] or not header + trace
  kKind,
  kClass,   // request class other than read (0) or write (1)
  kFlags,   // unknown flag bits
  kStatus,  // status outside FrameStatus
  kHit,     // hit byte other than 0 or 1
  kCount
};
const char* FrameErrorName(FrameError e);

// to_ns - from_ns, or 0 when to_ns is not later. Never overflows: origin_ns comes off the wire
// and may be any 64-bit value (INT64_MIN from a hostile or broken peer).
inline uint64_t NsBetween(int64_t from_ns, int64_t to_ns) {
  return to_ns > from_ns ? static_cast<uint64_t>(to_ns) - static_cast<uint64_t>(from_ns) : 0;
}

struct Hop {
  uint16_t group = 0;
  uint16_t instance = 0;   // low 16 bits: the trace is for paths, not routing
  uint32_t arrive_us = 0;  // since origin_ns, saturating
};

struct Frame {
  static constexpr size_t kHeaderSize = 40;
  static constexpr size_t kMaxTrace = 32;
  static constexpr size_t kMaxBody = kHeaderSize - 4 + kMaxTrace * 8;
  static constexpr size_t kMaxSize = kMaxBody + 4;

  FrameKind kind = FrameKind::kRequest;
  uint8_t request_class = 0;  // 0 read, 1 write
  uint8_t flags = 0;
  FrameStatus status = FrameStatus::kOk;
  bool hit = false;
  uint16_t target_group = 0;  // requests: the instance it is for
  uint32_t target_instance = 0;
  uint64_t request_id = 0;
  int64_t origin_ns = 0;
  uint64_t key = 0;  // the data item a request is about (caches with a key space use it)
  uint8_t trace_len = 0;
  std::array<Hop, kMaxTrace> trace{};

  size_t EncodedSize() const { return kHeaderSize + trace_len * 8; }
  void AddHop(uint16_t group, uint32_t instance, int64_t now_ns);

  // Appends the encoded frame to `out`.
  void EncodeTo(std::string& out) const;

  // Decodes one frame from the front of [data, data+size). Returns the bytes consumed, 0 when
  // more bytes are needed, or nullopt when the bytes are not a valid frame (close the peer: a
  // byte stream that lost its framing cannot be trusted again); `why` then says which field.
  static std::optional<size_t> Decode(const uint8_t* data, size_t size, Frame* out,
                                      FrameError* why = nullptr);
};

}  // namespace archload::agent

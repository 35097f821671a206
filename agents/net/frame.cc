#include "agents/net/frame.h"

#include <algorithm>

namespace archload::agent {
namespace {

template <typename T>
void Put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // the wire is little-endian, as is every host we run on
  out.append(buf, sizeof(T));
}

template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::nullopt_t Refuse(FrameError e, FrameError* why) {
  if (why) *why = e;
  return std::nullopt;
}

}  // namespace

const char* FrameErrorName(FrameError e) {
  switch (e) {
    case FrameError::kLength:
      return "length";
    case FrameError::kKind:
      return "kind";
    case FrameError::kClass:
      return "class";
    case FrameError::kFlags:
      return "flags";
    case FrameError::kStatus:
      return "status";
    case FrameError::kHit:
      return "hit";
    case FrameError::kCount:
      break;
  }
  return "unknown";
}

void Frame::AddHop(uint16_t group, uint32_t instance, int64_t now_ns) {
  if (trace_len >= kMaxTrace) return;  // deep paths keep their first hops
  const uint64_t us = NsBetween(origin_ns, now_ns) / 1000;
  trace[trace_len++] = {group, static_cast<uint16_t>(instance),
                        static_cast<uint32_t>(std::min<uint64_t>(us, UINT32_MAX))};
}

void Frame::EncodeTo(std::string& out) const {
  out.reserve(out.size() + EncodedSize());
  Put<uint32_t>(out, static_cast<uint32_t>(EncodedSize() - 4));
  Put<uint8_t>(out, static_cast<uint8_t>(kind));
  Put<uint8_t>(out, request_class);
  Put<uint8_t>(out, flags);
  Put<uint8_t>(out, static_cast<uint8_t>(status));
  Put<uint8_t>(out, hit ? 1 : 0);
  Put<uint8_t>(out, trace_len);
  Put<uint16_t>(out, target_group);
  Put<uint32_t>(out, target_instance);
  Put<uint64_t>(out, request_id);
  Put<int64_t>(out, origin_ns);
  Put<uint64_t>(out, key);
  for (uint8_t i = 0; i < trace_len; ++i) {
    Put<uint16_t>(out, trace[i].group);
    Put<uint16_t>(out, trace[i].instance);
    Put<uint32_t>(out, trace[i].arrive_us);
  }
}

std::optional<size_t> Frame::Decode(const uint8_t* data, size_t size, Frame* out, FrameError* why) {
  if (size < 4) return 0;
  const uint32_t body = Get<uint32_t>(data);
  if (body < kHeaderSize - 4 || body > kMaxBody) return Refuse(FrameError::kLength, why);
  if (size < 4 + static_cast<size_t>(body)) return 0;
  const uint8_t kind = data[4];
  if (kind != 1 && kind != 2) return Refuse(FrameError::kKind, why);
  const uint8_t trace_len = data[9];
  if (trace_len > kMaxTrace || body != kHeaderSize - 4 + trace_len * 8u) {
    return Refuse(FrameError::kLength, why);
  }
  // Each of these indexes a table on the receiving side: out of range is an attack or a bug.
  if (data[5] > 1) return Refuse(FrameError::kClass, why);
  if ((data[6] & ~kKnownFlags) != 0) return Refuse(FrameError::kFlags, why);
  if (data[7] > static_cast<uint8_t>(FrameStatus::kHarness)) {
    return Refuse(FrameError::kStatus, why);
  }
  if (data[8] > 1) return Refuse(FrameError::kHit, why);
  out->kind = static_cast<FrameKind>(kind);
  out->request_class = data[5];
  out->flags = data[6];
  out->status = static_cast<FrameStatus>(data[7]);
  out->hit = data[8] != 0;
  out->trace_len = trace_len;
  out->target_group = Get<uint16_t>(data + 10);
  out->target_instance = Get<uint32_t>(data + 12);
  out->request_id = Get<uint64_t>(data + 16);
  out->origin_ns = Get<int64_t>(data + 24);
  out->key = Get<uint64_t>(data + 32);
  const uint8_t* t = data + kHeaderSize;
  for (uint8_t i = 0; i < trace_len; ++i, t += 8) {
    out->trace[i] = {Get<uint16_t>(t), Get<uint16_t>(t + 2), Get<uint32_t>(t + 4)};
  }
  return 4 + static_cast<size_t>(body);
}

}  // namespace archload::agent

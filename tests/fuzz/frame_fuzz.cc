// Fuzz target: data-plane frames (agents/net/frame.h) as an agent's listener receives them from
// any process that can reach its port. The bytes are one TCP stream: frames are decoded one
// after another the way Connection::ReadMore does (agents/net/connection.cc), reusing one Frame,
// until the decoder wants more bytes or rejects the stream.
//
// Properties, beyond "no crash, no sanitizer report":
//   - a decoded frame consumed exactly EncodedSize() bytes, and EncodeTo gives those bytes back
//     (the decoder accepts one spelling of each frame, so what an agent forwards is what it got);
//   - the verdict does not depend on how the stream was split: every proper prefix of a frame
//     that decodes asks for more bytes (0) rather than rejecting it or decoding something else.
//
// Only Frame::Decode, Frame::EncodeTo and Frame::EncodedSize are used, so a change of header
// layout needs no change here (only new seeds: tests/fuzz/corpus/frame_fuzz/).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "agents/net/frame.h"

namespace {

using archload::agent::Frame;

[[noreturn]] void Fail(const char* what, size_t offset) {
  std::fprintf(stderr, "frame_fuzz: %s (frame at stream offset %zu)\n", what, offset);
  std::abort();
}

// The instance's handling of a decoded frame belongs here: route it to the instance it names as
// the agent's listener does, and let it queue, serve, forward or answer it. It gets every frame
// the decoder accepted, in stream order. (Not yet: the target then links archload_agent_runtime.)
void HandleDecodedFrame(const Frame& frame) { (void)frame; }

void CheckPrefixesAskForMore(const uint8_t* data, size_t frame_size, size_t offset) {
  Frame scratch;
  for (size_t n = 0; n < frame_size; ++n) {
    const auto got = Frame::Decode(data, n, &scratch);
    if (!got) Fail("a prefix of a valid frame was rejected", offset);
    if (*got != 0) Fail("a prefix of a valid frame decoded as a frame", offset);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Frame frame;  // reused across frames, as the connection does
  size_t pos = 0;
  std::string encoded;
  while (pos < size) {
    const auto consumed = Frame::Decode(data + pos, size - pos, &frame);
    if (!consumed) break;       // garbage: the connection is dropped
    if (*consumed == 0) break;  // the stream ends inside a frame
    if (*consumed > size - pos) Fail("decoder consumed more bytes than it was given", pos);
    if (*consumed != frame.EncodedSize()) Fail("consumed bytes differ from EncodedSize()", pos);
    encoded.clear();
    frame.EncodeTo(encoded);
    if (encoded.size() != *consumed || std::memcmp(encoded.data(), data + pos, *consumed) != 0) {
      Fail("re-encoding a decoded frame gave different bytes", pos);
    }
    CheckPrefixesAskForMore(data + pos, *consumed, pos);
    HandleDecodedFrame(frame);
    pos += *consumed;
  }
  return 0;
}

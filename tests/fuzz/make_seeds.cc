// Writes the binary seed corpora of frame_fuzz and histogram_fuzz with the project's own
// encoders, so the seeds follow the formats when they change:
//   build-fuzz/bin/fuzz_make_seeds tests/fuzz/corpus
// Deterministic: the same sources always give the same files. Not run by the suite.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "agents/net/frame.h"
#include "common/stats/histogram.h"

namespace {

using archload::agent::Frame;
using archload::agent::FrameKind;
using archload::agent::FrameStatus;
using archload::stats::Histogram;

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    std::exit(1);
  }
}

Frame Request(uint16_t group, uint32_t instance, uint64_t id) {
  Frame f;
  f.kind = FrameKind::kRequest;
  f.target_group = group;
  f.target_instance = instance;
  f.request_id = id;
  f.origin_ns = 1'000'000'000;
  f.key = 42;
  return f;
}

void WriteFrames(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::string out;

  Request(1, 0, 1).EncodeTo(out);
  Write(dir / "request.bin", out);

  Frame response = Request(2, 3, 7);
  response.kind = FrameKind::kResponse;
  response.status = FrameStatus::kRejected;
  response.hit = true;
  response.request_class = 1;
  response.AddHop(1, 0, response.origin_ns + 1500);
  response.AddHop(2, 3, response.origin_ns + 250'000);
  out.clear();
  response.EncodeTo(out);
  Write(dir / "response-two-hops.bin", out);

  Frame deep = Request(7, 65535, UINT64_MAX);
  deep.flags = archload::agent::kFlagLocalOnly | archload::agent::kFlagFill;
  deep.origin_ns = -1;
  for (int i = 0; i < 40; ++i) deep.AddHop(static_cast<uint16_t>(i), 1, int64_t{i} * 1'000'000);
  out.clear();
  deep.EncodeTo(out);
  Write(dir / "request-full-trace.bin", out);

  // A stream: three frames back to back, the last one cut short (the connection waits).
  out.clear();
  Request(1, 1, 10).EncodeTo(out);
  response.EncodeTo(out);
  Frame oneway = Request(3, 0, 11);
  oneway.flags = archload::agent::kFlagOneWay;
  oneway.EncodeTo(out);
  out.resize(out.size() - 5);
  Write(dir / "stream-three-frames-cut.bin", out);

  // Streams for the fleet frame_fuzz hosts (its enum Group: 1 api, 2 cache with a key space,
  // 3 db, 4 queue (broker), 5 worker (1 ms, one at a time, a queue of 1)).
  auto stream = [&dir](const char* name, std::initializer_list<Frame> frames) {
    std::string bytes;
    for (const auto& f : frames) f.EncodeTo(bytes);
    Write(dir / name, bytes);
  };
  auto with = [](Frame f, uint8_t cls, uint8_t flags) {
    f.request_class = cls;
    f.flags = flags;
    return f;
  };
  using archload::agent::kFlagDelivery;
  using archload::agent::kFlagFill;
  using archload::agent::kFlagLocalOnly;
  using archload::agent::kFlagOneWay;
  stream("fleet-api-read-write.bin",
         {Request(1, 0, 20), with(Request(1, 1, 21), 1, 0), Request(1, 0, 22)});
  stream("fleet-cache-aside.bin",
         {with(Request(2, 0, 30), 0, kFlagLocalOnly), with(Request(2, 0, 31), 1, kFlagFill),
          with(Request(2, 0, 32), 0, kFlagLocalOnly), with(Request(2, 1, 33), 1, 0)});
  stream("fleet-store-broker.bin", {Request(3, 0, 40), with(Request(4, 0, 41), 1, 0),
                                    with(Request(4, 0, 42), 1, kFlagOneWay)});
  stream("fleet-worker-queue-reject.bin",
         {with(Request(5, 0, 50), 1, kFlagDelivery), with(Request(5, 0, 51), 1, kFlagDelivery),
          with(Request(5, 0, 52), 1, kFlagDelivery), Request(5, 1, 53)});
  Frame stray = Request(1, 0, 60);
  stray.kind = FrameKind::kResponse;
  stream("fleet-unroutable-and-response.bin", {Request(9, 0, 61), Request(1, 2, 62),
                                               with(Request(1, 70000, 63), 0, kFlagOneWay), stray});
}

void WriteHistograms(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  Write(dir / "empty-p7.bin", Histogram(7).Serialize());

  Histogram one(7);
  one.Record(1'234'567);
  Write(dir / "one-value.bin", one.Serialize());

  Histogram latencies(7);  // a latency-like spread in nanoseconds
  uint64_t v = 50'000;
  for (int i = 0; i < 2000; ++i) {
    latencies.Record(v);
    v = (v * 6364136223846793005ULL + 1442695040888963407ULL) % 80'000'000 + 20'000;
  }
  Write(dir / "latencies-p7.bin", latencies.Serialize());

  Histogram coarse(1);
  for (uint64_t x : {0ULL, 1ULL, 2ULL, 3ULL, 1000ULL, 1ULL << 40}) coarse.RecordN(x, x + 1);
  Write(dir / "coarse-p1.bin", coarse.Serialize());

  Histogram fine(12);
  for (uint64_t x = 4000; x < 4200; ++x) fine.Record(x);
  fine.Record(UINT64_MAX);
  Write(dir / "fine-p12-max.bin", fine.Serialize());

  Histogram heavy(7);
  heavy.RecordN(0, UINT64_MAX / 2);
  heavy.RecordN(UINT64_MAX, 3);
  Write(dir / "huge-counts.bin", heavy.Serialize());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR (tests/fuzz/corpus)\n";
    return 2;
  }
  const std::filesystem::path root = argv[1];
  WriteFrames(root / "frame_fuzz");
  WriteHistograms(root / "histogram_fuzz");
  return 0;
}

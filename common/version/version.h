#pragma once

// One version for both binaries: the controller admits only agents of its own version (the
// protobuf messages between them are not promised to be compatible across versions).

namespace archload {

inline constexpr const char* kVersion = "0.2.0";

}  // namespace archload

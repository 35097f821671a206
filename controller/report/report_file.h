#pragma once

// Report files: checked before a run starts (a run must not end in "cannot write the report"
// after minutes of load) and written whole or not at all (a reader never sees half a file).

#include <string>

namespace archload::report {

// Throws std::runtime_error naming `flag` and `path` when a file cannot be written there. Leaves
// no file behind that was not there before.
void CheckWritable(const std::string& flag, const std::string& path);

// Writes `content` to a temporary file beside `path`, then renames it over `path`. Throws
// std::runtime_error naming the path on failure.
void WriteAtomically(const std::string& path, const std::string& content);

}  // namespace archload::report

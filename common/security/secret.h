#pragma once

// Secrets a run hands out (the control-plane token, the data-plane secret) and the comparison
// that checks them without leaking, through timing, how much of a guess was right.

#include <string>

namespace archload::security {

// `n` bytes from the kernel's CSPRNG (getrandom). Throws std::runtime_error if it fails.
std::string RandomBytes(size_t n);

// Lower-case hex of `bytes`.
std::string Hex(const std::string& bytes);

// HMAC-SHA256 of `message` under `key` (32 bytes).
std::string HmacSha256(const std::string& key, const std::string& message);

// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace archload::security

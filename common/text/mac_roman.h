#pragma once

#include <string>
#include <string_view>

namespace archload::text {

// The seed file is UTF-8 that was once decoded as Mac Roman and re-encoded as UTF-8 ("→" became
// "‚Üí"). RepairMacRomanMojibake undoes that: every code point is mapped back to its Mac Roman
// byte, and the resulting bytes are the original UTF-8. Throws std::runtime_error naming the byte
// offset when the input holds a code point Mac Roman cannot encode (then it was not mojibake).
std::string RepairMacRomanMojibake(std::string_view mojibake);

}  // namespace archload::text

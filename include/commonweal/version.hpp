// The library's version, from the compiled library (commonweal::commonweal).
#pragma once

#include <string_view>

namespace commonweal {

// "MAJOR.MINOR.PATCH" of the compiled library this program links against.
std::string_view version() noexcept;

}  // namespace commonweal

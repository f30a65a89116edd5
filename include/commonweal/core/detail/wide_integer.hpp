// 256-bit intermediates for the Decimal operations whose exact intermediate
// can exceed 128 bits (a product before rounding, a dividend scaled up).
//
// Guarantees
// - Exact: a 128-bit coefficient times 10^36, or times another 128-bit
//   coefficient, always fits 256 bits, so these intermediates never wrap.
// - narrow() refuses a result outside the Decimal coefficient range.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include "commonweal/core/detail/checked_int128.hpp"

namespace commonweal::detail {

// Checked: an intermediate that would exceed 256 bits throws instead of wrapping.
using int256 = boost::multiprecision::checked_int256_t;

inline int256 widen(int128 value) {
  const bool negative = value < 0;
  const uint128 magnitude = negative ? static_cast<uint128>(-value) : static_cast<uint128>(value);
  int256 result = static_cast<std::uint64_t>(magnitude >> 64);
  result <<= 64;
  result += static_cast<std::uint64_t>(magnitude);
  return negative ? int256(-result) : result;
}

inline int128 narrow(const int256& value) {
  static const int256 limit = widen(int128_max);
  if (value > limit || value < -limit) throw_overflow();
  const bool negative = value < 0;
  const int256 magnitude = negative ? int256(-value) : value;
  const auto high = static_cast<std::uint64_t>(magnitude >> 64);
  const auto low = static_cast<std::uint64_t>(magnitude & int256(~std::uint64_t{0}));
  const int128 result = static_cast<int128>((static_cast<uint128>(high) << 64) | low);
  return negative ? -result : result;
}

inline int256 pow10_int256(int digits) {
  int256 result = 1;
  for (int i = 0; i < digits; ++i) result *= 10;
  return result;
}

}  // namespace commonweal::detail

// commonweal::RoundingMode: the seven ways a value is rounded to a scale.
//
// Guarantees
// - The names and meanings are those of Python's decimal module and the
//   General Decimal Arithmetic specification (ROUND_HALF_EVEN, ...).
// Constraints
// - There is no default mode anywhere in the library: every rounding names
//   its mode at the point where it happens.
#pragma once

#include <array>
#include <string_view>

#include "commonweal/core/error.hpp"

namespace commonweal {

enum class RoundingMode {
  half_even,  // ties to the even neighbour (banker's rounding)
  half_up,    // ties away from zero
  half_down,  // ties toward zero
  down,       // toward zero (truncate)
  up,         // away from zero
  floor,      // toward negative infinity
  ceiling,    // toward positive infinity
};

inline constexpr std::array<RoundingMode, 7> all_rounding_modes = {
    RoundingMode::half_even, RoundingMode::half_up, RoundingMode::half_down, RoundingMode::down,
    RoundingMode::up,        RoundingMode::floor,   RoundingMode::ceiling};

constexpr std::string_view to_string(RoundingMode mode) {
  switch (mode) {
    case RoundingMode::half_even: return "half_even";
    case RoundingMode::half_up: return "half_up";
    case RoundingMode::half_down: return "half_down";
    case RoundingMode::down: return "down";
    case RoundingMode::up: return "up";
    case RoundingMode::floor: return "floor";
    case RoundingMode::ceiling: return "ceiling";
  }
  return "unknown";
}

inline RoundingMode parse_rounding_mode(std::string_view text) {
  for (RoundingMode mode : all_rounding_modes) {
    if (to_string(mode) == text) return mode;
  }
  throw Error(ErrorCode::invalid_text,
              "unknown rounding mode '" + std::string(text) +
                  "' (expected half_even, half_up, half_down, down, up, floor or ceiling)");
}

}  // namespace commonweal

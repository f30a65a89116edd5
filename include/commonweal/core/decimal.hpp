// commonweal::Decimal: an exact decimal number, coefficient x 10^-scale.
//
// Guarantees
// - Exact: + - * never round; a result that does not fit throws
//   Error(ErrorCode::overflow), never wraps. No binary floating point is
//   used anywhere, and a Decimal cannot be constructed from a float or double
//   (that does not compile).
// - Rounding happens only in rounded(), divide() and multiply_rounded(), each
//   with a named RoundingMode; the results equal Python's decimal module with
//   the same mode (checked by tests/python/decimal_oracle.py).
// - to_string() keeps the scale ("1.50" stays "1.50"); parse(to_string(x))
//   gives x back with the same scale.
// - ==, <=> and std::hash compare values: 1.5 == 1.50, and equal values hash
//   alike.
// Constraints
// - 0 <= scale <= 18; the coefficient is in [-(2^127 - 1), 2^127 - 1],
//   about 38 significant digits. There is no negative zero.
// - parse() accepts plain notation only: an optional sign, digits, and
//   optionally '.' followed by digits ("-12.340", "+5", "0"). Exponents,
//   separators, spaces, "5." and ".5" are refused with the reason.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "commonweal/core/detail/checked_int128.hpp"
#include "commonweal/core/detail/wide_integer.hpp"
#include "commonweal/core/error.hpp"
#include "commonweal/core/rounding_mode.hpp"

namespace commonweal {

class Decimal {
 public:
  using coefficient_type = detail::int128;
  static constexpr int scale_max = 18;

  constexpr Decimal() = default;

  // An integer, scale 0. Floats are deleted so that Decimal(0.1) cannot compile.
  template <std::integral Integer>
  constexpr explicit Decimal(Integer value) : coefficient_(static_cast<detail::int128>(value)) {}
  template <std::floating_point Float>
  Decimal(Float) = delete;

  // coefficient x 10^-scale; throws if scale or coefficient is out of range.
  static Decimal from_coefficient(coefficient_type coefficient, int scale) {
    check_scale(scale);
    if (coefficient == detail::int128_min) detail::throw_overflow();
    return Decimal(coefficient, scale, trusted{});
  }

  // Parses plain notation; on failure returns the reason and leaves out as it was.
  static const char* try_parse(std::string_view text, Decimal& out) noexcept;

  static Decimal parse(std::string_view text) {
    Decimal result;
    if (const char* reason = try_parse(text, result)) {
      throw Error(ErrorCode::invalid_text,
                  "'" + std::string(text) + "' is not a decimal number: " + reason);
    }
    return result;
  }

  std::string to_string() const;

  coefficient_type coefficient() const { return coefficient_; }
  int scale() const { return scale_; }
  int sign() const { return (coefficient_ > 0) - (coefficient_ < 0); }
  bool is_zero() const { return coefficient_ == 0; }
  Decimal abs() const { return coefficient_ < 0 ? -*this : *this; }

  // This value at another scale, rounded by mode when the scale shrinks.
  Decimal rounded(int scale, RoundingMode mode) const;

  // This value at another scale, or Error(invalid_argument) if that would lose digits.
  Decimal rescaled_exact(int scale) const;

  // a / b rounded to scale by mode; b == 0 throws Error(division_by_zero).
  static Decimal divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode);

  // a * b rounded to scale by mode, from the exact product (which may need
  // more than 18 decimals or 128 bits before rounding).
  static Decimal multiply_rounded(const Decimal& a, const Decimal& b, int scale,
                                  RoundingMode mode);
  static Decimal multiply_rounded_general(const Decimal& a, const Decimal& b, int scale,
                                          RoundingMode mode);

  Decimal operator-() const { return Decimal(-coefficient_, scale_, trusted{}); }
  friend Decimal operator+(const Decimal& a, const Decimal& b) { return add(a, b, false); }
  friend Decimal operator-(const Decimal& a, const Decimal& b) { return add(a, b, true); }
  // Exact; the product's scale is the sum of the scales and must be <= 18.
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& other) { return *this = *this + other; }
  Decimal& operator-=(const Decimal& other) { return *this = *this - other; }

  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

  // The hash of the value with trailing zeros removed, so 1.5 and 1.50 agree.
  std::size_t hash() const;

 private:
  struct trusted {};
  constexpr Decimal(detail::int128 coefficient, int scale, trusted)
      : coefficient_(coefficient), scale_(static_cast<std::int8_t>(scale)) {}

  static void check_scale(int scale) {
    if (scale < 0 || scale > scale_max) {
      throw Error(ErrorCode::invalid_argument,
                  "decimal scale " + std::to_string(scale) + " is outside 0..18");
    }
  }
  static Decimal add(const Decimal& a, const Decimal& b, bool subtract);
  static Decimal add_rescaled(const Decimal& a, const Decimal& b, bool subtract);

  detail::int128 coefficient_ = 0;
  std::int8_t scale_ = 0;
};

// ---------------------------------------------------------------- parsing

inline const char* Decimal::try_parse(std::string_view text, Decimal& out) noexcept {
  if (text.empty()) return "it is empty";
  std::size_t position = 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    position = 1;
  }
  detail::uint128 magnitude = 0;
  int digits_before_point = 0;
  int scale = 0;
  bool seen_point = false;
  constexpr detail::uint128 magnitude_max = static_cast<detail::uint128>(detail::int128_max);
  for (; position < text.size(); ++position) {
    const char c = text[position];
    if (c >= '0' && c <= '9') {
      if (magnitude >= static_cast<detail::uint128>(1) << 63 &&  // below 2^63 the next digit cannot overflow
          magnitude > (magnitude_max - static_cast<unsigned>(c - '0')) / 10) {
        return "it has too many digits (more than about 38)";
      }
      magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
      if (seen_point) {
        if (++scale > scale_max) return "it has more than 18 decimal places";
      } else {
        ++digits_before_point;
      }
    } else if (c == '.') {
      if (seen_point) return "it has more than one '.'";
      if (digits_before_point == 0) return "a digit must come before the '.'";
      seen_point = true;
    } else if (c == 'e' || c == 'E') {
      return "exponent notation is not accepted; write the digits out";
    } else if (c == ',' || c == '_' || c == '\'') {
      return "digit separators are not accepted";
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return "spaces are not accepted";
    } else if (c == '+' || c == '-') {
      return "a sign may only come first";
    } else {
      return "it has a character that is not a digit, a sign or '.'";
    }
  }
  if (digits_before_point == 0) return "it has no digits";
  if (seen_point && scale == 0) return "a digit must follow the '.'";
  const auto coefficient = static_cast<detail::int128>(magnitude);
  out = Decimal(negative ? -coefficient : coefficient, scale, trusted{});
  return nullptr;
}

inline std::string Decimal::to_string() const {
  char buffer[48];
  char* end = buffer + sizeof buffer;
  char* cursor = end;
  detail::uint128 magnitude = coefficient_ < 0 ? static_cast<detail::uint128>(-coefficient_)
                                               : static_cast<detail::uint128>(coefficient_);
  int written = 0;
  while (magnitude > UINT64_MAX) {
    if (written == scale_ && scale_ > 0) *--cursor = '.';
    *--cursor = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
    ++written;
  }
  auto small = static_cast<std::uint64_t>(magnitude);
  do {
    if (written == scale_ && scale_ > 0) *--cursor = '.';
    *--cursor = static_cast<char>('0' + static_cast<int>(small % 10));
    small /= 10;
    ++written;
  } while (small != 0 || written <= scale_);
  if (coefficient_ < 0) *--cursor = '-';
  return std::string(cursor, end);
}

// ---------------------------------------------------------------- arithmetic

inline Decimal Decimal::add(const Decimal& a, const Decimal& b, bool subtract) {
  if (a.scale_ == b.scale_) {  // the common case: no scaling, one checked 128-bit add
    const detail::int128 sum = subtract ? detail::checked_subtract(a.coefficient_, b.coefficient_)
                                        : detail::checked_add(a.coefficient_, b.coefficient_);
    return Decimal(sum, a.scale_, trusted{});
  }
  return add_rescaled(a, b, subtract);
}

// Scales rarely differ; kept out of line so that add() stays small enough to inline.
[[gnu::noinline]] inline Decimal Decimal::add_rescaled(const Decimal& a, const Decimal& b, bool subtract) {
  const int scale = a.scale_ > b.scale_ ? a.scale_ : b.scale_;
  detail::int128 left;
  detail::int128 right;
  const bool fits = !__builtin_mul_overflow(a.coefficient_, detail::pow10_int128[scale - a.scale_], &left) &&
                    !__builtin_mul_overflow(b.coefficient_, detail::pow10_int128[scale - b.scale_], &right);
  if (fits) {
    const detail::int128 sum = subtract ? detail::checked_subtract(left, right) : detail::checked_add(left, right);
    return Decimal(sum, scale, trusted{});
  }
  // An operand scaled up can exceed 128 bits while the sum still fits: add in 256 bits.
  const detail::int256 wide_left = detail::widen(a.coefficient_) * detail::pow10_int256(scale - a.scale_);
  const detail::int256 wide_right = detail::widen(b.coefficient_) * detail::pow10_int256(scale - b.scale_);
  return Decimal(detail::narrow(subtract ? detail::int256(wide_left - wide_right) : detail::int256(wide_left + wide_right)),
                 scale, trusted{});
}

inline Decimal operator*(const Decimal& a, const Decimal& b) {
  const int scale = a.scale_ + b.scale_;
  if (scale > Decimal::scale_max) {
    throw Error(ErrorCode::overflow,
                "exact product needs " + std::to_string(scale) +
                    " decimal places, more than 18; use multiply_rounded");
  }
  return Decimal(detail::checked_multiply(a.coefficient_, b.coefficient_), scale,
                 Decimal::trusted{});
}

inline Decimal Decimal::rounded(int scale, RoundingMode mode) const {
  check_scale(scale);
  if (scale >= scale_) {
    return Decimal(detail::checked_scale_up(coefficient_, scale - scale_), scale, trusted{});
  }
  const int digits = scale_ - scale;
  if (detail::fits_int64(coefficient_)) {
    const auto value = static_cast<std::int64_t>(coefficient_);
    return Decimal(detail::divide_rounded<std::int64_t>(value, detail::pow10_int64[digits], mode),
                   scale, trusted{});
  }
  return Decimal(detail::divide_rounded(coefficient_, detail::pow10_int128[digits], mode), scale,
                 trusted{});
}

inline Decimal Decimal::rescaled_exact(int scale) const {
  const Decimal result = rounded(scale, RoundingMode::down);
  if (result != *this) {
    throw Error(ErrorCode::invalid_argument,
                to_string() + " has more than " + std::to_string(scale) + " decimal places");
  }
  return result;
}

inline Decimal Decimal::multiply_rounded(const Decimal& a, const Decimal& b, int scale,
                                         RoundingMode mode) {
  if (scale >= 0 && scale <= scale_max && detail::fits_int64(a.coefficient_) && detail::fits_int64(b.coefficient_)) {
    const int product_scale = a.scale_ + b.scale_;
    const int digits = product_scale - scale;
    if (digits > 0 && digits <= 18) {
      const detail::int128 product = static_cast<detail::int128>(static_cast<std::int64_t>(a.coefficient_)) *
                                     static_cast<std::int64_t>(b.coefficient_);  // 64x64->128
      if (detail::fits_int64(product)) {
        return Decimal(detail::divide_rounded<std::int64_t>(static_cast<std::int64_t>(product),
                                                            detail::pow10_int64[digits], mode),
                       scale, trusted{});
      }
    }
  }
  return multiply_rounded_general(a, b, scale, mode);
}

[[gnu::noinline]] inline Decimal Decimal::multiply_rounded_general(const Decimal& a, const Decimal& b, int scale,
                                                                   RoundingMode mode) {
  check_scale(scale);
  const int product_scale = a.scale_ + b.scale_;
  if (detail::fits_int64(a.coefficient_) && detail::fits_int64(b.coefficient_)) {
    const detail::int128 product = a.coefficient_ * b.coefficient_;  // cannot overflow
    if (scale >= product_scale) {
      return Decimal(detail::checked_scale_up(product, scale - product_scale), scale, trusted{});
    }
    const int digits = product_scale - scale;
    if (detail::fits_int64(product) && digits <= 18) {
      return Decimal(detail::divide_rounded<std::int64_t>(static_cast<std::int64_t>(product),
                                                          detail::pow10_int64[digits], mode),
                     scale, trusted{});
    }
    return Decimal(detail::divide_rounded(product, detail::pow10_int128[digits], mode), scale,
                   trusted{});
  }
  const detail::int256 product = detail::widen(a.coefficient_) * detail::widen(b.coefficient_);
  if (scale >= product_scale) {  // scaling up only grows it: it must fit 128 bits first
    return Decimal(detail::checked_scale_up(detail::narrow(product), scale - product_scale), scale,
                   trusted{});
  }
  const detail::int256 divisor = detail::pow10_int256(product_scale - scale);
  return Decimal(detail::narrow(detail::divide_rounded(product, divisor, mode)), scale, trusted{});
}

inline Decimal Decimal::divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
  check_scale(scale);
  if (b.coefficient_ == 0) {
    throw Error(ErrorCode::division_by_zero, "division of " + a.to_string() + " by zero");
  }
  // a/b at scale s is (ca * 10^(s - sa + sb)) / cb, as an integer quotient.
  const int exponent = scale - a.scale_ + b.scale_;
  const int numerator_digits = exponent > 0 ? exponent : 0;
  const int divisor_digits = exponent < 0 ? -exponent : 0;
  detail::int128 numerator;
  detail::int128 divisor;
  const bool fits = !__builtin_mul_overflow(a.coefficient_, detail::pow10_int128[numerator_digits],
                                            &numerator) &&
                    !__builtin_mul_overflow(b.coefficient_, detail::pow10_int128[divisor_digits],
                                            &divisor) &&
                    numerator != detail::int128_min && divisor != detail::int128_min;
  if (fits) {
    if (divisor < 0) {
      numerator = -numerator;
      divisor = -divisor;
    }
    if (detail::fits_int64(numerator) && detail::fits_int64(divisor)) {
      return Decimal(detail::divide_rounded<std::int64_t>(static_cast<std::int64_t>(numerator),
                                                          static_cast<std::int64_t>(divisor), mode),
                     scale, trusted{});
    }
    return Decimal(detail::divide_rounded(numerator, divisor, mode), scale, trusted{});
  }
  detail::int256 wide_numerator =
      detail::widen(a.coefficient_) * detail::pow10_int256(numerator_digits);
  detail::int256 wide_divisor = detail::widen(b.coefficient_) * detail::pow10_int256(divisor_digits);
  if (wide_divisor < 0) {
    wide_numerator = -wide_numerator;
    wide_divisor = -wide_divisor;
  }
  return Decimal(detail::narrow(detail::divide_rounded(wide_numerator, wide_divisor, mode)), scale,
                 trusted{});
}

// ---------------------------------------------------------------- comparison

inline std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.scale_ == b.scale_) return a.coefficient_ <=> b.coefficient_;
  const bool a_has_fewer_decimals = a.scale_ < b.scale_;
  const Decimal& coarse = a_has_fewer_decimals ? a : b;
  const Decimal& fine = a_has_fewer_decimals ? b : a;
  detail::int128 scaled;
  const bool overflow = __builtin_mul_overflow(
      coarse.coefficient_, detail::pow10_int128[fine.scale_ - coarse.scale_], &scaled);
  // If scaling up overflows, |coarse| exceeds any coefficient, so its sign decides.
  const std::strong_ordering coarse_vs_fine =
      overflow ? (coarse.coefficient_ > 0 ? std::strong_ordering::greater
                                          : std::strong_ordering::less)
               : scaled <=> fine.coefficient_;
  if (a_has_fewer_decimals) return coarse_vs_fine;
  return 0 <=> coarse_vs_fine;
}

inline std::size_t Decimal::hash() const {
  detail::int128 coefficient = coefficient_;
  int scale = scale_;
  while (scale > 0 && coefficient % 10 == 0) {
    coefficient /= 10;
    --scale;
  }
  const auto low = static_cast<std::uint64_t>(coefficient);
  const auto high = static_cast<std::uint64_t>(static_cast<detail::uint128>(coefficient) >> 64);
  std::size_t seed = std::hash<std::uint64_t>{}(low);
  seed ^= std::hash<std::uint64_t>{}(high) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  seed ^= static_cast<std::size_t>(scale) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  return seed;
}

namespace literals {
inline Decimal operator""_dec(const char* text, std::size_t length) {
  return Decimal::parse(std::string_view(text, length));
}
}  // namespace literals

}  // namespace commonweal

template <>
struct std::hash<commonweal::Decimal> {
  std::size_t operator()(const commonweal::Decimal& value) const { return value.hash(); }
};

// fmt::format("{}", decimal) writes to_string(); width and alignment work as for strings.
template <>
struct fmt::formatter<commonweal::Decimal> : fmt::formatter<fmt::string_view> {
  template <class FormatContext>
  auto format(const commonweal::Decimal& value, FormatContext& context) const {
    const std::string text = value.to_string();
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text), context);
  }
};

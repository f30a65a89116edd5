// libFuzzer target for commonweal::Decimal: parsing, printing and arithmetic.
//
// Input layout: the whole input is parsed as one decimal (try_parse and
// parse). For arithmetic it is also split at '/' into "A/B/C": A and B are
// the operands (B defaults to A when missing or unparsable) and C, when
// present, holds control bytes: C[0] picks the rounding mode, C[1] the
// target scale (-1..19, so out-of-range scales are exercised too).
//
// Every result is checked against an unbounded reference computed with
// boost::multiprecision::cpp_int, including whether the operation must throw
// and with which ErrorCode. Only commonweal::Error may be thrown; any other
// exception or a wrong result aborts with a description on stderr.
#include <fmt/format.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/decimal.hpp"
#include "fuzz_support.hpp"

namespace {

using commonweal::Decimal;
using commonweal::Error;
using commonweal::ErrorCode;
using commonweal::RoundingMode;
using Big = boost::multiprecision::cpp_int;

using fuzz_support::fail;
using fuzz_support::printable;


Big to_big(commonweal::detail::int128 value) {
  const bool negative = value < 0;
  const auto magnitude = negative ? -static_cast<commonweal::detail::uint128>(value)
                                  : static_cast<commonweal::detail::uint128>(value);
  Big result = static_cast<std::uint64_t>(magnitude >> 64);
  result <<= 64;
  result += static_cast<std::uint64_t>(magnitude);
  return negative ? Big(-result) : result;
}

const Big& coefficient_limit() {
  static const Big limit = (Big(1) << 127) - 1;
  return limit;
}

bool fits(const Big& value) { return abs(value) <= coefficient_limit(); }

Big pow10(int digits) {
  Big result = 1;
  for (int i = 0; i < digits; ++i) result *= 10;
  return result;
}

// numerator / divisor (divisor > 0) rounded to an integer, written from the
// definitions of the modes: floor and ceiling of the exact quotient, then a pick.
Big reference_round(const Big& numerator, const Big& divisor, RoundingMode mode) {
  Big floor_quotient = numerator / divisor;  // truncates toward zero
  Big remainder = numerator % divisor;
  if (remainder == 0) return floor_quotient;
  if (remainder < 0) {
    floor_quotient -= 1;
    remainder += divisor;  // now 0 < remainder < divisor, value = floor + remainder/divisor
  }
  const Big ceiling_quotient = floor_quotient + 1;
  const bool positive = numerator > 0;
  const Big& toward_zero = positive ? floor_quotient : ceiling_quotient;
  const Big& away_from_zero = positive ? ceiling_quotient : floor_quotient;
  const Big twice = 2 * remainder;  // compare the fraction above floor with 1/2
  const int versus_half = twice < divisor ? -1 : (twice > divisor ? 1 : 0);
  switch (mode) {
    case RoundingMode::floor: return floor_quotient;
    case RoundingMode::ceiling: return ceiling_quotient;
    case RoundingMode::down: return toward_zero;
    case RoundingMode::up: return away_from_zero;
    case RoundingMode::half_up:
    case RoundingMode::half_down:
    case RoundingMode::half_even:
      if (versus_half < 0) return floor_quotient;
      if (versus_half > 0) return ceiling_quotient;
      if (mode == RoundingMode::half_up) return away_from_zero;
      if (mode == RoundingMode::half_down) return toward_zero;
      return (floor_quotient % 2 == 0) ? floor_quotient : ceiling_quotient;
  }
  fail("unknown rounding mode");
}

// What an operation must do: return coefficient x 10^-scale, or throw code.
struct Expected {
  bool ok = false;
  ErrorCode code = ErrorCode::overflow;
  Big coefficient;
  int scale = 0;

  static Expected value(Big coefficient, int scale) {
    if (!fits(coefficient)) return error(ErrorCode::overflow);
    Expected e;
    e.ok = true;
    e.coefficient = std::move(coefficient);
    e.scale = scale;
    return e;
  }
  static Expected error(ErrorCode code) {
    Expected e;
    e.code = code;
    return e;
  }
  std::string describe() const {
    if (!ok) return std::string("Error(") + commonweal::to_string(code) + ")";
    return "coefficient " + coefficient.str() + " scale " + std::to_string(scale);
  }
};

// context() names the operation; it is only called to describe a failure.
template <class Context, class Operation>
std::optional<Decimal> check(Context context, const Expected& expected, Operation operation) {
  try {
    const Decimal result = operation();
    if (!expected.ok || to_big(result.coefficient()) != expected.coefficient ||
        result.scale() != expected.scale) {
      fail(context() + ": expected " + expected.describe() + ", got coefficient " +
           to_big(result.coefficient()).str() + " scale " + std::to_string(result.scale()) + " (" +
           result.to_string() + ")");
    }
    return result;
  } catch (const Error& error) {
    if (expected.ok || error.code() != expected.code) {
      fail(context() + ": expected " + expected.describe() + ", got Error(" +
           commonweal::to_string(error.code()) + "): " + error.what());
    }
  } catch (const std::exception& other) {
    fail(context() + ": a non-commonweal exception escaped: " + other.what());
  } catch (...) {
    fail(context() + ": an unknown exception escaped");
  }
  return std::nullopt;
}

const char* mode_name(RoundingMode mode) { return commonweal::to_string(mode).data(); }

std::string show(const Decimal& value) { return value.to_string(); }

// ------------------------------------------------------------ parsing

// Plain notation by hand: [+-]?digits(.digits)?, at most 18 decimals, and the
// digits read as one integer within the coefficient range.
std::optional<Expected> reference_parse(std::string_view text) {
  std::size_t position = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    position = 1;
  }
  std::string integer_digits, fraction_digits;
  while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
    integer_digits += text[position++];
  }
  if (integer_digits.empty()) return std::nullopt;
  if (position < text.size()) {
    if (text[position] != '.') return std::nullopt;
    ++position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') {
      fraction_digits += text[position++];
    }
    if (fraction_digits.empty() || position != text.size()) return std::nullopt;
  }
  if (fraction_digits.size() > 18) return std::nullopt;
  std::string digits = integer_digits + fraction_digits;
  const std::size_t first_nonzero = digits.find_first_not_of('0');
  digits = first_nonzero == std::string::npos ? "0" : digits.substr(first_nonzero);
  if (digits.size() > 40) return std::nullopt;  // 2^127 - 1 has 39 digits
  const Big magnitude(digits);
  if (magnitude > coefficient_limit()) return std::nullopt;
  return Expected::value(negative ? Big(-magnitude) : magnitude,
                         static_cast<int>(fraction_digits.size()));
}

// The text to_string() must give for an accepted text: no '+', no leading
// zeros before the point (one '0' kept), no '-' on zero, decimals kept.
std::string canonical(std::string_view text) {
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const std::size_t point = text.find('.');
  std::string_view integer = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? "" : text.substr(point);
  while (integer.size() > 1 && integer[0] == '0') integer.remove_prefix(1);
  bool zero = true;
  for (char c : text) {
    if (c >= '1' && c <= '9') zero = false;
  }
  return std::string(negative && !zero ? "-" : "") + std::string(integer) + std::string(fraction);
}

std::optional<Decimal> check_parse(std::string_view text) {
  const auto context = [&] { return "parse('" + printable(text) + "')"; };
  const std::optional<Expected> reference = reference_parse(text);

  // try_parse: agrees with the reference and leaves out alone on failure.
  const Decimal sentinel = Decimal::from_coefficient(-987654321, 7);
  Decimal out = sentinel;
  const char* reason = Decimal::try_parse(text, out);
  if (reason != nullptr) {
    FUZZ_CHECK(!reference.has_value(),
               context() + " refused (" + reason + ") but the text is valid");
    FUZZ_CHECK(out.coefficient() == sentinel.coefficient() && out.scale() == sentinel.scale(),
               context() + " changed out on failure");
    FUZZ_CHECK(*reason != '\0', context() + " gave an empty reason");
  } else {
    FUZZ_CHECK(reference.has_value(), context() + " accepted invalid text as " + show(out));
    FUZZ_CHECK(
        to_big(out.coefficient()) == reference->coefficient && out.scale() == reference->scale,
        context() + " gave " + show(out) + ", expected " + reference->describe());
  }

  // parse: the same answer, or Error(invalid_text) and nothing else.
  const std::optional<Decimal> parsed =
      check(context, reference ? *reference : Expected::error(ErrorCode::invalid_text),
            [&] { return Decimal::parse(text); });
  if (!parsed) return std::nullopt;
  const Decimal value = *parsed;

  // Round trip through to_string, which keeps the scale.
  const std::string printed = value.to_string();
  FUZZ_CHECK(printed == canonical(text),
             context() + ": to_string gave '" + printed + "', expected '" + canonical(text) + "'");
  FUZZ_CHECK(fmt::format("{}", value) == printed,
             context() + ": fmt::format differs from to_string");
  Decimal again;
  FUZZ_CHECK(Decimal::try_parse(printed, again) == nullptr,
             context() + ": to_string '" + printed + "' does not parse");
  FUZZ_CHECK(again == value && again.scale() == value.scale() &&
                 again.coefficient() == value.coefficient(),
             context() + ": '" + printed + "' re-parses to " + show(again));
  FUZZ_CHECK(again.to_string() == printed, context() + ": second to_string differs");
  FUZZ_CHECK(again.hash() == value.hash(), context() + ": hash differs after round trip");

  // rounded(own scale) is the identity in every mode.
  for (RoundingMode mode : commonweal::all_rounding_modes) {
    const Decimal same = value.rounded(value.scale(), mode);
    FUZZ_CHECK(same.coefficient() == value.coefficient() && same.scale() == value.scale(),
               context() + ": rounded(scale, " + mode_name(mode) + ") gave " + show(same));
  }
  // x - x is zero at x's scale; x + 0 and x - 0 are x.
  const Decimal difference = value - value;
  FUZZ_CHECK(difference.is_zero() && difference.scale() == value.scale() && difference.sign() == 0,
             context() + ": x - x gave " + show(difference));
  FUZZ_CHECK((value + Decimal(0)) == value && (value - Decimal(0)) == value,
             context() + ": adding zero changed the value");
  FUZZ_CHECK(-(-value) == value && (-value) + value == Decimal(0),
             context() + ": negation is not an involution");
  FUZZ_CHECK(value.abs().sign() >= 0 && (value.abs() == value || value.abs() == -value),
             context() + ": abs is wrong");
  FUZZ_CHECK(value.sign() == (value > Decimal(0)) - (value < Decimal(0)),
             context() + ": sign disagrees with comparison against 0");
  // Equal values at a finer scale compare equal and hash alike.
  for (int finer = value.scale() + 1; finer <= Decimal::scale_max; ++finer) {
    const Big scaled = to_big(value.coefficient()) * pow10(finer - value.scale());
    if (!fits(scaled)) break;
    const Decimal widened = value.rounded(finer, RoundingMode::half_even);
    FUZZ_CHECK(widened == value && (widened <=> value) == 0 && widened.hash() == value.hash(),
               context() + ": rescaled to " + std::to_string(finer) + " is not equal / same hash");
  }
  return value;
}

// ------------------------------------------------------------ arithmetic

struct Aligned {
  Big left, right;
  int scale;
};

Aligned align(const Decimal& a, const Decimal& b) {
  const int scale = a.scale() > b.scale() ? a.scale() : b.scale();
  return {to_big(a.coefficient()) * pow10(scale - a.scale()),
          to_big(b.coefficient()) * pow10(scale - b.scale()), scale};
}

bool scale_ok(int scale) { return scale >= 0 && scale <= Decimal::scale_max; }

void check_binary(const Decimal& a, const Decimal& b) {
  const auto pair = [&] { return "a=" + show(a) + " b=" + show(b); };
  const Aligned aligned = align(a, b);

  check([&] { return pair() + " a+b"; },
        Expected::value(aligned.left + aligned.right, aligned.scale), [&] { return a + b; });
  check([&] { return pair() + " a-b"; },
        Expected::value(aligned.left - aligned.right, aligned.scale), [&] { return a - b; });
  check([&] { return pair() + " a+=b"; },
        Expected::value(aligned.left + aligned.right, aligned.scale),
        [&] {
          Decimal copy = a;
          copy += b;
          return copy;
        });
  check([&] { return pair() + " a-=b"; },
        Expected::value(aligned.left - aligned.right, aligned.scale),
        [&] {
          Decimal copy = a;
          copy -= b;
          return copy;
        });

  const int expected_order =
      aligned.left < aligned.right ? -1 : (aligned.left > aligned.right ? 1 : 0);
  const auto order = a <=> b;
  const int got_order = order < 0 ? -1 : (order > 0 ? 1 : 0);
  FUZZ_CHECK(got_order == expected_order, pair() + ": a <=> b gave " + std::to_string(got_order));
  const auto reverse = b <=> a;
  FUZZ_CHECK((reverse < 0 ? -1 : (reverse > 0 ? 1 : 0)) == -expected_order,
             pair() + ": b <=> a is not the reverse of a <=> b");
  FUZZ_CHECK((a == b) == (expected_order == 0) && (a != b) == (expected_order != 0) &&
                 (a < b) == (expected_order < 0) && (a >= b) == (expected_order >= 0),
             pair() + ": == / != / < / >= disagree with <=>");
  if (expected_order == 0) {
    FUZZ_CHECK(a.hash() == b.hash() && std::hash<Decimal>{}(a) == std::hash<Decimal>{}(b),
               pair() + ": equal values hash differently");
  }

  const Big product = to_big(a.coefficient()) * to_big(b.coefficient());
  const int product_scale = a.scale() + b.scale();
  check([&] { return pair() + " a*b"; },
        product_scale > Decimal::scale_max ? Expected::error(ErrorCode::overflow)
                                           : Expected::value(product, product_scale),
        [&] { return a * b; });
}

void check_scaled(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
  const auto tail = [&] { return " scale=" + std::to_string(scale) + " mode=" + mode_name(mode); };
  const auto pair = [&] { return "a=" + show(a) + " b=" + show(b) + tail(); };
  const Big ca = to_big(a.coefficient()), cb = to_big(b.coefficient());

  // multiply_rounded: the exact product, then rounded.
  {
    Expected expected = Expected::error(ErrorCode::invalid_argument);
    if (scale_ok(scale)) {
      const int product_scale = a.scale() + b.scale();
      const Big product = ca * cb;
      expected = scale >= product_scale
                     ? Expected::value(product * pow10(scale - product_scale), scale)
                     : Expected::value(reference_round(product, pow10(product_scale - scale), mode),
                                       scale);
    }
    check([&] { return pair() + " multiply_rounded"; }, expected,
          [&] { return Decimal::multiply_rounded(a, b, scale, mode); });
  }
  // divide: (ca / 10^sa) / (cb / 10^sb) * 10^scale = ca * 10^(scale + sb) / (cb * 10^sa).
  {
    Expected expected = Expected::error(ErrorCode::invalid_argument);
    if (scale_ok(scale)) {
      if (cb == 0) {
        expected = Expected::error(ErrorCode::division_by_zero);
      } else {
        Big numerator = ca * pow10(scale + b.scale());
        Big divisor = cb * pow10(a.scale());
        if (divisor < 0) {
          numerator = -numerator;
          divisor = -divisor;
        }
        expected = Expected::value(reference_round(numerator, divisor, mode), scale);
      }
    }
    check([&] { return pair() + " divide"; }, expected,
          [&] { return Decimal::divide(a, b, scale, mode); });
  }
  // rounded / rescaled_exact of a.
  {
    const auto single = [&] { return "a=" + show(a) + tail(); };
    Expected expected = Expected::error(ErrorCode::invalid_argument);
    Expected exact = Expected::error(ErrorCode::invalid_argument);
    if (scale_ok(scale)) {
      if (scale >= a.scale()) {
        expected = Expected::value(ca * pow10(scale - a.scale()), scale);
        exact = expected;
      } else {
        const Big divisor = pow10(a.scale() - scale);
        expected = Expected::value(reference_round(ca, divisor, mode), scale);
        if (ca % divisor == 0) exact = Expected::value(ca / divisor, scale);
      }
    }
    check([&] { return single() + " rounded"; }, expected, [&] { return a.rounded(scale, mode); });
    check([&] { return single() + " rescaled_exact"; }, exact,
          [&] { return a.rescaled_exact(scale); });
  }
  // Divide what was multiplied: (a * b) / b at a's scale is exactly a, in every mode.
  if (!b.is_zero() && a.scale() + b.scale() <= Decimal::scale_max && fits(ca * cb)) {
    const Decimal product = a * b;
    const Decimal back = Decimal::divide(product, b, a.scale(), mode);
    FUZZ_CHECK(back.coefficient() == a.coefficient() && back.scale() == a.scale(),
               pair() + ": (a*b)/b gave " + show(back));
  }
}

std::vector<std::string_view> split(std::string_view text, char separator, std::size_t parts) {
  std::vector<std::string_view> result;
  while (result.size() + 1 < parts) {
    const std::size_t at = text.find(separator);
    if (at == std::string_view::npos) break;
    result.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  result.push_back(text);
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // 1. The whole input as one decimal.
  check_parse(text);

  // 2. "A/B/C": two operands and control bytes.
  const std::vector<std::string_view> parts = split(text, '/', 3);
  if (parts.size() < 2) return 0;
  std::optional<Decimal> a = check_parse(parts[0]);
  std::optional<Decimal> b = check_parse(parts[1]);
  if (!a && !b) return 0;
  if (!a) a = b;
  if (!b) b = a;
  check_binary(*a, *b);
  check_binary(*b, *a);

  const std::string_view control = parts.size() > 2 ? parts[2] : std::string_view();
  if (!control.empty()) {
    const auto mode = commonweal::all_rounding_modes[static_cast<unsigned char>(control[0]) % 7];
    const int scale = control.size() > 1
                          ? static_cast<int>(static_cast<unsigned char>(control[1]) % 21) - 1
                          : a->scale();
    check_scaled(*a, *b, scale, mode);
    check_scaled(*b, *a, scale, mode);
  } else {
    const int scales[] = {-1, 0, a->scale(), b->scale(), 18, 19};
    for (RoundingMode mode : commonweal::all_rounding_modes) {
      for (int scale : scales) check_scaled(*a, *b, scale, mode);
    }
  }
  return 0;
}

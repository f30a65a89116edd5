// Decimal: parsing, formatting, exact arithmetic, rounding, comparison, errors.
// The bulk comparison with Python's decimal is tests/python/decimal_oracle.py.
#include <doctest/doctest.h>

#include "test_support.hpp"

#include <unordered_set>

#include "commonweal/core/decimal.hpp"

using commonweal::Decimal;
using commonweal::Error;
using commonweal::ErrorCode;
using commonweal::RoundingMode;
using namespace commonweal::literals;
using test_support::error_code_of;

namespace {
std::string parse_reason(std::string_view text) {
  Decimal ignored;
  const char* reason = Decimal::try_parse(text, ignored);
  return reason ? reason : "";
}
}  // namespace

TEST_CASE("parse accepts plain notation and keeps the scale") {
  CHECK(Decimal::parse("-12.340").to_string() == "-12.340");
  CHECK(Decimal::parse("-12.340").scale() == 3);
  CHECK(Decimal::parse("+5").to_string() == "5");
  CHECK(Decimal::parse("0").to_string() == "0");
  CHECK(Decimal::parse("007.50").to_string() == "7.50");
  CHECK(Decimal::parse("0.000000000000000001").scale() == 18);
  CHECK(Decimal::parse("-0.00").to_string() == "0.00");  // no negative zero
  CHECK(Decimal::parse("170141183460469231731687303715884105727").to_string() ==
        "170141183460469231731687303715884105727");  // 2^127 - 1
}

TEST_CASE("parse refuses everything else, with the reason") {
  CHECK(parse_reason("") == "it is empty");
  CHECK(parse_reason("1e3") == "exponent notation is not accepted; write the digits out");
  CHECK(parse_reason("1E-2") == "exponent notation is not accepted; write the digits out");
  CHECK(parse_reason("1,000") == "digit separators are not accepted");
  CHECK(parse_reason(" 1") == "spaces are not accepted");
  CHECK(parse_reason("1 ") == "spaces are not accepted");
  CHECK(parse_reason("5.") == "a digit must follow the '.'");
  CHECK(parse_reason(".5") == "a digit must come before the '.'");
  CHECK(parse_reason("1.2.3") == "it has more than one '.'");
  CHECK(parse_reason("--1") == "a sign may only come first");
  CHECK(parse_reason("-") == "it has no digits");
  CHECK(parse_reason("0x10") == "it has a character that is not a digit, a sign or '.'");
  CHECK(parse_reason("nan") == "it has a character that is not a digit, a sign or '.'");
  CHECK(parse_reason("0.0000000000000000001") == "it has more than 18 decimal places");
  CHECK(parse_reason("170141183460469231731687303715884105728") ==
        "it has too many digits (more than about 38)");
  CHECK(error_code_of([] { Decimal::parse("1e3"); }) == ErrorCode::invalid_text);
  try {
    Decimal::parse("12,5");
  } catch (const Error& error) {
    CHECK(std::string(error.what()) == "'12,5' is not a decimal number: digit separators are not accepted");
  }
  Decimal untouched = "4.2"_dec;
  CHECK(Decimal::try_parse("x", untouched) != nullptr);
  CHECK(untouched.to_string() == "4.2");
}

TEST_CASE("addition and subtraction are exact at the larger scale") {
  CHECK(("1.5"_dec + "0.25"_dec).to_string() == "1.75");
  CHECK(("1.50"_dec - "1.5"_dec).to_string() == "0.00");
  CHECK(("0.1"_dec + "0.2"_dec) == "0.3"_dec);  // the classic float failure
  CHECK((-"2.5"_dec).to_string() == "-2.5");
  Decimal total;
  for (int i = 0; i < 10; ++i) total += "0.10"_dec;
  CHECK(total.to_string() == "1.00");
}

TEST_CASE("multiplication is exact and its scale is the sum of scales") {
  CHECK(("1234.55"_dec * "0.10"_dec).to_string() == "123.4550");
  CHECK(("-3"_dec * "0.5"_dec).to_string() == "-1.5");
  CHECK(error_code_of([] { (void)("0.0000000001"_dec * "0.0000000001"_dec); }) == ErrorCode::overflow);
}

TEST_CASE("overflow throws and never wraps") {
  const Decimal largest = Decimal::parse("170141183460469231731687303715884105727");
  CHECK(error_code_of([&] { (void)(largest + Decimal(1)); }) == ErrorCode::overflow);
  CHECK(error_code_of([&] { (void)(-largest - Decimal(1)); }) == ErrorCode::overflow);
  CHECK(error_code_of([&] { (void)(largest * Decimal(2)); }) == ErrorCode::overflow);
  CHECK(error_code_of([&] { (void)largest.rounded(1, RoundingMode::down); }) == ErrorCode::overflow);
  CHECK(error_code_of([&] { (void)(largest + "0.1"_dec); }) == ErrorCode::overflow);  // scaling up overflows
  CHECK((largest - Decimal(1) + Decimal(1)) == largest);
  // Scaling an operand up may exceed 128 bits while the sum still fits (found by the oracle).
  CHECK((Decimal::parse("17014118346046923173168730371588410573") + "-1.0"_dec).to_string() ==
        "17014118346046923173168730371588410572.0");
  CHECK(error_code_of([] { (void)Decimal::from_coefficient(1, 19); }) == ErrorCode::invalid_argument);
}

TEST_CASE("rounded: the seven modes on the reference scheme's ties") {
  struct Row {
    const char* value;
    RoundingMode mode;
    const char* expected;
  };
  const Row rows[] = {
      {"123.455", RoundingMode::half_even, "123.46"}, {"0.005", RoundingMode::half_even, "0.00"},
      {"0.015", RoundingMode::half_even, "0.02"},     {"0.025", RoundingMode::half_even, "0.02"},
      {"-0.025", RoundingMode::half_even, "-0.02"},   {"0.025", RoundingMode::half_up, "0.03"},
      {"-0.025", RoundingMode::half_up, "-0.03"},     {"0.025", RoundingMode::half_down, "0.02"},
      {"0.0251", RoundingMode::half_down, "0.03"},    {"0.029", RoundingMode::down, "0.02"},
      {"-0.029", RoundingMode::down, "-0.02"},        {"0.021", RoundingMode::up, "0.03"},
      {"-0.021", RoundingMode::up, "-0.03"},          {"-0.021", RoundingMode::floor, "-0.03"},
      {"0.029", RoundingMode::floor, "0.02"},         {"-0.029", RoundingMode::ceiling, "-0.02"},
      {"0.021", RoundingMode::ceiling, "0.03"},       {"33.335", RoundingMode::half_even, "33.34"},
      {"0.0118", RoundingMode::half_even, "0.01"},    {"1.5", RoundingMode::half_even, "1.50"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.value);
    CAPTURE(to_string(row.mode));
    CHECK(Decimal::parse(row.value).rounded(2, row.mode).to_string() == row.expected);
  }
  CHECK("2.5"_dec.rounded(0, RoundingMode::half_even).to_string() == "2");
  CHECK("3.5"_dec.rounded(0, RoundingMode::half_even).to_string() == "4");
}

TEST_CASE("rescaled_exact refuses to lose digits") {
  CHECK("1.5"_dec.rescaled_exact(2).to_string() == "1.50");
  CHECK("1.500"_dec.rescaled_exact(2).to_string() == "1.50");
  CHECK(error_code_of([] { (void)"1.005"_dec.rescaled_exact(2); }) == ErrorCode::invalid_argument);
}

TEST_CASE("divide rounds the exact quotient once") {
  CHECK(Decimal::divide("0.60"_dec, "1040"_dec, 2, RoundingMode::half_even).to_string() == "0.00");
  CHECK(Decimal::divide(Decimal(1), Decimal(3), 4, RoundingMode::half_even).to_string() == "0.3333");
  CHECK(Decimal::divide(Decimal(2), Decimal(3), 4, RoundingMode::down).to_string() == "0.6666");
  CHECK(Decimal::divide(Decimal(-2), Decimal(3), 0, RoundingMode::floor).to_string() == "-1");
  CHECK(Decimal::divide(Decimal(1), Decimal(-8), 2, RoundingMode::half_even).to_string() == "-0.12");
  CHECK(Decimal::divide("1.00"_dec, "0.000000000000000003"_dec, 18, RoundingMode::half_even).to_string() ==
        "333333333333333333.333333333333333333");  // needs the 256-bit path
  CHECK(error_code_of([] { (void)Decimal::divide(Decimal(1), Decimal(0), 2, RoundingMode::up); }) ==
        ErrorCode::division_by_zero);
}

TEST_CASE("multiply_rounded rounds the exact product once") {
  CHECK(Decimal::multiply_rounded("1234.55"_dec, "0.10"_dec, 2, RoundingMode::half_even).to_string() == "123.46");
  CHECK(Decimal::multiply_rounded("333.35"_dec, "0.10"_dec, 2, RoundingMode::half_even).to_string() == "33.34");
  CHECK(Decimal::multiply_rounded("2.25"_dec, "11.44"_dec, 2, RoundingMode::half_even).to_string() == "25.74");
  CHECK(Decimal::multiply_rounded("0.0000000001"_dec, "0.0000000005"_dec, 18, RoundingMode::half_up).to_string() ==
        "0.000000000000000000");
  const Decimal big = Decimal::parse("123456789012345678.90123");  // beyond 64 bits: the 256-bit path
  CHECK(Decimal::multiply_rounded(big, big, 2, RoundingMode::half_even).to_string() ==
        "15241578753238836750494223688472275.58");
  CHECK_THROWS_AS(Decimal::multiply_rounded(big * Decimal(1000), big, 2, RoundingMode::half_even), Error);
}

TEST_CASE("comparison and hashing are by value") {
  CHECK("1.5"_dec == "1.50"_dec);
  CHECK("1.49"_dec < "1.5"_dec);
  CHECK("-1"_dec < "0.0"_dec);
  CHECK(Decimal::parse("170141183460469231731687303715884105727") > "0.5"_dec);
  CHECK(Decimal::parse("-170141183460469231731687303715884105727") < "-0.5"_dec);
  CHECK("1.5"_dec.hash() == "1.500"_dec.hash());
  std::unordered_set<Decimal> set{"1.5"_dec, "1.50"_dec, "2"_dec};
  CHECK(set.size() == 2);
}

TEST_CASE("fmt formats the text form") {
  CHECK(fmt::format("{}", "-12.340"_dec) == "-12.340");
  CHECK(fmt::format("[{:>8}]", "1.50"_dec) == "[    1.50]");
}

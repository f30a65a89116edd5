// Unit, Amount, Money and Hours: units never mix silently.
// What must not even compile is in tests/fail/.
#include <doctest/doctest.h>

#include "commonweal/core/hours.hpp"
#include "commonweal/core/money.hpp"

using namespace commonweal;
using namespace commonweal::literals;

TEST_CASE("units: currency codes and HOUR, both scale 2") {
  CHECK(Unit::parse("GBP").is_money());
  CHECK(Unit::parse("EUR").code() == "EUR");
  CHECK(Unit::parse("HOUR").is_hours());
  CHECK(Unit::hour().scale() == 2);
  CHECK(Unit::parse("GBP").scale() == 2);
  CHECK_THROWS_WITH_AS(Unit::parse("gbp"),
                       "unit 'gbp' is neither a currency code (three capital letters, e.g. GBP) nor HOUR", Error);
  CHECK_THROWS_AS(Unit::parse("HOURS"), Error);
  CHECK_THROWS_AS(Unit::currency("HOUR"), Error);
  CHECK(!(Unit::parse("GBP") == Unit::parse("EUR")));
}

TEST_CASE("Amount holds the unit's scale and refuses more decimals") {
  const Unit gbp = Unit::parse("GBP");
  CHECK(Amount::parse("5", gbp).to_string() == "5.00 GBP");
  CHECK(Amount::parse("-0.1", gbp).value().to_string() == "-0.10");
  CHECK_THROWS_WITH_AS(Amount::parse("1.005", gbp), "amount 1.005 has more decimals than GBP allows (2)", Error);
  CHECK_THROWS_AS(Amount::parse("1.000", gbp), Error);  // more decimals written is refused too
}

TEST_CASE("Amount: a unit mismatch is an error, never a conversion") {
  const Amount pounds = Amount::parse("1.00", Unit::parse("GBP"));
  const Amount euros = Amount::parse("1.00", Unit::parse("EUR"));
  const Amount hours = Amount::parse("1.00", Unit::hour());
  CHECK((pounds + pounds).to_string() == "2.00 GBP");
  try {
    (void)(pounds + hours);
    FAIL("expected a unit mismatch");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::unit_mismatch);
    CHECK(std::string(error.what()) == "cannot add 1.00 GBP and 1.00 HOUR: the units differ");
  }
  CHECK_THROWS_AS((void)(pounds - euros), Error);
  CHECK_THROWS_AS((void)(pounds < euros), Error);
  CHECK(!(pounds == hours));
}

TEST_CASE("Money: same-currency arithmetic, one named rounding") {
  const Unit gbp = Unit::parse("GBP");
  const Money tax = Money::parse("1234.55", gbp);
  CHECK(tax.times("0.10"_dec, RoundingMode::half_even).to_string() == "123.46 GBP");
  CHECK(tax.times("0.10"_dec, RoundingMode::down).to_string() == "123.45 GBP");
  CHECK((tax - Money::parse("0.55", gbp)).to_string() == "1234.00 GBP");
  CHECK(-Money::parse("2", gbp) < Money::zero(gbp));
  CHECK_THROWS_AS((void)(tax + Money::parse("1", Unit::parse("EUR"))), Error);
  CHECK_THROWS_AS(Money(Decimal(1), Unit::hour()), Error);
}

TEST_CASE("Hours: rounded up to a step, valued at a rate per hour") {
  const Unit gbp = Unit::parse("GBP");
  CHECK(Hours::parse("2.10").rounded_up_to_step("0.25"_dec).to_string() == "2.25 HOUR");
  CHECK(Hours::parse("2.25").rounded_up_to_step("0.25"_dec).to_string() == "2.25 HOUR");
  CHECK(Hours::parse("0.01").rounded_up_to_step("0.5"_dec).to_string() == "0.50 HOUR");
  CHECK(Hours::parse("3").rounded_up_to_step("1"_dec).to_string() == "3.00 HOUR");
  CHECK_THROWS_AS(Hours::parse("1").rounded_up_to_step("0"_dec), Error);
  const Money value = Hours::parse("2.25").valued_at(Money::parse("11.44", gbp), RoundingMode::half_even);
  CHECK(value.to_string() == "25.74 GBP");
  CHECK((Hours::parse("1.5") + Hours::parse("0.25")).to_string() == "1.75 HOUR");
  CHECK_THROWS_AS(Hours::parse("0.125"), Error);
}

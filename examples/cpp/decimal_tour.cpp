// Exact decimals, named roundings, allocation and units, in a few lines.
#include <fmt/format.h>

#include "commonweal/core/allocation.hpp"
#include "commonweal/core/hours.hpp"

using namespace commonweal;

int main() {
  const Decimal tax = Decimal::parse("1234.55");
  const Decimal share = Decimal::parse("0.10");
  fmt::print("exact product:        {}\n", tax * share);
  fmt::print("rounded half-even:    {}\n", (tax * share).rounded(2, RoundingMode::half_even));
  fmt::print("rounded down:         {}\n", Decimal::multiply_rounded(tax, share, 2, RoundingMode::down));
  fmt::print("0.1 + 0.2 == 0.3:     {}\n", Decimal::parse("0.1") + Decimal::parse("0.2") == Decimal::parse("0.3"));
  fmt::print("one third, 4 places:  {}\n", Decimal::divide(Decimal(1), Decimal(3), 4, RoundingMode::half_even));

  const std::vector<Decimal> weights{Decimal(1), Decimal(1), Decimal(1)};
  const std::vector<Decimal> parts = allocate(Decimal::parse("100.00"), weights, 2);
  fmt::print("100.00 in thirds:     {}\n", fmt::join(parts, " + "));

  const Unit gbp = Unit::parse("GBP");
  const Hours volunteered = Hours::parse("2.10").rounded_up_to_step(Decimal::parse("0.25"));
  const Money value = volunteered.valued_at(Money::parse("11.44", gbp), RoundingMode::half_even);
  fmt::print("2.10 hours volunteered count as {}, worth {}\n", volunteered.to_string(), value.to_string());
  try {
    Decimal::parse("1e3");
  } catch (const Error& error) {
    fmt::print("refused: {}\n", error.what());
  }
}

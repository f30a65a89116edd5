// A tiny program built against the installed package.
#include <commonweal/core/money.hpp>
#include <commonweal/version.hpp>
#include <iostream>

int main() {
  using namespace commonweal;
  const Money tax = Money::parse("1234.55", Unit::parse("GBP"));
  std::cout << tax.times(Decimal::parse("0.10"), RoundingMode::half_even).to_string() << " " << version() << "\n";
}

// The control for the must-not-compile tests: the same headers and the valid
// forms of each refused operation compile and give the right answers.
#include "commonweal/core/hours.hpp"

int main() {
  using namespace commonweal;
  const Money pounds = Money::parse("1.00", Unit::parse("GBP"));
  const Hours hours = Hours::parse("1.00");
  const Money sum = pounds + pounds;
  const Money scaled = pounds.times(Decimal::parse("0.5"), RoundingMode::half_even);
  const Hours more = hours + hours;
  const Decimal tenth = Decimal::parse("0.1");
  const bool right = sum.to_string() == "2.00 GBP" && scaled.to_string() == "0.50 GBP" &&
                     more.to_string() == "2.00 HOUR" && tenth.to_string() == "0.1" && Decimal(3) == Decimal::parse("3.0");
  return right ? 0 : 1;
}

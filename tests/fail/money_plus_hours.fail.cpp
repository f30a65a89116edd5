// Must not compile: money and hours do not add.
#include "commonweal/core/hours.hpp"

int main() {
  using namespace commonweal;
  const Money pounds = Money::parse("1.00", Unit::parse("GBP"));
  const Hours hours = Hours::parse("1.00");
  (void)(pounds + hours);
}

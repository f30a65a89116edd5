// Must not compile: money is never multiplied by a binary float.
#include "commonweal/core/money.hpp"

int main() {
  using namespace commonweal;
  const Money pounds = Money::parse("1.00", Unit::parse("GBP"));
  (void)(pounds * 0.1);
}

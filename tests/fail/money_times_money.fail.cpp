// Must not compile: pounds times pounds means nothing.
#include "commonweal/core/money.hpp"

int main() {
  using namespace commonweal;
  const Money pounds = Money::parse("1.00", Unit::parse("GBP"));
  (void)(pounds * pounds);
}

// Must not compile: a binary float never becomes a Decimal (0.1 is not one tenth).
#include "commonweal/core/decimal.hpp"

int main() {
  const commonweal::Decimal tenth(0.1);
  (void)tenth;
}

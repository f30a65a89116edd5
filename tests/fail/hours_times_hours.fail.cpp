// Must not compile: hours times hours means nothing.
#include "commonweal/core/hours.hpp"

int main() {
  using namespace commonweal;
  const Hours hours = Hours::parse("1.00");
  (void)(hours * hours);
}

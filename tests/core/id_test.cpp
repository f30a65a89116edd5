// Identifiers: letters, digits, '_', '-', '.'; typed ids do not mix.
#include <doctest/doctest.h>

#include <type_traits>

#include "commonweal/core/id.hpp"

using namespace commonweal;

TEST_CASE("identifiers accept the allowed characters only") {
  CHECK(CitizenId::parse("C0001").str() == "C0001");
  CHECK(EventId::parse("E-1_2.3").str() == "E-1_2.3");
  CHECK(identifier_problem("") == std::string("it is empty"));
  CHECK(identifier_problem("a b") == std::string("only letters, digits, '_', '-' and '.' are allowed"));
  CHECK(identifier_problem("a:b") != nullptr);
  CHECK(identifier_problem("é") != nullptr);
  CHECK(identifier_problem(std::string(65, 'x')) == std::string("it is longer than 64 characters"));
  CHECK_THROWS_WITH_AS(CitizenId::parse("C 1"),
                       "citizen id 'C 1' is not valid: only letters, digits, '_', '-' and '.' are allowed", Error);
  CHECK(CitizenId::parse("A") < CitizenId::parse("B"));
  static_assert(!std::is_convertible_v<CitizenId, EventId>);
}

// InputErrors: one line per problem, at most 100 shown, control characters escaped.
#include <doctest/doctest.h>

#include <algorithm>

#include "commonweal/core/input_errors.hpp"

using namespace commonweal;

namespace {
std::string message_of(const InputErrors& errors) {
  try {
    errors.throw_if_any();
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  return "";
}
}  // namespace

TEST_CASE("every problem is one line, even when the input holds line breaks") {
  InputErrors errors;
  CHECK(errors.empty());
  CHECK(message_of(errors).empty());
  errors.add("events.csv:3", "amount", "'10.005' has more than 2 decimals");
  errors.add("providers.csv:1", "provider\nacc", "the column appears twice in the header");
  CHECK(message_of(errors) ==
        "events.csv:3: amount: '10.005' has more than 2 decimals\n"
        "providers.csv:1: provider\\x0aacc: the column appears twice in the header");
}

TEST_CASE("at most 100 problems are shown, and the rest are counted") {
  InputErrors errors;
  for (int i = 0; i < 130; ++i) errors.add("events.csv:" + std::to_string(i + 2), "date", "bad");
  const std::string message = message_of(errors);
  CHECK(std::count(message.begin(), message.end(), '\n') == 100);
  CHECK(message.substr(message.rfind('\n') + 1) == "(30 more errors not shown)");
}

// Helpers shared by the doctest suites.
#pragma once

#include <doctest/doctest.h>

#include "commonweal/core/error.hpp"

namespace test_support {

// The code of the commonweal::Error that action throws; fails the test if it throws none.
template <class Action>
commonweal::ErrorCode error_code_of(Action&& action) {
  try {
    action();
  } catch (const commonweal::Error& error) {
    return error.code();
  }
  FAIL("expected commonweal::Error");
  return commonweal::ErrorCode::invalid_argument;
}

}  // namespace test_support

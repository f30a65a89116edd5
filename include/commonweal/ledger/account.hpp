// commonweal::Account: a named place that holds a balance in one unit.
//
// Guarantees
// - Names are colon-separated paths ("citizen:C0001:social", as hledger
//   and Beancount write them); each segment is a valid identifier
//   (core/id.hpp), so no segment is empty.
// - A lower limit, when set, is a balance the account may never go below on
//   any effective date; the Journal refuses any entry that would breach it.
// Constraints
// - The limit has at most the unit's decimals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commonweal/core/amount.hpp"
#include "commonweal/core/id.hpp"

namespace commonweal {

// nullptr if name is a valid account name, else the reason.
inline const char* account_name_problem(std::string_view name) noexcept {
  if (name.empty()) return "it is empty";
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = name.find(':', start);
    const std::string_view segment = name.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (segment.empty()) return "a segment between ':' is empty";
    if (identifier_problem(segment) != nullptr) {
      return "segments may hold only letters, digits, '_', '-' and '.', up to 64 of them";
    }
    if (colon == std::string_view::npos) return nullptr;
    start = colon + 1;
  }
}

struct Account {
  std::string name;
  Unit unit;
  std::optional<Decimal> lower_limit;  // none: the balance may take any value

  Account(std::string account_name, Unit account_unit, std::optional<Decimal> limit = std::nullopt)
      : name(std::move(account_name)), unit(account_unit), lower_limit(std::move(limit)) {
    if (const char* reason = account_name_problem(name)) {
      throw Error(ErrorCode::invalid_text, "account name '" + name + "' is not valid: " + reason);
    }
    if (lower_limit) lower_limit = Amount(*lower_limit, unit).value();
  }

  friend bool operator==(const Account& a, const Account& b) {
    return a.name == b.name && a.unit == b.unit && a.lower_limit == b.lower_limit;
  }
};

}  // namespace commonweal

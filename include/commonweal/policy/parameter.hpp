// commonweal::Parameter: one dated scheme parameter, in OpenFisca's layout.
//
// Guarantees
// - Values are kept exactly as written: numbers as Decimal (never a binary
//   float) with their text, booleans as bool.
// - at(date) is the value whose start date is the latest on or before date;
//   none before the first start date, and none after a `value: null`.
// Constraints
// - Start dates are strictly increasing (the loader refuses duplicates).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commonweal/core/date.hpp"
#include "commonweal/core/decimal.hpp"

namespace commonweal {

struct ParameterValue {
  enum class Kind { number, boolean };
  Kind kind = Kind::number;
  Decimal number;
  bool boolean = false;
  std::string text;  // as written in the file, for explanations

  static ParameterValue of_number(const Decimal& value, std::string text) {
    return {Kind::number, value, false, std::move(text)};
  }
  static ParameterValue of_boolean(bool value) { return {Kind::boolean, Decimal(), value, value ? "true" : "false"}; }
  friend bool operator==(const ParameterValue& a, const ParameterValue& b) {
    return a.kind == b.kind && a.number == b.number && a.boolean == b.boolean;
  }
};

struct DatedValue {
  Date from;
  std::optional<ParameterValue> value;  // none: `value: null`, the parameter ends here
  int line = 0;                         // where it was written, for errors and explanations
};

struct Parameter {
  std::string name;  // dotted path: "contribution_share.income_tax"
  std::string description;
  std::string reference;
  std::map<std::string, std::string> metadata;
  std::vector<DatedValue> values;  // by start date

  // The entry in force on day, or nullptr.
  const DatedValue* entry_at(const Date& day) const {
    const auto after = std::upper_bound(values.begin(), values.end(), day,
                                        [](const Date& d, const DatedValue& v) { return d < v.from; });
    if (after == values.begin()) return nullptr;
    return &*(after - 1);
  }
  std::optional<ParameterValue> at(const Date& day) const {
    const DatedValue* entry = entry_at(day);
    if (entry == nullptr) return std::nullopt;
    return entry->value;
  }
};

}  // namespace commonweal

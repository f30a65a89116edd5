// commonweal::Amount: a Decimal with its Unit, checked at run time. The
// ledger stores these; typed code prefers Money and Hours (compile-time
// checked, money.hpp and hours.hpp).
//
// Guarantees
// - The value is held at exactly the unit's scale (2): "5" becomes 5.00.
// - Adding, subtracting or comparing amounts of different units throws
//   Error(unit_mismatch); nothing silently converts.
// Constraints
// - A value with more decimals than its unit allows is refused
//   (Error(invalid_argument)), never rounded: 1.005 GBP is an error.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "commonweal/core/decimal.hpp"
#include "commonweal/core/unit.hpp"

namespace commonweal {

class Amount {
 public:
  Amount(const Decimal& value, Unit unit)
      : value_(value.scale() == unit.scale() ? value : at_unit_scale(value, unit)), unit_(unit) {}  // the usual case inline
  static Amount zero(Unit unit) { return Amount(Decimal(0), unit); }
  static Amount parse(std::string_view text, Unit unit) { return Amount(Decimal::parse(text), unit); }

  const Decimal& value() const { return value_; }
  Unit unit() const { return unit_; }
  std::string to_string() const { return value_.to_string() + " " + std::string(unit_.code()); }

  Amount operator-() const { return Amount(-value_, unit_); }
  friend Amount operator+(const Amount& a, const Amount& b) {
    check_same_unit(a, b, "add");
    return Amount(a.value_ + b.value_, a.unit_);
  }
  friend Amount operator-(const Amount& a, const Amount& b) {
    check_same_unit(a, b, "subtract");
    return Amount(a.value_ - b.value_, a.unit_);
  }
  friend bool operator==(const Amount& a, const Amount& b) {
    return a.unit_ == b.unit_ && a.value_ == b.value_;
  }
  friend std::strong_ordering operator<=>(const Amount& a, const Amount& b) {
    check_same_unit(a, b, "compare");
    return a.value_ <=> b.value_;
  }

 private:
  static Decimal at_unit_scale(const Decimal& value, Unit unit) {
    if (value.scale() > unit.scale()) {
      throw Error(ErrorCode::invalid_argument,
                  "amount " + value.to_string() + " has more decimals than " +
                      std::string(unit.code()) + " allows (" + std::to_string(unit.scale()) + ")");
    }
    return value.rounded(unit.scale(), RoundingMode::down);  // exact: only adds zeros
  }
  static void check_same_unit(const Amount& a, const Amount& b, const char* verb) {
    if (!(a.unit_ == b.unit_)) {
      throw Error(ErrorCode::unit_mismatch, std::string("cannot ") + verb + " " + a.to_string() +
                                                " and " + b.to_string() + ": the units differ");
    }
  }

  Decimal value_;
  Unit unit_;
};

}  // namespace commonweal

// commonweal::Money: an amount of a currency, checked by the compiler.
//
// Guarantees
// - Money + Hours, Money * Money and Money * double do not compile
//   (tests/fail/*.fail.cpp prove it); Money + Money of two currencies
//   throws Error(unit_mismatch).
// - Held at exactly 2 decimals; times() rounds once, by the mode it is given.
// Constraints
// - A value with more than 2 decimals is refused, never rounded.
#pragma once

#include <compare>
#include <string_view>

#include "commonweal/core/amount.hpp"

namespace commonweal {

class Money {
 public:
  Money(const Decimal& value, Unit currency) : amount_(value, checked_currency(currency)) {}
  static Money parse(std::string_view text, Unit currency) { return Money(Decimal::parse(text), currency); }
  static Money zero(Unit currency) { return Money(Decimal(0), currency); }

  const Decimal& value() const { return amount_.value(); }
  Unit currency() const { return amount_.unit(); }
  const Amount& to_amount() const { return amount_; }
  std::string to_string() const { return amount_.to_string(); }

  // factor x this, rounded once to pennies by mode (a share, a rate, a co-payment).
  Money times(const Decimal& factor, RoundingMode mode) const {
    return Money(Decimal::multiply_rounded(value(), factor, Unit::money_scale, mode), currency());
  }

  Money operator-() const { return Money(-amount_); }
  friend Money operator+(const Money& a, const Money& b) { return Money(a.amount_ + b.amount_); }
  friend Money operator-(const Money& a, const Money& b) { return Money(a.amount_ - b.amount_); }
  friend Money operator*(const Money&, const Money&) = delete;  // pounds squared mean nothing
  friend bool operator==(const Money& a, const Money& b) { return a.amount_ == b.amount_; }
  friend std::strong_ordering operator<=>(const Money& a, const Money& b) { return a.amount_ <=> b.amount_; }

 private:
  explicit Money(const Amount& amount) : amount_(amount) {}
  static Unit checked_currency(Unit unit) {
    if (!unit.is_money()) throw Error(ErrorCode::unit_mismatch, "Money needs a currency, not HOUR");
    return unit;
  }
  Amount amount_;
};

}  // namespace commonweal

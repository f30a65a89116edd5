// commonweal::Hours: time credits, checked by the compiler.
//
// Guarantees
// - Hours + Money and Hours * Hours do not compile (tests/fail/).
// - Held at exactly 2 decimals. rounded_up_to_step() and valued_at() are the
//   only roundings, each named.
// Constraints
// - A value with more than 2 decimals is refused, never rounded.
#pragma once

#include <compare>
#include <string_view>

#include "commonweal/core/amount.hpp"
#include "commonweal/core/money.hpp"

namespace commonweal {

class Hours {
 public:
  explicit Hours(const Decimal& value) : amount_(value, Unit::hour()) {}
  static Hours parse(std::string_view text) { return Hours(Decimal::parse(text)); }

  const Decimal& value() const { return amount_.value(); }
  const Amount& to_amount() const { return amount_; }
  std::string to_string() const { return amount_.to_string(); }

  // The smallest multiple of step that is >= this (rounding up, as rule R4 does).
  // step must be positive and have at most 2 decimals.
  Hours rounded_up_to_step(const Decimal& step) const {
    if (step.sign() <= 0) {
      throw Error(ErrorCode::invalid_argument, "hours step " + step.to_string() + " is not positive");
    }
    const Decimal steps = Decimal::divide(value(), step, 0, RoundingMode::ceiling);
    return Hours((steps * step.rescaled_exact(Unit::hour_scale)));
  }

  // this x rate_per_hour, rounded once to pennies by mode.
  Money valued_at(const Money& rate_per_hour, RoundingMode mode) const {
    return Money(Decimal::multiply_rounded(value(), rate_per_hour.value(), Unit::money_scale, mode),
                 rate_per_hour.currency());
  }

  Hours operator-() const { return Hours(-value()); }
  friend Hours operator+(const Hours& a, const Hours& b) { return Hours(a.value() + b.value()); }
  friend Hours operator-(const Hours& a, const Hours& b) { return Hours(a.value() - b.value()); }
  friend Hours operator*(const Hours&, const Hours&) = delete;  // hours squared mean nothing
  friend bool operator==(const Hours& a, const Hours& b) { return a.value() == b.value(); }
  friend std::strong_ordering operator<=>(const Hours& a, const Hours& b) { return a.value() <=> b.value(); }

 private:
  Amount amount_;
};

}  // namespace commonweal

// commonweal::simulation::Weight and WeightedSum: how many people a
// simulated citizen stands for, and sums that cannot forget it.
//
// Guarantees
// - A Weight is a positive Decimal with at most 6 decimals; anything else is
//   refused with Error(invalid_argument).
// - A WeightedSum can only grow by add(weight, amount), which adds
//   weight x amount exactly (no rounding): there is no way to put an
//   unweighted amount into it, so a weight cannot be dropped silently.
//   Sums are exact, so they do not depend on the order of the additions
//   (and so not on the number of threads); overflow throws, never wraps.
#pragma once

#include "commonweal/core/decimal.hpp"
#include "commonweal/core/error.hpp"

namespace commonweal::simulation {

class Weight {
 public:
  static constexpr int scale_max = 6;

  static Weight of(const Decimal& value) {
    if (value.sign() <= 0 || value.scale() > scale_max) {
      throw Error(ErrorCode::invalid_argument,
                  "a weight must be positive with at most 6 decimals, not " + value.to_string());
    }
    return Weight(value);
  }
  static Weight one() { return Weight(Decimal(1)); }
  const Decimal& value() const { return value_; }
  friend bool operator==(const Weight&, const Weight&) = default;

 private:
  explicit Weight(const Decimal& value) : value_(value) {}
  Decimal value_;
};

class WeightedSum {
 public:
  void add(const Weight& weight, const Decimal& amount) { total_ += weight.value() * amount; }
  void merge(const WeightedSum& other) { total_ += other.total_; }
  // reform minus baseline, for comparisons
  static WeightedSum difference(const WeightedSum& later, const WeightedSum& earlier) {
    WeightedSum result;
    result.total_ = later.total_ - earlier.total_;
    return result;
  }
  const Decimal& total() const { return total_; }

 private:
  Decimal total_;
};

}  // namespace commonweal::simulation

// commonweal::DatedBalanceIndex: an account's running balance by effective
// date, for "balance as of" in O(log n).
//
// Guarantees
// - balance_through(day) is the sum of every amount added on or before day,
//   in O(log d) where d is the number of distinct days (a Fenwick tree over
//   the sorted days).
// - add() is O(log d) for a day already present or later than every other,
//   and O(d) for a new day earlier than the latest (the tree is rebuilt).
// - minimum_from(day) gives the lowest balance on any day from day on, in
//   O(log d + days after it): what a limit check needs.
// Constraints
// - Days are day numbers (core/date.hpp); amounts share one scale.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "commonweal/core/decimal.hpp"

namespace commonweal {

class DatedBalanceIndex {
 public:
  void add(int day, const Decimal& amount) {
    total_ += amount;
    const auto position = std::lower_bound(days_.begin(), days_.end(), day);
    const auto index = static_cast<std::size_t>(position - days_.begin());
    if (position != days_.end() && *position == day) {
      day_totals_[index] += amount;
      for (std::size_t node = index + 1; node <= tree_.size(); node += lowest_bit(node)) {
        tree_[node - 1] += amount;
      }
      return;
    }
    days_.insert(position, day);
    day_totals_.insert(day_totals_.begin() + static_cast<std::ptrdiff_t>(index), amount);
    if (index + 1 == days_.size()) {
      append_tree_node();
    } else {
      rebuild_tree();
    }
  }

  Decimal balance_through(int day) const {
    const auto count = static_cast<std::size_t>(
        std::upper_bound(days_.begin(), days_.end(), day) - days_.begin());
    return prefix_sum(count);
  }

  const Decimal& total() const { return total_; }

  struct Minimum {
    Decimal balance;
    int day;
  };
  // The lowest balance on any day >= day (the balance on day itself included).
  Minimum minimum_from(int day) const {
    auto index = static_cast<std::size_t>(std::lower_bound(days_.begin(), days_.end(), day) - days_.begin());
    Decimal running = prefix_sum(index);  // the balance through the day before `day`
    const bool has_day_itself = index < days_.size() && days_[index] == day;
    Minimum lowest{running, day};  // without an amount on `day`, its balance is `running`
    bool found = !has_day_itself;
    for (; index < days_.size(); ++index) {
      running += day_totals_[index];
      if (!found || running < lowest.balance) lowest = {running, days_[index]};
      found = true;
    }
    return lowest;
  }

 private:
  static std::size_t lowest_bit(std::size_t node) { return node & (~node + 1); }

  // Sum of the first count day totals.
  Decimal prefix_sum(std::size_t count) const {
    Decimal sum;
    for (std::size_t node = count; node > 0; node -= lowest_bit(node)) sum += tree_[node - 1];
    return sum;
  }

  void append_tree_node() {
    const std::size_t node = tree_.size() + 1;
    const std::size_t covered_from = node - lowest_bit(node);  // node covers (covered_from, node]
    tree_.push_back(day_totals_[node - 1] + prefix_sum(node - 1) - prefix_sum(covered_from));
  }

  void rebuild_tree() {
    tree_ = day_totals_;
    for (std::size_t node = 1; node <= tree_.size(); ++node) {
      const std::size_t parent = node + lowest_bit(node);
      if (parent <= tree_.size()) tree_[parent - 1] += tree_[node - 1];
    }
  }

  std::vector<int> days_;
  std::vector<Decimal> day_totals_;
  std::vector<Decimal> tree_;
  Decimal total_;
};

}  // namespace commonweal

// commonweal::DatedBalanceIndex: an account's running balance by effective
// date, for "balance as of" in O(log n).
//
// Guarantees
// - balance_through(day) is the sum of every amount added on or before day,
//   in O(log d) where d is the number of distinct days (a Fenwick tree over
//   the sorted days).
// - add() is O(log d) for a day already present or later than every other;
//   a new day earlier than the latest is set aside in O(1) and marks the
//   tree stale (and so is any earlier day's amount while it is stale), and
//   refresh() merges what was set aside and rebuilds the tree once, in
//   O(d + p log p), however many such amounts a batch brought.
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
  // Coefficients are kept as int128 at one scale (the largest seen; the
  // journal passes its unit's scale), in two vectors: the days, and per day
  // its total with its Fenwick node.
  void add(int day, const Decimal& amount) {
    if (amount.scale() > scale_) rescale(amount.scale());
    const detail::int128 value = amount.scale() == scale_
                                     ? amount.coefficient()
                                     : amount.rounded(scale_, RoundingMode::down).coefficient();  // up: exact
    total_ += amount;
    if (!days_.empty() && days_.back() == day) {  // the common case: another amount on the latest day
      nodes_.back().day_total = detail::checked_add(nodes_.back().day_total, value);
      if (!stale_) nodes_.back().tree = detail::checked_add(nodes_.back().tree, value);  // the last node has no parent
      return;
    }
    if (!days_.empty() && day < days_.back()) {
      // A new day before the latest, or any earlier day once the tree is stale: set aside until
      // refresh(), in O(1) (a fund's day totals, read at random, were a cache miss for every amount).
      // Merged early when they outnumber the days, so that they stay O(d) in size.
      if (stale_ || *std::lower_bound(days_.begin(), days_.end(), day) != day) {
        pending_.push_back({day, value});
        stale_ = true;
        if (pending_.size() >= 1024 && pending_.size() >= days_.size()) merge_pending();
        return;
      }
    }
    const auto position = std::lower_bound(days_.begin(), days_.end(), day);
    const auto index = static_cast<std::size_t>(position - days_.begin());
    if (position != days_.end() && *position == day) {
      nodes_[index].day_total = detail::checked_add(nodes_[index].day_total, value);
      if (stale_) return;
      for (std::size_t node = index + 1; node <= nodes_.size(); node += lowest_bit(node)) {
        nodes_[node - 1].tree = detail::checked_add(nodes_[node - 1].tree, value);
      }
      return;
    }
    days_.insert(position, day);
    if (stale_) {
      nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(index), Node{value, 0});
    } else if (index == nodes_.size()) {
      const std::size_t node = index + 1;
      detail::int128 tree = value;
      for (std::size_t child = node - 1; child > node - lowest_bit(node); child -= lowest_bit(child)) {
        tree = detail::checked_add(tree, nodes_[child - 1].tree);
      }
      nodes_.push_back({value, tree});
    } else {  // a new day before the latest: the tree is rebuilt once, by refresh(), not now
      nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(index), Node{value, 0});
      stale_ = true;
    }
  }

  // Rebuilds the tree after back-dated days were added, in O(d). The journal
  // calls it at the end of every post and batch, so readers never see a stale
  // tree; a query on a stale one is still right, by summing day totals.
  void refresh() {
    if (!stale_) return;
    merge_pending();
    rebuild_tree();
    stale_ = false;
  }
  // Puts the days set aside among the others, leaving the tree stale: O(d + p log p).
  // Queries are right without it, but each then merges a copy.
  void merge_pending() {
    if (pending_.empty()) return;
    std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) { return a.day < b.day; });
    std::vector<int> days;
    std::vector<Node> nodes;
    days.reserve(days_.size() + pending_.size());
    nodes.reserve(days_.size() + pending_.size());
    std::size_t i = 0;
    for (const Pending& pending : pending_) {
      while (i < days_.size() && days_[i] < pending.day) {
        days.push_back(days_[i]);
        nodes.push_back(nodes_[i++]);
      }
      if (i < days_.size() && days_[i] == pending.day) {  // a day already present (added before it was set aside)
        nodes_[i].day_total = detail::checked_add(nodes_[i].day_total, pending.value);
      } else if (!days.empty() && days.back() == pending.day) {  // the same day set aside twice
        nodes.back().day_total = detail::checked_add(nodes.back().day_total, pending.value);
      } else {
        days.push_back(pending.day);
        nodes.push_back({pending.value, 0});
      }
    }
    for (; i < days_.size(); ++i) {
      days.push_back(days_[i]);
      nodes.push_back(nodes_[i]);
    }
    days_ = std::move(days);
    nodes_ = std::move(nodes);
    pending_.clear();
  }
  bool stale() const { return stale_; }

  // Brings the latest day and its node into the cache, where the next add most likely goes.
  void prefetch_latest() const {
    if (days_.empty()) return;
    __builtin_prefetch(&days_.back());
    __builtin_prefetch(&nodes_.back());
  }

  Decimal balance_through(int day) const {
    if (!pending_.empty()) return merged().balance_through(day);
    const auto count = static_cast<std::size_t>(
        std::upper_bound(days_.begin(), days_.end(), day) - days_.begin());
    return Decimal::from_coefficient(prefix_sum(count), scale_);
  }

  const Decimal& total() const { return total_; }

  struct Minimum {
    Decimal balance;
    int day;
  };
  Minimum minimum_from(int day) const {
    if (!pending_.empty()) return merged().minimum_from(day);
    auto index = static_cast<std::size_t>(std::lower_bound(days_.begin(), days_.end(), day) - days_.begin());
    detail::int128 running = prefix_sum(index);
    const bool has_day_itself = index < days_.size() && days_[index] == day;
    detail::int128 lowest = running;
    int lowest_day = day;
    bool found = !has_day_itself;
    for (; index < days_.size(); ++index) {
      running = detail::checked_add(running, nodes_[index].day_total);
      if (!found || running < lowest) {
        lowest = running;
        lowest_day = days_[index];
      }
      found = true;
    }
    return {Decimal::from_coefficient(lowest, scale_), lowest_day};
  }

 private:
  struct Node {
    detail::int128 day_total;
    detail::int128 tree;
  };
  struct Pending {
    int day;
    detail::int128 value;
  };

  // A copy with the days set aside merged in (still stale: queries sum day totals).
  DatedBalanceIndex merged() const {
    DatedBalanceIndex copy = *this;
    copy.merge_pending();
    return copy;
  }
  static std::size_t lowest_bit(std::size_t node) { return node & (~node + 1); }

  detail::int128 prefix_sum(std::size_t count) const {
    detail::int128 sum = 0;
    if (stale_) {  // the tree is out of date: sum the day totals themselves
      for (std::size_t i = 0; i < count; ++i) sum = detail::checked_add(sum, nodes_[i].day_total);
      return sum;
    }
    for (std::size_t node = count; node > 0; node -= lowest_bit(node)) sum = detail::checked_add(sum, nodes_[node - 1].tree);
    return sum;
  }

  // Every stored coefficient times 10^(scale - scale_): rare, when an amount has more decimals.
  void rescale(int scale) {
    const int digits = scale - scale_;
    for (Node& node : nodes_) {
      node.day_total = detail::checked_scale_up(node.day_total, digits);
      node.tree = detail::checked_scale_up(node.tree, digits);
    }
    for (Pending& pending : pending_) pending.value = detail::checked_scale_up(pending.value, digits);
    scale_ = scale;
  }

  void rebuild_tree() {
    for (Node& node : nodes_) node.tree = node.day_total;
    for (std::size_t node = 1; node <= nodes_.size(); ++node) {
      const std::size_t parent = node + lowest_bit(node);
      if (parent <= nodes_.size()) nodes_[parent - 1].tree = detail::checked_add(nodes_[parent - 1].tree, nodes_[node - 1].tree);
    }
  }

  std::vector<int> days_;
  std::vector<Node> nodes_;
  std::vector<Pending> pending_;  // new days before the latest, not yet among days_ (their values at scale_)
  Decimal total_;
  int scale_ = 0;
  bool stale_ = false;  // back-dated days were added since the tree was last built
};

}  // namespace commonweal

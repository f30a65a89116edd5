// commonweal::ProviderMonthCounter: how many learning-account spends each
// provider has taken in each calendar month, across ALL citizens, and the
// place of each spend in its provider's month (rule R7's parameter
// learning_max_spends_per_provider_per_month).
//
// The engine derives one citizen (or exchange group) at a time, but this
// limit crosses citizens. So, before deriving, the engine builds one counter
// from every surviving learning spend of the whole ledger, added in the order
// the rules apply them (effective date, then import order). R7 then asks for
// the spend's ordinal: a spend whose ordinal is above the limit in force on
// its date is refused. Because the counter is rebuilt from the replayed
// events, a late spend dated earlier in the month pushes the later ones up,
// and the import that would make an old spend breach the limit is refused.
//
// Guarantees
// - ordinal(id) is 1 for the first spend of a provider in a calendar month,
//   2 for the second, ... in the order the spends were added; 0 for an id
//   never added.
// - count(provider, month) is the number of spends added for it.
// Constraints
// - add() in application order; ids are views of storage that outlives the counter.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "commonweal/core/date.hpp"

namespace commonweal {

class ProviderMonthCounter {
 public:
  // "2024-07": the calendar month of a day, as the counter and its messages name it.
  static std::string month_of(const Date& day) { return format_date(day).substr(0, 7); }

  // Records a spend; returns its ordinal in its provider's month.
  std::uint32_t add(std::string_view provider, const Date& day, std::string_view spend_id, std::string_view citizen) {
    Month& month = months_[{std::string(provider), month_key(day)}];
    month.citizens.push_back(citizen);
    const auto ordinal = static_cast<std::uint32_t>(month.citizens.size());
    ordinals_[spend_id] = ordinal;
    return ordinal;
  }
  std::uint32_t ordinal(std::string_view spend_id) const {
    const auto found = ordinals_.find(spend_id);
    return found == ordinals_.end() ? 0 : found->second;
  }
  std::uint32_t count(const std::string& provider, const Date& day) const {
    const auto found = months_.find({provider, month_key(day)});
    return found == months_.end() ? 0 : static_cast<std::uint32_t>(found->second.citizens.size());
  }
  // The citizens who spent at the provider in the day's month, one per spend, in order.
  const std::vector<std::string_view>* citizens(const std::string& provider, const Date& day) const {
    const auto found = months_.find({provider, month_key(day)});
    return found == months_.end() ? nullptr : &found->second.citizens;
  }
  bool empty() const { return ordinals_.empty(); }

 private:
  struct Month {
    std::vector<std::string_view> citizens;
  };
  static int month_key(const Date& day) {
    return static_cast<int>(day.year()) * 12 + static_cast<int>(static_cast<unsigned>(day.month())) - 1;
  }
  std::map<std::pair<std::string, int>, Month> months_;
  std::unordered_map<std::string_view, std::uint32_t> ordinals_;
};

}  // namespace commonweal

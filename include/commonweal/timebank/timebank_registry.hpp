// commonweal::TimeBankRegistry: the named time banks of a ledger, their
// dated terms (rounding step, credit limit) and their members with dated
// per-member credit-limit overrides (timebanks.csv, members.csv; docs/timebanks.md).
//
// Guarantees
// - Append-only: a bank's terms or a member's row change only by a new row
//   from a later (or earlier) date; the same row again is a no-op; another
//   row for the same bank (and member) and date is an error.
// - terms_at(bank, day) is the row with the latest `from` on or before day;
//   a member counts from their first row's `from` (when they joined).
// - A member's kind (person or organisation) never changes.
// - credit_limit_hours(bank, member, day): the member's override in force
//   that day, else the bank's limit.
// Constraints
// - The chest is not a member: "chest" is reserved as a member id.
#pragma once

#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/date.hpp"
#include "commonweal/core/decimal.hpp"
#include "commonweal/core/error.hpp"

namespace commonweal {

inline constexpr std::string_view timebank_chest_id = "chest";

// A group session's receivers: the counterparty field "M2;M3;M4", split at ';' (empty pieces kept, for messages).
inline std::vector<std::string_view> session_receivers(std::string_view counterparty) {
  std::vector<std::string_view> receivers;
  while (true) {
    const std::size_t semicolon = counterparty.find(';');
    receivers.push_back(counterparty.substr(0, semicolon));
    if (semicolon == std::string_view::npos) return receivers;
    counterparty.remove_prefix(semicolon + 1);
  }
}

struct TimeBankTerms {
  Date from;
  Decimal hours_step;          // positive: every movement is rounded up to a multiple of it
  Decimal credit_limit_hours;  // a member may not go below minus this
  friend bool operator==(const TimeBankTerms& a, const TimeBankTerms& b) {
    return a.from == b.from && a.hours_step == b.hours_step && a.credit_limit_hours == b.credit_limit_hours;
  }
};

enum class MemberKind { person, organisation };
inline std::string_view to_string(MemberKind kind) { return kind == MemberKind::person ? "person" : "organisation"; }
inline std::optional<MemberKind> parse_member_kind(std::string_view text) {
  if (text == "person") return MemberKind::person;
  if (text == "organisation") return MemberKind::organisation;
  return std::nullopt;
}

struct MemberTerms {
  Date from;
  MemberKind kind = MemberKind::person;
  std::optional<Decimal> credit_limit_hours;  // none: the bank's limit
  friend bool operator==(const MemberTerms& a, const MemberTerms& b) {
    return a.from == b.from && a.kind == b.kind && a.credit_limit_hours == b.credit_limit_hours;
  }
};

struct TimeBankRow {
  std::string bank;
  TimeBankTerms terms;
  std::string source;  // "FILE:LINE"
};

struct MemberRow {
  std::string bank;
  std::string member;
  MemberTerms terms;
  std::string source;  // "FILE:LINE"
};

class TimeBankRegistry {
 public:
  // Adds a bank's terms from a date; false when the same row was there (a no-op). Throws on a conflict.
  bool add_bank(const std::string& bank, const TimeBankTerms& terms) {
    return add_dated(banks_[bank].terms, terms, "bank " + bank);
  }
  // Adds a member's row from a date; the bank must be known. Throws on a conflict or a changed kind.
  bool add_member(const std::string& bank, const std::string& member, const MemberTerms& terms) {
    const auto found = banks_.find(bank);
    if (found == banks_.end()) throw Error(ErrorCode::invalid_input, "unknown time bank " + bank);
    if (member == timebank_chest_id) {
      throw Error(ErrorCode::invalid_input, "'chest' is the bank's community chest, not a member id");
    }
    std::vector<MemberTerms>& rows = found->second.members[member];
    if (!rows.empty() && rows.front().kind != terms.kind) {
      throw Error(ErrorCode::invalid_input, "member " + member + " of " + bank + " is a " +
                                                std::string(to_string(rows.front().kind)) + "; a kind never changes");
    }
    return add_dated(rows, terms, "member " + member + " of " + bank);
  }

  bool knows_bank(std::string_view bank) const { return banks_.find(std::string(bank)) != banks_.end(); }
  const TimeBankTerms* terms_at(std::string_view bank, const Date& day) const {
    const auto found = banks_.find(std::string(bank));
    return found == banks_.end() ? nullptr : latest_on(found->second.terms, day);
  }
  // The member's row in force on day; nullptr before they joined or if unknown.
  const MemberTerms* member_at(std::string_view bank, std::string_view member, const Date& day) const {
    const auto found = banks_.find(std::string(bank));
    if (found == banks_.end()) return nullptr;
    const auto rows = found->second.members.find(std::string(member));
    return rows == found->second.members.end() ? nullptr : latest_on(rows->second, day);
  }
  bool knows_member(std::string_view bank, std::string_view member) const {
    const auto found = banks_.find(std::string(bank));
    return found != banks_.end() && found->second.members.count(std::string(member)) != 0;
  }
  // The member's override on day, else the bank's limit; zero when neither has a value.
  Decimal credit_limit_hours(std::string_view bank, std::string_view member, const Date& day) const {
    const MemberTerms* row = member_at(bank, member, day);
    if (row != nullptr && row->credit_limit_hours) return *row->credit_limit_hours;
    const TimeBankTerms* terms = terms_at(bank, day);
    return terms == nullptr ? Decimal() : terms->credit_limit_hours;
  }

  struct Bank {
    std::vector<TimeBankTerms> terms;                         // by from
    std::map<std::string, std::vector<MemberTerms>> members;  // member -> rows by from
  };
  const std::map<std::string, Bank>& all() const { return banks_; }

 private:
  template <class Row>
  static bool add_dated(std::vector<Row>& rows, const Row& row, const std::string& what) {
    auto at = rows.begin();
    while (at != rows.end() && at->from < row.from) ++at;
    if (at != rows.end() && at->from == row.from) {
      if (*at == row) return false;
      throw Error(ErrorCode::invalid_input, what + " already has another row from " + format_date(row.from) +
                                                "; a change is a new row from another date");
    }
    rows.insert(at, row);
    return true;
  }
  template <class Row>
  static const Row* latest_on(const std::vector<Row>& rows, const Date& day) {
    const Row* found = nullptr;
    for (const Row& row : rows) {
      if (day < row.from) break;
      found = &row;
    }
    return found;
  }

  std::map<std::string, Bank> banks_;
};

}  // namespace commonweal

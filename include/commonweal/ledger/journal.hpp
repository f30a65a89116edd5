// commonweal::Journal: the append-only, double-entry journal, in memory.
//
// Guarantees
// - Append-only: entries are never changed or removed; a correction is a
//   reversal entry (reverse()) that negates the original's postings at the
//   original's effective date.
// - Every entry balances: per unit, its postings sum to exactly zero, and
//   each posting's unit is its account's unit.
// - Idempotent: posting an id again with the same content is a no-op that
//   reports already_present; with other content it throws Error(conflict).
// - Limits: an entry that would take any account below its lower limit on
//   any effective date is refused (Error(limit_breached)).
// - All or nothing: post() and post_batch() either apply every entry (and
//   open every account given) or throw and leave the journal exactly as it was.
// - Recorded moments never go back: each entry's recorded_at is at or after
//   the previous one's, so "as known at" is a prefix of the journal.
// - balance() with current knowledge is O(log n) in the account's postings;
//   "as known at" an earlier moment scans that account's postings only.
// Constraints
// - Accounts must be opened before entries post to them.
// - Not thread-safe for writers; concurrent const reads are safe.
#pragma once

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commonweal/ledger/account.hpp"
#include "commonweal/ledger/dated_balance_index.hpp"
#include "commonweal/ledger/entry.hpp"

namespace commonweal {

enum class PostOutcome { posted, already_present };

// One posting as an account sees it: which entry, its effective day, the amount.
struct AccountPosting {
  std::uint32_t entry_position;  // index into Journal::entries()
  int day;                       // day_number(effective date)
  Decimal amount;
};

class Journal {
 public:
  // Opens an account; the same account again is a no-op, a different one with
  // the same name is Error(conflict).
  void open_account(const Account& account) {
    const auto found = account_index_.find(account.name);
    if (found != account_index_.end()) {
      if (accounts_[found->second].account == account) return;
      throw Error(ErrorCode::conflict, "account " + account.name + " is already open with another unit or limit");
    }
    account_index_.emplace(account.name, static_cast<std::uint32_t>(accounts_.size()));
    accounts_.push_back(AccountState{account, {}, {}});
  }

  bool has_account(std::string_view name) const { return account_index_.count(std::string(name)) != 0; }
  const Account& account(std::string_view name) const { return accounts_[account_position(name)].account; }

  PostOutcome post(Entry entry) {
    const Checkpoint checkpoint = make_checkpoint();
    try {
      return apply(std::move(entry));
    } catch (...) {
      rollback_to(checkpoint);
      throw;
    }
  }

  // Posts every entry, or none: the first failure undoes the ones before it,
  // and the accounts opened for the batch with it. Returns how many entries
  // were new (the rest were already present).
  std::size_t post_batch(std::span<const Entry> batch, std::span<const Account> accounts_to_open = {}) {
    return post_batch(std::vector<Entry>(batch.begin(), batch.end()), accounts_to_open);
  }

  // The same, taking the entries over instead of copying them.
  std::size_t post_batch(std::vector<Entry>&& batch, std::span<const Account> accounts_to_open = {}) {
    const Checkpoint checkpoint = make_checkpoint();
    entries_.reserve(entries_.size() + batch.size());
    entry_index_.reserve(entry_index_.size() + batch.size());
    std::size_t posted = 0;
    try {
      for (const Account& account : accounts_to_open) open_account(account);
      for (Entry& entry : batch) posted += apply(std::move(entry)) == PostOutcome::posted ? 1 : 0;
    } catch (...) {
      rollback_to(checkpoint);
      throw;
    }
    return posted;
  }

  // Posts reversal_id: the original's postings negated, at the original's
  // effective date. An entry is reversed at most once; reversals are not reversed.
  PostOutcome reverse(std::string_view original_id, std::string reversal_id, Moment recorded_at,
                      std::string memo = {}) {
    const Entry& original = entry(original_id);
    Entry reversal{std::move(reversal_id), original.effective_date, recorded_at, "reversal", std::move(memo),
                   {}, original.id};
    reversal.postings.reserve(original.postings.size());
    for (const Posting& posting : original.postings) reversal.postings.push_back({posting.account, -posting.amount});
    return post(std::move(reversal));
  }

  const Entry* find(std::string_view id) const {
    const auto found = entry_index_.find(std::string(id));
    return found == entry_index_.end() ? nullptr : &entries_[found->second];
  }
  const Entry& entry(std::string_view id) const {
    if (const Entry* found = find(id)) return *found;
    throw Error(ErrorCode::not_found, "no entry with id " + std::string(id));
  }
  // The id of the entry that reverses id, or empty.
  std::string reversed_by(std::string_view id) const {
    const auto found = reversed_by_.find(std::string(id));
    return found == reversed_by_.end() ? std::string() : entries_[found->second].id;
  }

  std::span<const Entry> entries() const { return entries_; }
  std::size_t entry_count() const { return entries_.size(); }
  std::size_t account_count() const { return accounts_.size(); }
  std::optional<Moment> last_recorded_at() const { return last_recorded_at_; }

  // The account's balance, in its unit's scale: postings effective on or
  // before as_of (all if none), recorded at or before as_known_at (all if none).
  Decimal balance(std::string_view account_name, std::optional<Date> as_of = std::nullopt,
                  std::optional<Moment> as_known_at = std::nullopt) const {
    const AccountState& state = accounts_[account_position(account_name)];
    const int scale = state.account.unit.scale();
    const bool knows_everything = !as_known_at || (last_recorded_at_ && *as_known_at >= *last_recorded_at_);
    if (knows_everything) {
      const Decimal sum = as_of ? state.by_date.balance_through(day_number(*as_of)) : state.by_date.total();
      return sum.rounded(scale, RoundingMode::down);  // exact: amounts already have this scale
    }
    // Postings are in append order, so recorded moments are non-decreasing.
    const auto known_end = std::partition_point(
        state.postings.begin(), state.postings.end(),
        [&](const PostingRecord& record) { return entries_[record.entry_position].recorded_at <= *as_known_at; });
    const int as_of_day = as_of ? day_number(*as_of) : INT32_MAX;
    Decimal sum;
    for (auto record = state.postings.begin(); record != known_end; ++record) {
      if (record->day <= as_of_day) sum += record->amount;
    }
    return sum.rounded(scale, RoundingMode::down);
  }

  // The account's postings in the order they were posted (recorded moments
  // non-decreasing); empty for an account that was never opened.
  std::span<const AccountPosting> postings_of(std::string_view account_name) const {
    const auto found = account_index_.find(std::string(account_name));
    if (found == account_index_.end()) return {};
    return accounts_[found->second].postings;
  }

  // Every invariant, checked from scratch: entries balance per unit, each
  // account's index equals the sum of its postings, no limit is breached.
  // Returns one sentence per problem; empty when all hold.
  std::vector<std::string> check_invariants() const;

 private:
  using PostingRecord = AccountPosting;
  struct AccountState {
    Account account;
    std::vector<PostingRecord> postings;  // append order
    DatedBalanceIndex by_date;
  };
  struct Checkpoint {
    std::size_t entry_count;
    std::size_t account_count;
    std::optional<Moment> last_recorded_at;
  };

  std::uint32_t account_position(std::string_view name) const {
    const auto found = account_index_.find(std::string(name));
    if (found == account_index_.end()) throw Error(ErrorCode::not_found, "no account named " + std::string(name));
    return found->second;
  }

  Checkpoint make_checkpoint() const { return {entries_.size(), accounts_.size(), last_recorded_at_}; }

  using AccountPositions = boost::container::small_vector<std::uint32_t, 4>;
  PostOutcome apply(Entry entry);
  void validate(const Entry& entry, AccountPositions& positions) const;
  void check_limits(const Entry& entry, const AccountPositions& positions) const;
  // The first unit whose postings in entry do not sum to zero, with that sum.
  static std::optional<Amount> unbalanced_unit(const Entry& entry);
  void rollback_to(const Checkpoint& checkpoint);

  std::vector<AccountState> accounts_;
  std::unordered_map<std::string, std::uint32_t> account_index_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::uint32_t> entry_index_;
  std::unordered_map<std::string, std::uint32_t> reversed_by_;  // original id -> reversal position
  std::optional<Moment> last_recorded_at_;
};

inline PostOutcome Journal::apply(Entry entry) {
  const auto entry_position = static_cast<std::uint32_t>(entries_.size());
  const auto [slot, inserted] = entry_index_.try_emplace(entry.id, entry_position);  // one hash for both jobs
  if (!inserted) {
    if (entries_[slot->second].same_content(entry)) return PostOutcome::already_present;
    throw Error(ErrorCode::conflict, "entry id " + entry.id + " is already used by an entry with other content");
  }
  AccountPositions positions;
  try {
    validate(entry, positions);
  } catch (...) {
    entry_index_.erase(slot);
    throw;
  }
  if (!entry.reverses.empty()) reversed_by_.emplace(entry.reverses, entry_position);
  last_recorded_at_ = entry.recorded_at;
  entries_.push_back(std::move(entry));
  const Entry& stored = entries_.back();
  const int day = day_number(stored.effective_date);
  for (std::size_t i = 0; i < positions.size(); ++i) {  // a throw here is undone by rollback_to
    AccountState& state = accounts_[positions[i]];
    const Decimal& amount = stored.postings[i].amount.value();
    state.by_date.add(day, amount);
    state.postings.push_back({entry_position, day, amount});
  }
  check_limits(entries_.back(), positions);  // on failure post() rolls back
  return PostOutcome::posted;
}

inline std::optional<Amount> Journal::unbalanced_unit(const Entry& entry) {
  boost::container::small_vector<Amount, 2> sums;
  for (const Posting& posting : entry.postings) {
    const auto sum = std::find_if(sums.begin(), sums.end(), [&](const Amount& s) { return s.unit() == posting.amount.unit(); });
    if (sum == sums.end()) {
      sums.push_back(posting.amount);
    } else {
      *sum = *sum + posting.amount;
    }
  }
  for (const Amount& sum : sums) {
    if (!sum.value().is_zero()) return sum;
  }
  return std::nullopt;
}

inline void Journal::validate(const Entry& entry, AccountPositions& positions) const {
  const auto refuse = [&](ErrorCode code, const std::string& reason) {
    return Error(code, "entry " + entry.id + " is refused: " + reason);
  };
  if (entry.id.empty()) throw Error(ErrorCode::invalid_argument, "an entry needs an id");
  if (entry.postings.empty()) throw refuse(ErrorCode::unbalanced_entry, "it has no postings");
  if (!entry.effective_date.ok()) throw refuse(ErrorCode::invalid_argument, "its effective date is not a day");
  if (last_recorded_at_ && entry.recorded_at < *last_recorded_at_) {
    throw refuse(ErrorCode::invalid_argument, "it is recorded at " + format_moment(entry.recorded_at) +
                                                  ", before the last entry (" + format_moment(*last_recorded_at_) + ")");
  }
  if (!entry.reverses.empty()) {
    const Entry& original = this->entry(entry.reverses);
    if (!original.reverses.empty()) throw refuse(ErrorCode::invalid_argument, "a reversal cannot itself be reversed");
    if (reversed_by_.count(entry.reverses) != 0) {
      throw refuse(ErrorCode::conflict, "entry " + entry.reverses + " is already reversed by " + reversed_by(entry.reverses));
    }
  }
  for (const Posting& posting : entry.postings) {
    const auto found = account_index_.find(posting.account);
    if (found == account_index_.end()) throw refuse(ErrorCode::not_found, "no account named " + posting.account);
    const Account& account = accounts_[found->second].account;
    if (!(posting.amount.unit() == account.unit)) {
      throw refuse(ErrorCode::unit_mismatch, "posting " + posting.amount.to_string() + " to " + account.name +
                                                 ", which holds " + std::string(account.unit.code()));
    }
    positions.push_back(found->second);
  }
  if (const auto sum = unbalanced_unit(entry)) {
    throw refuse(ErrorCode::unbalanced_entry, "its " + std::string(sum->unit().code()) + " postings sum to " +
                                                  sum->value().to_string() + ", not zero");
  }
}

inline void Journal::check_limits(const Entry& entry, const AccountPositions& positions) const {
  const int day = day_number(entry.effective_date);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const AccountState& state = accounts_[positions[i]];
    if (!state.account.lower_limit || entry.postings[i].amount.value().sign() >= 0) continue;
    const DatedBalanceIndex::Minimum lowest = state.by_date.minimum_from(day);
    if (lowest.balance < *state.account.lower_limit) {
      throw Error(ErrorCode::limit_breached,
                  "entry " + entry.id + " is refused: posting " + entry.postings[i].amount.to_string() + " to " +
                      state.account.name + " on " + format_date(entry.effective_date) + " would take its balance to " +
                      lowest.balance.rounded(state.account.unit.scale(), RoundingMode::down).to_string() + " on " +
                      format_date(date_from_day_number(lowest.day)) + ", below its limit " +
                      state.account.lower_limit->to_string());
    }
  }
}

inline void Journal::rollback_to(const Checkpoint& checkpoint) {
  while (entries_.size() > checkpoint.entry_count) {
    const Entry& entry = entries_.back();
    const auto entry_position = static_cast<std::uint32_t>(entries_.size() - 1);
    for (const Posting& posting : entry.postings) {
      AccountState& state = accounts_[account_index_.at(posting.account)];
      if (state.postings.empty() || state.postings.back().entry_position != entry_position) continue;
      state.by_date.add(state.postings.back().day, -state.postings.back().amount);
      state.postings.pop_back();
    }
    if (!entry.reverses.empty()) reversed_by_.erase(entry.reverses);
    entry_index_.erase(entry.id);
    entries_.pop_back();
  }
  while (accounts_.size() > checkpoint.account_count) {
    account_index_.erase(accounts_.back().account.name);
    accounts_.pop_back();
  }
  last_recorded_at_ = checkpoint.last_recorded_at;
}

inline std::vector<std::string> Journal::check_invariants() const {
  std::vector<std::string> problems;
  for (const Entry& entry : entries_) {
    if (const auto sum = unbalanced_unit(entry)) problems.push_back("entry " + entry.id + " does not balance: " + sum->to_string());
  }
  for (const AccountState& state : accounts_) {
    Decimal sum;
    for (const PostingRecord& record : state.postings) sum += record.amount;
    if (sum != state.by_date.total()) {
      problems.push_back("account " + state.account.name + ": index total " + state.by_date.total().to_string() +
                         " differs from its postings' sum " + sum.to_string());
    }
    if (state.account.lower_limit && !state.postings.empty()) {
      const DatedBalanceIndex::Minimum lowest = state.by_date.minimum_from(INT32_MIN);
      if (lowest.balance < *state.account.lower_limit) {
        problems.push_back("account " + state.account.name + " is at " + lowest.balance.to_string() + " on " +
                           format_date(date_from_day_number(lowest.day)) + ", below its limit");
      }
    }
  }
  return problems;
}

}  // namespace commonweal

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
//   open every account given) or throw and leave the journal exactly as it was;
//   so does a Batch given in parts, which stands only once committed.
// - Recorded moments never go back: each entry's recorded_at is at or after
//   the previous one's, so "as known at" is a prefix of the journal.
// - balance() with current knowledge is O(log n) in the account's postings;
//   "as known at" an earlier moment scans that account's postings only.
// - Each account keeps its postings in 16 bytes each (entry, day, amount in
//   the unit's minor units as 64 bits); a posting whose amount does not fit
//   64-bit minor units is refused (Error(overflow)), never wrapped.
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
#include "commonweal/ledger/name_index.hpp"

namespace commonweal {

enum class PostOutcome { posted, already_present };

// One posting as an account sees it: which entry, its effective day, the amount.
struct AccountPosting {
  std::uint32_t entry_position;  // index into Journal::entries()
  int day;                       // day_number(effective date)
  Decimal amount;
};

// An account's postings in the order they were posted, read as AccountPostings
// (made on the fly from the journal's 16-byte records; the amounts at the unit's scale).
class AccountPostings {
 public:
  struct Record {
    std::uint32_t entry_position;
    int day;
    std::int64_t amount_minor;  // the amount's coefficient at the account unit's scale
  };
  class iterator {
   public:
    using value_type = AccountPosting;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const Record* at, int scale) : at_(at), scale_(scale) {}
    AccountPosting operator*() const {
      return {at_->entry_position, at_->day, Decimal::from_coefficient(at_->amount_minor, scale_)};
    }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++at_;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

   private:
    const Record* at_ = nullptr;
    int scale_ = 0;
  };
  AccountPostings() = default;
  AccountPostings(std::span<const Record> records, int scale) : records_(records), scale_(scale) {}
  iterator begin() const { return {records_.data(), scale_}; }
  iterator end() const { return {records_.data() + records_.size(), scale_}; }
  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  AccountPosting operator[](std::size_t i) const { return *iterator(records_.data() + i, scale_); }

 private:
  std::span<const Record> records_;
  int scale_ = 0;
};

class Journal {
 public:
  // Opens an account; the same account again is a no-op, a different one with
  // the same name is Error(conflict).
  void open_account(const Account& account) {
    const std::uint64_t hash = NameIndex::hash_of(account.name);
    const std::uint32_t found = account_index_.find(account.name, hash, account_name_of());
    if (found != NameIndex::absent) {
      if (accounts_[found].account == account) return;
      throw Error(ErrorCode::conflict, "account " + account.name + " is already open with another unit or limit");
    }
    const auto position = static_cast<std::uint32_t>(accounts_.size());
    const std::uint32_t name_index = AccountName(account.name).index();
    if (position_by_name_.size() <= name_index) {
      position_by_name_.resize(std::max<std::size_t>(name_index + 1, 2 * position_by_name_.size()), NameIndex::absent);
    }
    account_index_.insert(hash, position);
    accounts_.push_back(AccountState{account, {}, {}});
    position_by_name_[name_index] = position;  // last: a throw before leaves both indexes as they were
  }

  // Room for entry_count entries in all without reallocating the entry store or its id index.
  void reserve(std::size_t entry_count) {
    entries_.reserve(entry_count);
    entry_index_.reserve(entry_count);
  }

  bool has_account(std::string_view name) const { return find_account(name) != NameIndex::absent; }
  const Account& account(std::string_view name) const { return accounts_[account_position(name)].account; }

  PostOutcome post(Entry entry) {
    const Checkpoint checkpoint = make_checkpoint();
    try {
      const PostOutcome outcome = apply(std::move(entry));
      refresh_indexes();
      return outcome;
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
    Batch transaction(*this);
    const std::size_t posted = transaction.post(batch, accounts_to_open);
    transaction.commit();
    return posted;
  }

 private:
  struct Checkpoint {
    std::size_t entry_count;
    std::size_t account_count;
    std::optional<Moment> last_recorded_at;
  };

 public:
  // One batch posted in parts, for a writer that produces entries as it goes
  // and should not hold them all: every part is applied when given (and then
  // visible), but the batch stands only once commit() is called. A Batch
  // destroyed before that (an exception in a part, or in the writer between
  // parts) undoes every part and the accounts opened with them, as
  // post_batch() does. Balance indexes left stale by back-dated postings are
  // rebuilt by commit(); queries in between are right, only slower.
  class Batch {
   public:
    explicit Batch(Journal& journal) : journal_(journal), checkpoint_(journal.make_checkpoint()) {}
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    ~Batch() {
      if (!done_) journal_.rollback_to(checkpoint_);
    }

    // Applies the entries (moved out of `entries`), opening accounts_to_open
    // first; with open_missing, an account an entry names that is not open is
    // opened with that posting's unit and no limit. Returns how many entries
    // were new. A throw leaves the batch to be undone by its destructor.
    std::size_t post(std::span<Entry> entries, std::span<const Account> accounts_to_open = {},
                     bool open_missing = false) {
      journal_.make_room(entries.size());
      for (const Account& account : accounts_to_open) journal_.open_account(account);
      // In chunks, so that the hashes and resolved accounts stay in the cache.
      constexpr std::size_t chunk_size = 4096;
      std::size_t posted = 0;
      for (std::size_t first = 0; first < entries.size(); first += chunk_size) {
        posted += journal_.post_chunk(entries.subspan(first, std::min(chunk_size, entries.size() - first)), open_missing);
      }
      return posted;
    }
    void commit() {
      journal_.refresh_indexes();
      done_ = true;
    }

   private:
    Journal& journal_;
    Checkpoint checkpoint_;
    bool done_ = false;
  };

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
    const std::uint32_t found = entry_index_.find(id, NameIndex::hash_of(id), entry_id_of());
    return found == NameIndex::absent ? nullptr : &entries_[found];
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
    detail::int128 sum = 0;  // at most 2^32 postings of |amount| < 2^63: cannot overflow
    for (auto record = state.postings.begin(); record != known_end; ++record) {
      if (record->day <= as_of_day) sum += record->amount_minor;
    }
    return Decimal::from_coefficient(sum, scale);
  }

  // The account's postings in the order they were posted (recorded moments
  // non-decreasing); empty for an account that was never opened.
  AccountPostings postings_of(std::string_view account_name) const {
    const std::uint32_t found = find_account(account_name);
    if (found == NameIndex::absent) return {};
    const AccountState& state = accounts_[found];
    return AccountPostings(state.postings, state.account.unit.scale());
  }

  // Every invariant, checked from scratch: entries balance per unit, each
  // account's index equals the sum of its postings, no limit is breached.
  // Returns one sentence per problem; empty when all hold.
  std::vector<std::string> check_invariants() const;

 private:
  using PostingRecord = AccountPostings::Record;
  struct AccountState {
    Account account;
    std::vector<PostingRecord> postings;  // append order
    DatedBalanceIndex by_date;
  };

  std::uint32_t account_position(std::string_view name) const {
    const std::uint32_t found = find_account(name);
    if (found == NameIndex::absent) throw Error(ErrorCode::not_found, "no account named " + std::string(name));
    return found;
  }

  // Rebuilds the balance indexes that back-dated postings left stale.
  void refresh_indexes() {
    for (const std::uint32_t position : stale_accounts_) {
      if (position < accounts_.size()) accounts_[position].by_date.refresh();
    }
    stale_accounts_.clear();
  }

  // Room for count more entries. The store grows by half as much again as it
  // needs, at least: every growth moves every entry, and capacity not yet
  // used costs address space, not memory.
  void make_room(std::size_t count) {
    const std::size_t needed = entries_.size() + count;
    if (needed > entries_.capacity()) entries_.reserve(std::max(needed + needed / 2, entries_.capacity() * 2));
    entry_index_.reserve(needed);
  }

  Checkpoint make_checkpoint() const { return {entries_.size(), accounts_.size(), last_recorded_at_}; }

  using AccountPositions = boost::container::small_vector<std::uint32_t, 4>;
  // Posts a chunk of a batch: ids hashed and accounts resolved first, then
  // each entry applied while the index slots and account states of the ones
  // a few places ahead are prefetched (on a large journal each is a cache miss).
  std::size_t post_chunk(std::span<Entry> chunk, bool open_missing) {
    const std::vector<std::uint64_t> id_hashes = hash_ids(chunk);
    ResolvedAccounts resolved = resolve_accounts(chunk);
    if (open_missing) open_missing_accounts(chunk, resolved);
    constexpr std::size_t ahead = 8;
    std::size_t posted = 0;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      if (i + ahead < chunk.size()) {
        entry_index_.prefetch(id_hashes[i + ahead]);
        for (std::size_t k = resolved.first[i + ahead]; k < resolved.first[i + ahead + 1]; ++k) {
          if (resolved.positions[k] != NameIndex::absent) __builtin_prefetch(&accounts_[resolved.positions[k]]);
        }
      }
      if (i + ahead / 2 < chunk.size()) {
        for (std::size_t k = resolved.first[i + ahead / 2]; k < resolved.first[i + ahead / 2 + 1]; ++k) {
          if (resolved.positions[k] == NameIndex::absent) continue;
          const AccountState& state = accounts_[resolved.positions[k]];
          state.by_date.prefetch_latest();
          if (!state.postings.empty()) __builtin_prefetch(&state.postings.back() + 1);
        }
      }
      const std::span<const std::uint32_t> positions(resolved.positions.data() + resolved.first[i],
                                                     resolved.first[i + 1] - resolved.first[i]);
      posted += apply(std::move(chunk[i]), id_hashes[i], positions) == PostOutcome::posted ? 1 : 0;
    }
    return posted;
  }

  PostOutcome apply(Entry entry) {
    const std::uint64_t id_hash = NameIndex::hash_of(entry.id);
    AccountPositions positions;
    for (const Posting& posting : entry.postings) positions.push_back(find_posting_account(posting.account));
    return apply(std::move(entry), id_hash, std::span<const std::uint32_t>(positions.data(), positions.size()));
  }
  // positions: each posting's account (NameIndex::absent if there is none), resolved beforehand.
  PostOutcome apply(Entry entry, std::uint64_t id_hash, std::span<const std::uint32_t> positions);

  static std::vector<std::uint64_t> hash_ids(std::span<const Entry> batch) {
    std::vector<std::uint64_t> hashes(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) hashes[i] = NameIndex::hash_of(batch[i].id);
    return hashes;
  }
  struct ResolvedAccounts {
    std::vector<std::uint32_t> positions;  // every posting's account, entry after entry
    std::vector<std::size_t> first;        // where entry i's postings start; one more at the end
  };
  // Every posting's account, by its name's dense index (AccountName::index()): one read of a
  // small table, no hashing and no comparison of names.
  ResolvedAccounts resolve_accounts(std::span<const Entry> batch) const {
    ResolvedAccounts resolved;
    resolved.first.reserve(batch.size() + 1);
    for (const Entry& entry : batch) {
      resolved.first.push_back(resolved.positions.size());
      for (const Posting& posting : entry.postings) resolved.positions.push_back(find_posting_account(posting.account));
    }
    resolved.first.push_back(resolved.positions.size());
    return resolved;
  }
  // Opens every account a posting names that resolved to none, with the posting's unit and no limit.
  void open_missing_accounts(std::span<const Entry> chunk, ResolvedAccounts& resolved) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      for (std::size_t k = resolved.first[i]; k < resolved.first[i + 1]; ++k) {
        if (resolved.positions[k] != NameIndex::absent) continue;
        const Posting& posting = chunk[i].postings[k - resolved.first[i]];
        std::uint32_t position = find_posting_account(posting.account);  // opened for an earlier posting of the chunk?
        if (position == NameIndex::absent) {
          position = static_cast<std::uint32_t>(accounts_.size());
          open_account(Account(posting.account, posting.amount.unit()));
        }
        resolved.positions[k] = position;
      }
    }
  }
  void validate(const Entry& entry, std::span<const std::uint32_t> positions) const;
  void check_limits(const Entry& entry, std::span<const std::uint32_t> positions) const;
  // The first unit whose postings in entry do not sum to zero, with that sum.
  static std::optional<Amount> unbalanced_unit(const Entry& entry);
  void rollback_to(const Checkpoint& checkpoint);

  std::vector<AccountState> accounts_;
  // Two indexes of the same accounts, kept in step by open_account and rollback_to: postings find
  // theirs by the interned name's number; a lookup by text (balance, postings_of, has_account) uses
  // account_index_, so that reading neither interns the text nor takes the process table's lock.
  NameIndex account_index_;  // account name -> position in accounts_
  std::vector<std::uint32_t> position_by_name_;  // AccountName::index() -> position in accounts_, or absent
  std::vector<Entry> entries_;
  NameIndex entry_index_;  // entry id -> position in entries_
  struct AccountNameOf {
    const Journal* journal;
    std::string_view operator()(std::uint32_t position) const { return journal->accounts_[position].account.name; }
  };
  struct EntryIdOf {
    const Journal* journal;
    std::string_view operator()(std::uint32_t position) const { return journal->entries_[position].id; }
  };
  AccountNameOf account_name_of() const { return AccountNameOf{this}; }
  EntryIdOf entry_id_of() const { return EntryIdOf{this}; }
  std::uint32_t find_account(std::string_view name) const {
    return account_index_.find(name, NameIndex::hash_of(name), account_name_of());
  }
  std::uint32_t find_posting_account(const AccountName& name) const {
    const std::uint32_t k = name.index();
    return k < position_by_name_.size() ? position_by_name_[k] : NameIndex::absent;
  }
  std::unordered_map<std::string, std::uint32_t> reversed_by_;  // original id -> reversal position
  std::vector<std::uint32_t> stale_accounts_;  // accounts whose balance index awaits refresh()
  std::optional<Moment> last_recorded_at_;
};

inline PostOutcome Journal::apply(Entry entry, std::uint64_t id_hash, std::span<const std::uint32_t> positions) {
  const auto entry_position = static_cast<std::uint32_t>(entries_.size());
  const std::uint32_t existing = entry_index_.find(entry.id, id_hash, entry_id_of());  // one hash for both jobs
  if (existing != NameIndex::absent) {
    if (entries_[existing].same_content(entry)) return PostOutcome::already_present;
    throw Error(ErrorCode::conflict, "entry id " + entry.id + " is already used by an entry with other content");
  }
  validate(entry, positions);
  if (!entry.reverses.empty()) reversed_by_.emplace(entry.reverses, entry_position);
  last_recorded_at_ = entry.recorded_at;
  entries_.push_back(std::move(entry));
  entry_index_.insert(id_hash, entry_position);  // after the push: a rollback finds both or neither
  const Entry& stored = entries_.back();
  const int day = day_number(stored.effective_date);
  for (std::size_t i = 0; i < positions.size(); ++i) {  // a throw here is undone by rollback_to
    AccountState& state = accounts_[positions[i]];
    const Decimal& amount = stored.postings[i].amount.value();
    const bool was_stale = state.by_date.stale();
    state.by_date.add(day, amount);
    if (!was_stale && state.by_date.stale()) stale_accounts_.push_back(positions[i]);
    if (state.account.lower_limit && amount.sign() < 0) state.by_date.merge_pending();  // check_limits reads it
    state.postings.push_back({entry_position, day, static_cast<std::int64_t>(amount.coefficient())});  // validate() checked the fit
  }
  check_limits(entries_.back(), positions);  // on failure post() rolls back
  return PostOutcome::posted;
}

inline std::optional<Amount> Journal::unbalanced_unit(const Entry& entry) {
  struct UnitSum {
    Unit unit;
    Decimal sum;
  };
  boost::container::small_vector<UnitSum, 2> sums;
  for (const Posting& posting : entry.postings) {
    const Unit unit = posting.amount.unit();
    const auto sum = std::find_if(sums.begin(), sums.end(), [&](const UnitSum& s) { return s.unit == unit; });
    if (sum == sums.end()) {
      sums.push_back({unit, posting.amount.value()});
    } else {
      sum->sum += posting.amount.value();
    }
  }
  for (const UnitSum& sum : sums) {
    if (!sum.sum.is_zero()) return Amount(sum.sum, sum.unit);
  }
  return std::nullopt;
}

inline void Journal::validate(const Entry& entry, std::span<const std::uint32_t> positions) const {
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
  for (std::size_t i = 0; i < entry.postings.size(); ++i) {
    const Posting& posting = entry.postings[i];
    if (positions[i] == NameIndex::absent) throw refuse(ErrorCode::not_found, "no account named " + posting.account);
    const Account& account = accounts_[positions[i]].account;
    if (!(posting.amount.unit() == account.unit)) {
      throw refuse(ErrorCode::unit_mismatch, "posting " + posting.amount.to_string() + " to " + account.name +
                                                 ", which holds " + std::string(account.unit.code()));
    }
    if (!detail::fits_int64(posting.amount.value().coefficient())) {
      throw refuse(ErrorCode::overflow, "posting " + posting.amount.to_string() + " to " + account.name +
                                            " does not fit 64-bit minor units");
    }
  }
  if (const auto sum = unbalanced_unit(entry)) {
    throw refuse(ErrorCode::unbalanced_entry, "its " + std::string(sum->unit().code()) + " postings sum to " +
                                                  sum->value().to_string() + ", not zero");
  }
}

inline void Journal::check_limits(const Entry& entry, std::span<const std::uint32_t> positions) const {
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
      AccountState& state = accounts_[find_posting_account(posting.account)];
      if (state.postings.empty() || state.postings.back().entry_position != entry_position) continue;
      const bool was_stale = state.by_date.stale();
      state.by_date.add(state.postings.back().day,
                        -Decimal::from_coefficient(state.postings.back().amount_minor, state.account.unit.scale()));
      if (!was_stale && state.by_date.stale()) stale_accounts_.push_back(static_cast<std::uint32_t>(&state - accounts_.data()));
      state.postings.pop_back();
    }
    if (!entry.reverses.empty()) reversed_by_.erase(entry.reverses);
    entry_index_.erase(NameIndex::hash_of(entry.id), entry_position);
    entries_.pop_back();
  }
  refresh_indexes();
  while (accounts_.size() > checkpoint.account_count) {
    account_index_.erase(NameIndex::hash_of(accounts_.back().account.name),
                         static_cast<std::uint32_t>(accounts_.size() - 1));
    position_by_name_[AccountName(accounts_.back().account.name).index()] = NameIndex::absent;
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
    detail::int128 minor_sum = 0;
    for (const PostingRecord& record : state.postings) minor_sum += record.amount_minor;
    const Decimal sum = Decimal::from_coefficient(minor_sum, state.account.unit.scale());
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

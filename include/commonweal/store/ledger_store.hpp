// commonweal::LedgerStore: a ledger kept in one SQLite file (docs/storage.md).
//
// The store keeps the inputs (citizens, events, providers, the scheme and
// reform texts, each advance of the clock) and every journal entry the
// engine posted, append-only. Opening a ledger rebuilds the engine from
// them (Engine::restore) without deriving anything again.
//
// Guarantees
// - import(), advance() and set_scheme() are one SQLite transaction each:
//   all of it is stored, or none (a crash, a refusal, a bad row). On an
//   error nothing in the file changes.
// - Tamper evidence: each entry carries a SHA-256 hash chained over the
//   previous entry's; each operation (import, advance, scheme change) a hash
//   chained over the previous operation's, its inputs' and the entry chain's
//   head. Each operation appends that head to PATH.anchors; verify() checks
//   both chains, that every recorded head is still reached, and every
//   invariant of the journal and the rules.
// - Readers see a consistent snapshot while a writer works (WAL); a busy
//   file is waited on (10 s by default) before Error(environment).
// - A refused import changes nothing, except that a refused learning-account
//   spend is logged (refusals()) in a transaction of its own after the rollback.
// - A file made by a newer schema version is refused with Error(environment);
//   older versions are migrated forward on open.
// Constraints
// - Amounts are stored in minor units (pence, hundredths of an hour) as
//   64-bit integers: a posting beyond ±92 233 720 368 547 758.07 is refused.
// - One writer at a time (SQLite's lock); one LedgerStore per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commonweal/lifecycle/engine.hpp"
#include "commonweal/store/journal_table.hpp"

namespace commonweal {

struct Statement;
struct BudgetStatement;

// A scheme or reform file as the store keeps it: its name and its bytes.
struct SchemeText {
  std::string name;
  std::string yaml;
  static SchemeText from_file(const std::string& path);
};

struct SchemeInfo {
  std::string scheme_name, scheme_sha256;
  std::optional<std::string> reform_name, reform_sha256;
  Moment installed_at;
};

struct StoredChange {
  ChangeSummary summary;
  Moment recorded_at;
  std::string chain_head;  // hex SHA-256 of the operation; empty when nothing was stored
  bool stored = false;     // false: nothing new (a repeated import)
};

// A learning-account spend the rules refused (an unaccredited provider, a
// spending limit). Logged outside the hash chain, once per event id and reason.
struct RefusedSpend {
  std::string event_id, citizen, provider;
  Date date;
  Decimal amount;
  std::string reason, source;
  Moment recorded_at;
};

struct VerifyReport {
  std::vector<std::string> problems;  // one sentence each; empty when everything holds
  std::size_t entries_checked = 0;
  std::size_t operations_checked = 0;
  std::size_t anchors_checked = 0;
  std::string chain_head;
  bool ok() const { return problems.empty(); }
};

class LedgerStore {
 public:
  static constexpr int schema_version = 5;

  // Creates a new ledger file (refused if the file exists) with its scheme.
  // ":memory:" makes a ledger that lives in memory only (no anchors file).
  static LedgerStore create(const std::string& path, SchemeText scheme, std::optional<SchemeText> reform = std::nullopt,
                            std::optional<Moment> recorded_at = std::nullopt);
  static LedgerStore open(const std::string& path);

  LedgerStore(LedgerStore&&) noexcept;
  LedgerStore& operator=(LedgerStore&&) noexcept;
  ~LedgerStore();

  // Each takes the recorded moment from the clock unless one is given (tests);
  // moments never go back: one at or before the last is moved just after it.
  StoredChange import(const ImportBatch& batch, std::optional<Moment> recorded_at = std::nullopt);
  StoredChange advance(const Date& to, std::optional<Moment> recorded_at = std::nullopt);
  // Replaces the scheme and/or the reform (reform: nullopt keeps it, a
  // nullopt inside removes it) and restates the ledger by adjustment entries.
  StoredChange set_scheme(std::optional<SchemeText> scheme, std::optional<std::optional<SchemeText>> reform,
                          std::optional<Moment> recorded_at = std::nullopt);

  SchemeInfo scheme_info();
  // The engine as the file holds it now (rebuilt when another process wrote since).
  const Engine& engine();
  // One citizen's annual statement (make_statement) and monthly budget
  // statement (make_budget_statement), equal to what engine() gives, read
  // from that citizen's part of the file only (their record, the clock and
  // the entries touching their accounts) unless the whole engine is already
  // loaded: milliseconds on a file of millions of entries. An unknown citizen is
  // Error(not_found).
  Statement statement(const std::string& citizen, const std::string& tax_year,
                      std::optional<Moment> as_known_at = std::nullopt);
  BudgetStatement budget_statement(const std::string& citizen, const std::string& month,
                                   std::optional<Moment> as_known_at = std::nullopt);
  // One balance, read with SQL from the stored postings (no engine needed).
  Decimal balance(const std::string& account, std::optional<Date> as_of = std::nullopt,
                  std::optional<Moment> as_known_at = std::nullopt);
  // The stored postings as columns, in journal order, read with SQL (no engine
  // needed). A citizen filter with an unknown citizen, or an account filter
  // with an unknown account, is Error(not_found).
  JournalTable journal_table(const JournalFilter& filter = {});
  VerifyReport verify(const std::optional<std::string>& anchor = std::nullopt);
  // The log of refused learning-account spends, by provider, date and event.
  std::vector<RefusedSpend> refusals();
  std::string chain_head();

  const std::string& path() const;
  // PATH.anchors, where each operation's chain head is appended; empty for ":memory:".
  std::string anchors_path() const;

 private:
  struct Impl;
  explicit LedgerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commonweal

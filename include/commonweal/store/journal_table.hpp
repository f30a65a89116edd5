// commonweal::JournalTable: the stored journal as columns, one row per
// posting, read with SQL (LedgerStore::journal_table; docs/storage.md). The
// Python bindings turn it into a pandas DataFrame (docs/python.md).
//
// Guarantees
// - Rows are in journal order: by entry position, then by posting line.
// - Amounts are the stored integers in the account unit's minor units
//   (pence; hundredths of an hour): value = amount_minor x 10^-scale of the
//   row's account, exactly. No binary floating point anywhere.
// - Read in one snapshot: a writer working beside it is not half seen.
// Constraints
// - Entry-level columns (entry_*) hold each entry with at least one row
//   once; rows point at them by index, and at accounts and operations too,
//   so that repeated texts are not copied per row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace commonweal {

struct JournalFilter {
  std::optional<std::string> citizen;  // only postings to the citizen's accounts ("citizen:ID:...")
  std::optional<std::string> account;  // only postings to this account
};

struct JournalTable {
  // Operations (imports, advances, scheme changes) that recorded an entry with a row.
  std::vector<std::int64_t> operation_recorded_micros;  // microseconds since 1970-01-01T00:00:00Z
  // Accounts with a row.
  std::vector<std::string> account_name;
  std::vector<std::string> account_unit;  // "GBP", "HOUR"
  std::vector<int> account_scale;         // the unit's decimals: 2
  // Entries with a row, in journal order.
  std::vector<std::int64_t> entry_position;
  std::vector<std::string> entry_id, entry_code, entry_memo, entry_reverses;
  std::vector<std::int32_t> entry_effective_day;  // days since 1970-01-01
  std::vector<std::uint32_t> entry_operation;     // index into operation_*
  // Rows: one per posting.
  std::vector<std::uint32_t> row_entry;    // index into entry_*
  std::vector<std::uint32_t> row_account;  // index into account_*
  std::vector<std::int32_t> row_line;      // the posting's line within its entry, from 1
  std::vector<std::int64_t> row_amount_minor;

  std::size_t size() const { return row_entry.size(); }
};

}  // namespace commonweal

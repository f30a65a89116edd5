// The SQLite store: importing events from CSV with the reference scheme,
// beside the floor in the same run: raw SQLite prepared inserts, in one
// transaction, of exactly the rows the import wrote (operation, citizens,
// events, accounts, entries, postings, pooled totals) into the same schema, with no
// parsing, rules or hashing. Then balance query latency on the result.
//
// Usage: store_bench --scheme F --citizens F --events F --work DIR [--queries N] [--floor no]
// Prints "name value" lines; bench/store_bench.py generates the files and
// checks the targets.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "../src/store/sqlite.hpp"
#include "bench_support.hpp"
#include "commonweal/core/huge_pages.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/store/ledger_store.hpp"

using namespace commonweal;
using bench::Clock;

namespace {

using bench::seconds_since;
using bench::process_cpu_seconds;
using bench::thread_cpu_seconds;

void remove_ledger(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".anchors"}) std::filesystem::remove(path + suffix);
}

}  // namespace

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // as the commonweal command does (core/huge_pages.hpp)
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const std::string work = options.at("--work");
  const int queries = options.count("--queries") ? std::stoi(options.at("--queries")) : 2000;
  // --floor no: only the import and the balance queries (for very large ledgers, whose floor would not fit in memory).
  const bool with_floor = !options.count("--floor") || options.at("--floor") != "no";
  std::filesystem::create_directories(work);
  const std::string ledger = work + "/bench.db", floor = work + "/floor.db";
  remove_ledger(ledger);
  remove_ledger(floor);

  // 1. The import, as `commonweal import` does it: parse, rules, hash, store, in one transaction.
  const SchemeText scheme = SchemeText::from_file(options.at("--scheme"));
  {
    LedgerStore store = LedgerStore::create(ledger, scheme);
    const ImportBatch citizens = read_import_files(ImportFiles{options.at("--citizens"), std::nullopt, std::nullopt});
    store.import(citizens);
  }
  std::size_t events = 0, entries = 0;
  double import_seconds = 0, import_cpu_seconds = 0;
  {
    // The import runs on two threads (the engine's, and the writer's inserting beside it): all of the process counts.
    const double cpu_start = process_cpu_seconds();
    const auto start = Clock::now();
    LedgerStore store = LedgerStore::open(ledger);
    const ImportBatch batch = read_import_files(ImportFiles{std::nullopt, options.at("--events"), std::nullopt});
    const StoredChange change = store.import(batch);
    import_seconds = seconds_since(start);
    import_cpu_seconds = process_cpu_seconds() - cpu_start;
    events = change.summary.events_added;
    entries = change.summary.entries_posted;
  }

  // 2. The floor: the rows the import wrote, inserted raw into an empty file of the same schema.
  struct Table {
    const char* name;
    const char* columns;
    int count;
  };
  const Table tables[] = {
      {"operations", "id, kind, recorded_at, clock, entry_count, entries_head, inputs_sha256, hash", 8},
      {"accounts", "id, name, unit, pooled", 4},
      {"events", "sequence, id, operation_id, date, citizen, kind, code, amount, counterparty, corrects, source", 11},
      {"entries", "position, id, operation_id, effective_date, code, memo, reverses, hash, lines", 9},
      {"postings", "entry_position, line, account_id, amount_minor", 4},
      {"pooled_totals", "account_id, effective_date, operation_id, amount_minor, posting_count", 5},
  };
  std::size_t rows_written = 0;
  double floor_seconds = 0, floor_cpu_seconds = 0;
  if (with_floor) {
    sqlite::Database source(ledger, false);
    { LedgerStore::create(floor, scheme); }  // the schema, and the create operation as in the ledger
    sqlite::Database target(floor, false);
    target.execute("PRAGMA journal_mode = WAL");
    target.execute("PRAGMA synchronous = NORMAL");
    target.execute("PRAGMA foreign_keys = ON");
    target.execute("PRAGMA cache_size = -65536");  // as LedgerStore's connections
    // Read everything first (outside the timing): only the inserts are the floor.
    struct Loaded {
      std::string insert;
      int count;
      std::vector<sqlite3_value*> cells;
    };
    std::vector<Loaded> loaded;
    for (const Table& table : tables) {
      Loaded& l = loaded.emplace_back();
      l.count = table.count;
      std::string marks;
      for (int c = 1; c <= table.count; ++c) marks += (c > 1 ? ", ?" : "?") + std::to_string(c);
      l.insert = std::string("INSERT INTO ") + table.name + " (" + table.columns + ") VALUES (" + marks + ")";
      // Only the import's rows: operations after the two of the set-up (create, the citizens' import).
      std::string where;
      if (std::string(table.name) == "operations") where = " WHERE id > 2";
      if (std::string(table.name) == "events" || std::string(table.name) == "entries" ||
          std::string(table.name) == "pooled_totals") where = " WHERE operation_id > 2";
      sqlite3_stmt* raw = nullptr;
      sqlite3_prepare_v2(source.handle(), (std::string("SELECT ") + table.columns + " FROM " + table.name + where).c_str(), -1, &raw, nullptr);
      while (sqlite3_step(raw) == SQLITE_ROW) {
        for (int c = 0; c < table.count; ++c) l.cells.push_back(sqlite3_value_dup(sqlite3_column_value(raw, c)));
      }
      sqlite3_finalize(raw);
    }
    // The floor's file must not hold the rows already: it has only the create operation.
    target.execute("DELETE FROM operations WHERE id > 1");
    const double cpu_start = thread_cpu_seconds();
    const auto start = Clock::now();
    target.execute("BEGIN IMMEDIATE");
    for (Loaded& l : loaded) {
      sqlite3_stmt* insert = nullptr;
      sqlite3_prepare_v2(target.handle(), l.insert.c_str(), -1, &insert, nullptr);
      for (std::size_t at = 0; at < l.cells.size(); at += static_cast<std::size_t>(l.count)) {
        for (int c = 0; c < l.count; ++c) sqlite3_bind_value(insert, c + 1, l.cells[at + static_cast<std::size_t>(c)]);
        if (sqlite3_step(insert) != SQLITE_DONE) {
          std::fprintf(stderr, "floor insert failed: %s\n", sqlite3_errmsg(target.handle()));
          return 1;
        }
        sqlite3_reset(insert);
        ++rows_written;
      }
      sqlite3_finalize(insert);
    }
    target.execute("COMMIT");
    floor_seconds = seconds_since(start);
    floor_cpu_seconds = thread_cpu_seconds() - cpu_start;
    for (Loaded& l : loaded) {
      for (sqlite3_value* value : l.cells) sqlite3_value_free(value);
    }
  }

  // 3. Balance queries on the imported ledger: citizens' accounts at random, and a fund.
  LedgerStore store = LedgerStore::open(ledger);
  std::mt19937_64 random(20261123);
  std::vector<std::string> citizens;
  {
    sqlite::Database db(ledger, false);
    sqlite::Statement names = db.prepare("SELECT name FROM accounts WHERE name LIKE 'citizen:%:social'");
    while (names.next()) citizens.emplace_back(names.text(0));
  }
  auto start = Clock::now();
  Decimal checksum;
  for (int q = 0; q < queries; ++q) checksum += store.balance(citizens[random() % citizens.size()]);
  const double citizen_query = seconds_since(start) / queries;
  start = Clock::now();
  for (int q = 0; q < queries; ++q) {
    checksum += store.balance(citizens[random() % citizens.size()], parse_date("2020-04-05"),
                              parse_moment("2030-01-01T00:00:00Z"));
  }
  const double citizen_query_as_of = seconds_since(start) / queries;
  start = Clock::now();
  const Decimal fund = store.balance("fund:social");
  const double fund_query = seconds_since(start);

  std::printf("events %zu\nentries %zu\nimport_seconds %.6f\nfloor_rows %zu\nfloor_seconds %.6f\n", events, entries,
              import_seconds, rows_written, floor_seconds);
  std::printf("import_cpu_seconds %.6f\nfloor_cpu_seconds %.6f\n", import_cpu_seconds, floor_cpu_seconds);
  std::printf("citizen_balance_query_seconds %.9f\ncitizen_balance_as_of_query_seconds %.9f\nfund_balance_query_seconds %.6f\n",
              citizen_query, citizen_query_as_of, fund_query);
  std::printf("fund_social %s\nchecksum %s\n", fund.to_string().c_str(), checksum.to_string().c_str());
  return 0;
}

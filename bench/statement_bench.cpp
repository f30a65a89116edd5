// Annual statements for a whole population, beside the floor in the same
// run: reading the same entries and postings from the SQLite file,
// formatting nothing. JSON and HTML with current knowledge, and JSON "as
// known at" an earlier moment, on every core.
//
// Usage: statement_bench --scheme F --citizens F --events F --work DIR [--threads N]
// Prints "name value" lines; bench/statement_bench.py makes the files and checks the targets.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "../src/store/sqlite.hpp"
#include "bench_support.hpp"
#include "commonweal/core/huge_pages.hpp"
#include "commonweal/statement/render.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/store/ledger_store.hpp"

using namespace commonweal;
using bench::Clock;
using bench::seconds_since;

namespace {

// Runs make(citizen) for every citizen on `threads` threads; returns the seconds and the bytes made.
template <typename Make>
std::pair<double, std::size_t> over_everyone(const std::vector<std::string>& citizens, unsigned threads, Make make) {
  std::atomic<std::size_t> next{0}, bytes{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::size_t made = 0;
      for (std::size_t i = next++; i < citizens.size(); i = next++) made += make(citizens[i]).size();
      bytes += made;
    });
  }
  for (std::thread& worker : workers) worker.join();
  return {seconds_since(start), bytes.load()};
}

}  // namespace

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // as the commonweal command does (core/huge_pages.hpp)
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const std::string work = options.at("--work");
  const unsigned threads = options.count("--threads") ? static_cast<unsigned>(std::stoul(options.at("--threads")))
                                                      : std::max(1u, std::thread::hardware_concurrency());
  std::filesystem::create_directories(work);
  const std::string ledger = work + "/statements.db";
  for (const char* suffix : {"", "-wal", "-shm", ".anchors"}) std::filesystem::remove(ledger + suffix);

  // The ledger: every event imported, the clock at the end of 2024-25 (not timed).
  Moment imported_at;
  {
    LedgerStore store = LedgerStore::create(ledger, SchemeText::from_file(options.at("--scheme")));
    const StoredChange change =
        store.import(read_import_files(ImportFiles{options.at("--citizens"), options.at("--events"), std::nullopt}));
    imported_at = change.recorded_at;
    store.advance(parse_date("2025-04-05"));
  }
  auto start = Clock::now();
  LedgerStore store = LedgerStore::open(ledger);
  const Engine& engine = store.engine();
  const double load_seconds = seconds_since(start);
  const std::vector<std::string> citizens = engine.citizen_ids();
  const Moment now = *engine.last_recorded_at();

  const auto [json_seconds, json_bytes] = over_everyone(citizens, threads, [&](const std::string& id) {
    return make_statement(engine, id, "2024-25", now).to_json();
  });
  const auto [html_seconds, html_bytes] = over_everyone(citizens, threads, [&](const std::string& id) {
    return render_html(make_statement(engine, id, "2024-25", now));
  });
  const auto [known_seconds, known_bytes] = over_everyone(citizens, threads, [&](const std::string& id) {
    return make_statement(engine, id, "2024-25", imported_at).to_json();
  });

  // The floor: the same entries, with their postings (each entry's `lines`), read from the file, nothing parsed or formatted.
  std::size_t floor_rows = 0;
  std::int64_t floor_sum = 0;
  start = Clock::now();
  {
    sqlite::Database db(ledger, false);
    sqlite::Statement rows = db.prepare("SELECT position, id, effective_date, code, lines FROM entries");
    while (rows.next()) {
      floor_sum += rows.integer(0) + static_cast<std::int64_t>(rows.text(1).size() + rows.text(2).size() +
                                                               rows.text(3).size() + rows.text(4).size());
      ++floor_rows;
    }
  }
  const double floor_seconds = seconds_since(start);

  std::printf("citizens %zu\nthreads %u\nentries %zu\nload_seconds %.6f\n", citizens.size(), threads,
              engine.journal().entry_count(), load_seconds);
  std::printf("json_seconds %.6f\njson_bytes %zu\nhtml_seconds %.6f\nhtml_bytes %zu\n", json_seconds, json_bytes,
              html_seconds, html_bytes);
  std::printf("as_known_at_json_seconds %.6f\nfloor_rows %zu\nfloor_seconds %.6f\nfloor_checksum %lld\n", known_seconds,
              floor_rows, floor_seconds, static_cast<long long>(floor_sum));
  return 0;
}

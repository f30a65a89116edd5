// `commonweal demo`: the main job, on the embedded reference scheme.
//
// A seeded synthetic population of 1,000 citizens (the same every run: the
// generator uses only the raw output of std::mt19937_64, whose sequence the
// standard fixes), their lives from 1975 to 2025 as CSV files, imported into
// a SQLite ledger, the clock advanced to the end of 2024-25, and every
// 2024-25 statement written. The population here is deliberately simple;
// the simulation layer (docs/simulation.md) has the documented assumptions.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <random>

#include "commands.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/store/ledger_store.hpp"

namespace commonweal::cli {

extern const char* const embedded_reference_scheme;  // examples/schemes/cswa-reference.yaml, built in

namespace {

struct DemoInput {
  std::string citizens_csv, events_csv;
  std::size_t citizens = 0, events = 0;
};

// Pence as "123.45".
std::string money(std::int64_t pence) { return fmt::format("{}.{:02}", pence / 100, pence % 100); }

DemoInput make_population(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  const auto below = [&](std::uint64_t n) { return random() % n; };
  const auto chance = [&](unsigned per_thousand) { return below(1000) < per_thousand; };
  const char* regions[] = {"north-east", "north-west", "yorkshire", "midlands", "east", "london", "south-east",
                           "south-west", "wales", "scotland"};
  DemoInput input;
  input.citizens_csv = "citizen,birth_date,death_date,region\n";
  input.events_csv = "id,date,citizen,kind,code,amount\n";
  const auto event = [&](const std::string& id, int year, int month, int day, const std::string& citizen,
                         const char* kind, const char* code, const std::string& amount) {
    input.events_csv += fmt::format("{},{}-{:02}-{:02},{},{},{},{}\n", id, year, month, day, citizen, kind, code, amount);
    ++input.events;
  };
  for (std::size_t n = 1; n <= count; ++n) {
    const std::string id = fmt::format("C{:04}", n);
    const int birth_year = 1945 + static_cast<int>(below(60));
    const int birth_month = 1 + static_cast<int>(below(12)), birth_day = 1 + static_cast<int>(below(28));
    const int pension_age = birth_year < 1960 ? 66 : 67;
    // Death: a crude hazard from 50 (per million a year, doubling every 8 years), drawn year by year up to 2024.
    int death_year = 0;
    for (int year = birth_year + 50; year <= 2024 && death_year == 0; ++year) {
      const int age = year - birth_year;
      const std::uint64_t per_million = std::min<std::uint64_t>(300000, 400 * (1ULL << std::min(20, (age - 50) / 8)));
      if (below(1'000'000) < per_million) death_year = year;
    }
    const int death_month = 1 + static_cast<int>(below(12)), death_day = 1 + static_cast<int>(below(28));
    input.citizens_csv += fmt::format("{},{}-{:02}-{:02},{},{}\n", id, birth_year, birth_month, birth_day,
                                      death_year ? fmt::format("{}-{:02}-{:02}", death_year, death_month, death_day) : "",
                                      regions[below(std::size(regions))]);
    ++input.citizens;

    std::int64_t earnings = 1'200'000 + static_cast<std::int64_t>(below(4'800'000));  // pence a year, at 25
    bool student = chance(400), retired_early = false;
    int children = 0, youngest_birth = 0;
    const int last_year = death_year ? death_year - 1 : 2024;  // whole years lived, to keep every event before death
    for (int year = std::max(1975, birth_year + 16); year <= last_year; ++year) {
      const int age = year - birth_year;
      const std::string stem = fmt::format("{}-{}", id, year);
      if (age >= 18 && age <= 20 && student) event(stem + "-SG", year, 9, 20, id, "benefit", "student_grant", "3000.00");
      const bool working_age = age >= 18 && age < pension_age && !(student && age <= 20);
      if (working_age && !retired_early && age >= 60 && chance(50)) retired_early = true;
      if (working_age && retired_early) event(stem + "-ER", year, 6, 1, id, "benefit", "early_retirement", "6000.00");
      if (working_age && !retired_early) {
        if (chance(880)) {
          const std::int64_t taxable = std::max<std::int64_t>(0, earnings - 1'257'000);
          const std::int64_t income_tax = taxable / 5, insurance = taxable * 8 / 100;
          for (const int month : {9, 3}) {
            const int when = month == 3 ? year + 1 : year;
            if (death_year && when > last_year) continue;
            event(fmt::format("{}-IT{}", stem, month), when, month, 28, id, "tax", "income_tax", money(income_tax / 2));
            event(fmt::format("{}-NI{}", stem, month), when, month, 28, id, "tax", "national_insurance", money(insurance / 2));
          }
          if (age >= 45) event(stem + "-CL", year, 12, 15, id, "tax", "care_levy", money(earnings / 100));
          earnings += earnings * static_cast<std::int64_t>(below(5)) / 100;  // 0-4% a year
        } else {
          event(stem + "-JS", year, 7, 1, id, "benefit", "jobseekers_allowance", "4000.00");
        }
        if (age >= 24 && age <= 40 && children < 3 && chance(110)) {
          ++children;
          youngest_birth = year;
          if (chance(600)) event(stem + "-PL", year, 5, 10, id, "benefit", "parental_leave", "4000.00");
        }
      }
      if (children > 0 && year - youngest_birth < 16) {
        event(stem + "-CB", year, 4, 30, id, "benefit", "child_benefit", money(133'120 + (children - 1) * 88'140));
      }
      if (age >= 40 && chance(40)) event(stem + "-PIP", year, 10, 5, id, "benefit", "pip", "4420.00");
      const int visits = static_cast<int>(below(age >= 60 ? 7 : 4));
      for (int visit = 0; visit < visits; ++visit) {
        event(fmt::format("{}-GP{}", stem, visit), year, 1 + visit, 12, id, "service", "gp_visit", "39.00");
      }
      if (chance(age >= 65 ? 200 : 60)) event(stem + "-HO", year, 8, 3, id, "service", "hospital", "1250.00");
      if (age >= 75 && chance(300)) {
        for (int quarter = 0; quarter < 4; ++quarter) {
          event(fmt::format("{}-SC{}", stem, quarter), year, 2 + 3 * quarter, 20, id, "service", "social_care", "333.35");
        }
      }
      if (age < 18 && chance(300)) event(stem + "-SCH", year, 11, 1, id, "service", "school_meals", "450.00");
      if (chance(220)) {
        const int sessions = 1 + static_cast<int>(below(5));
        for (int session = 0; session < sessions; ++session) {
          event(fmt::format("{}-V{}", stem, session), year, 2 + 2 * session, 7, id, "volunteer", "food-bank",
                fmt::format("{}.{:02}", 1 + below(4), 5 * below(20)));
        }
      }
    }
  }
  return input;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(ErrorCode::environment, "cannot write " + path.string());
}

}  // namespace

int run_demo_job(const std::filesystem::path& directory) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const auto seconds_since = [](clock::time_point from) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - from).count() / 1000.0;
  };
  std::error_code error;
  std::filesystem::create_directories(directory / "input", error);
  if (error) throw Error(ErrorCode::environment, "cannot make " + (directory / "input").string() + ": " + error.message());
  const std::filesystem::path ledger = directory / "ledger.db";
  for (const char* suffix : {"", "-wal", "-shm", ".anchors"}) std::filesystem::remove(ledger.string() + suffix, error);
  std::filesystem::remove_all(directory / "statements", error);

  std::cout << "commonweal demo: 1,000 synthetic citizens, 1975-2025, reference scheme (illustrative values)\n";
  const DemoInput input = make_population(1000, 20261123);
  write_file(directory / "input" / "citizens.csv", input.citizens_csv);
  write_file(directory / "input" / "events.csv", input.events_csv);
  write_file(directory / "input" / "cswa-reference.yaml", embedded_reference_scheme);
  std::cout << fmt::format("  inputs     {} citizens, {} events in {}\n", input.citizens, input.events,
                           (directory / "input").string());

  auto step = clock::now();
  LedgerStore store = LedgerStore::create(ledger.string(), SchemeText{"cswa-reference.yaml", embedded_reference_scheme});
  const ImportBatch batch = read_import_files(
      ImportFiles{(directory / "input" / "citizens.csv").string(), (directory / "input" / "events.csv").string(), std::nullopt});
  const StoredChange imported = store.import(batch);
  const StoredChange advanced = store.advance(parse_date("2025-04-05"));
  std::cout << fmt::format("  ledger     {}: {} entries ({:.1f} s to import and advance)\n", ledger.string(),
                           store.engine().journal().entry_count(), seconds_since(step));
  step = clock::now();
  const std::filesystem::path statements = directory / "statements";
  std::size_t written = 0;
  for (const char* format : {"json", "html"}) {
    try {
      written += write_statements(store.engine(), "2024-25", statements, format, false);
    } catch (const Error& caught) {
      if (std::string(format) != "html") throw;
    }
  }
  std::cout << fmt::format("  statements {} files for 2024-25 in {} ({:.1f} s)\n", written, statements.string(),
                           seconds_since(step));

  const Engine& engine = store.engine();
  const Journal& journal = engine.journal();
  const auto balance = [&](const char* account) {
    return journal.has_account(account) ? journal.balance(account).to_string() : std::string("0.00");
  };
  std::cout << fmt::format("  funds      social {}  care {}  pension {}  written off {}\n", balance("fund:social"),
                           balance("fund:care"), balance("fund:pension"), balance("fund:writeoff"));
  std::cout << fmt::format("  chain head {}\n", advanced.chain_head.empty() ? imported.chain_head : advanced.chain_head);
  std::cout << fmt::format("done in {:.1f} s. Open {} in a browser, or try:\n", seconds_since(started),
                           (statements / "C0001.html").string());
  std::cout << fmt::format("  commonweal statement {} --citizen C0001 --tax-year 2024-25 --format json\n", ledger.string());
  std::cout << fmt::format("  commonweal balance {} citizen:C0001:social\n", ledger.string());
  std::cout << fmt::format("  commonweal verify {}\n", ledger.string());
  std::cout << fmt::format("  sqlite3 {} 'select * from journal limit 10'\n", ledger.string());
  return 0;
}

}  // namespace commonweal::cli

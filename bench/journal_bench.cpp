// journal_bench: in-memory Journal posting throughput and balance query
// latency for the reference account layout.
//
//   journal_bench [--citizens C] [--throughput-entries M] [--repeat R]
//                 [--small-entries S] [--large-entries L] [--queries Q]
//
// Defaults: 10,000 citizens; throughput over 1,000,000 entries (2,000,000
// postings), 3 runs (best and median), each on a fresh journal; latency at
// 10^4 and 10^7 entries.
//
// Layout: citizen:C<id>:social (GBP) and citizen:C<id>:care (HOUR), both with
// a lower limit of 0; fund:social (GBP) and fund:care (HOUR) without limit.
// Every entry has 2 postings: a fund pays a random citizen (80%), or the
// citizen spends part of what they hold back to the fund (about 20%; the limit
// is checked). Effective dates advance one day every 500 entries from
// 2000-01-01 (10^7 entries span 55 years); 1% of entries are back-dated by 1
// to 30 days (credits only). Recorded moments never decrease.
//
// Exit status: 0 when the throughput target (2,000,000 postings/s, median
// of the runs) is met, 1 when it is missed.
//
// Throughput is measured beside a floor, in the same run: the same postings as
// plain int64 additions into a std::unordered_map<std::string, int64_t> keyed
// by account name. Entries are built before the clock starts and moved into
// Journal::post(), one at a time.
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_support.hpp"
#include "commonweal/core/huge_pages.hpp"
#include "commonweal/ledger/journal.hpp"

namespace {

using namespace commonweal;
using bench::Clock;
using bench::seconds_since;
using bench::thread_cpu_seconds;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

long current_rss_kib() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  }
  std::fclose(status);
  return kib;
}

constexpr int entries_per_day = 500;

// Account names, index: 0 fund:social, 1 fund:care, 2 + 2c citizen c social, 3 + 2c citizen c care.
struct Layout {
  std::vector<std::string> names;
  Unit gbp = Unit::currency("GBP");
  Unit hour = Unit::hour();
  int citizens = 0;

  explicit Layout(int citizen_count) : citizens(citizen_count) {
    names.push_back("fund:social");
    names.push_back("fund:care");
    char buffer[64];
    for (int c = 0; c < citizens; ++c) {
      std::snprintf(buffer, sizeof buffer, "citizen:C%05d:social", c);
      names.emplace_back(buffer);
      std::snprintf(buffer, sizeof buffer, "citizen:C%05d:care", c);
      names.emplace_back(buffer);
    }
  }
  Unit unit_of(std::size_t account) const { return account % 2 == 0 ? gbp : hour; }

  void open_all(Journal& journal) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i < 2) {
        journal.open_account(Account(names[i], unit_of(i)));
      } else {
        journal.open_account(Account(names[i], unit_of(i), Decimal(0)));
      }
    }
  }
};

// Makes the entry stream, deterministically from the seed.
class Generator {
 public:
  Generator(const Layout& layout, std::uint64_t seed)
      : layout_(layout), random_(seed), balances_(layout.names.size(), 0),
        base_day_(day_number(make_date(2000, 1, 1))) {}

  Entry next() {
    const std::uint64_t i = count_++;
    const int main_day = base_day_ + static_cast<int>(i / entries_per_day);
    const Moment recorded = start_of_day(date_from_day_number(main_day)) +
                            std::chrono::microseconds(static_cast<std::int64_t>(i % entries_per_day) * 100'000);
    const bool back_dated = random_() % 100 == 0;
    const int day = back_dated ? std::max(base_day_, main_day - 1 - static_cast<int>(random_() % 30)) : main_day;
    const auto citizen = static_cast<std::size_t>(random_() % static_cast<std::uint64_t>(layout_.citizens));
    const std::size_t kind = random_() % 2;  // 0 social, 1 care
    const std::size_t citizen_account = 2 + 2 * citizen + kind;
    const std::size_t fund_account = kind;
    std::int64_t& held = balances_[citizen_account];
    const bool debit = !back_dated && random_() % 5 == 0 && held > 0;
    const std::int64_t cents =
        debit ? 1 + static_cast<std::int64_t>(random_() % static_cast<std::uint64_t>(held))
              : 100 + static_cast<std::int64_t>(random_() % 50'000);
    const std::int64_t to_citizen = debit ? -cents : cents;
    held += to_citizen;
    balances_[fund_account] -= to_citizen;

    char id[24];
    std::snprintf(id, sizeof id, "E%010llu", static_cast<unsigned long long>(i));
    const Unit unit = layout_.unit_of(citizen_account);
    Entry entry{id, date_from_day_number(day), recorded, debit ? "D1" : "R1", {}, {}, {}};
    entry.postings.reserve(2);
    entry.postings.push_back(
        {layout_.names[citizen_account], Amount(Decimal::from_coefficient(to_citizen, 2), unit)});
    entry.postings.push_back(
        {layout_.names[fund_account], Amount(Decimal::from_coefficient(-to_citizen, 2), unit)});
    last_day_ = std::max(last_day_, main_day);
    return entry;
  }

  std::uint64_t count() const { return count_; }
  int base_day() const { return base_day_; }
  int last_day() const { return last_day_; }
  // The recorded moment of entry number i (0-based).
  Moment recorded_at(std::uint64_t i) const {
    return start_of_day(date_from_day_number(base_day_ + static_cast<int>(i / entries_per_day))) +
           std::chrono::microseconds(static_cast<std::int64_t>(i % entries_per_day) * 100'000);
  }
  std::int64_t expected_cents(std::size_t account) const { return balances_[account]; }

 private:
  const Layout& layout_;
  std::mt19937_64 random_;
  std::vector<std::int64_t> balances_;
  int base_day_;
  int last_day_ = 0;
  std::uint64_t count_ = 0;
};

// Every account's balance in the journal equals the one the generator tracked.
void check_balances(const Journal& journal, const Layout& layout, const Generator& generator) {
  for (std::size_t account = 0; account < layout.names.size(); ++account) {
    if (journal.balance(layout.names[account]) != Decimal::from_coefficient(generator.expected_cents(account), 2)) {
      std::fprintf(stderr, "journal balance mismatch on %s\n", layout.names[account].c_str());
      std::exit(1);
    }
  }
}

struct Throughput {
  double batch_postings_per_second;  // Journal::post_batch, the import path (all or nothing)
  double journal_postings_per_second;
  double floor_postings_per_second;
  double journal_postings_per_cpu_second;
  double floor_postings_per_cpu_second;
};

Throughput measure_throughput(const Layout& layout, std::size_t entry_count) {
  Generator generator(layout, 42);
  std::vector<Entry> entries;
  entries.reserve(entry_count);
  std::size_t postings = 0;
  for (std::size_t i = 0; i < entry_count; ++i) {
    entries.push_back(generator.next());
    postings += entries.back().postings.size();
  }

  // The floor: the same postings as int64 additions keyed by account name.
  std::unordered_map<std::string, std::int64_t> floor;
  floor.reserve(layout.names.size());
  for (const std::string& name : layout.names) floor.emplace(name, 0);
  auto start = Clock::now();
  double cpu_start = thread_cpu_seconds();
  for (const Entry& entry : entries) {
    for (const Posting& posting : entry.postings) {
      floor[posting.account] += static_cast<std::int64_t>(posting.amount.value().coefficient());
    }
  }
  const double floor_seconds = seconds_since(start);
  const double floor_cpu_seconds = thread_cpu_seconds() - cpu_start;

  // The import path: one all-or-nothing batch (which reserves room for it first).
  std::vector<Entry> batch = entries;
  Journal batch_journal;
  layout.open_all(batch_journal);
  start = Clock::now();
  batch_journal.post_batch(std::move(batch));
  const double batch_seconds = seconds_since(start);
  check_balances(batch_journal, layout, generator);

  // One entry at a time, each its own all-or-nothing step.
  Journal journal;
  layout.open_all(journal);
  start = Clock::now();
  cpu_start = thread_cpu_seconds();
  for (Entry& entry : entries) journal.post(std::move(entry));
  const double journal_seconds = seconds_since(start);
  const double journal_cpu_seconds = thread_cpu_seconds() - cpu_start;

  // Both computed the balances the generator tracked.
  check_balances(journal, layout, generator);
  for (std::size_t account = 0; account < layout.names.size(); ++account) {
    if (floor[layout.names[account]] != generator.expected_cents(account)) {
      std::fprintf(stderr, "floor balance mismatch on %s\n", layout.names[account].c_str());
      std::exit(1);
    }
  }
  const auto n = static_cast<double>(postings);
  return {n / batch_seconds, n / journal_seconds, n / floor_seconds, n / journal_cpu_seconds, n / floor_cpu_seconds};
}

// Posts entry_count entries, generating them in batches outside the clock.
double build(Journal& journal, Generator& generator, std::size_t entry_count) {
  constexpr std::size_t batch_size = 100'000;
  std::vector<Entry> batch;
  batch.reserve(std::min(batch_size, entry_count));
  double posting_seconds = 0;
  std::size_t done = 0;
  while (done < entry_count) {
    const std::size_t n = std::min(batch_size, entry_count - done);
    batch.clear();
    for (std::size_t i = 0; i < n; ++i) batch.push_back(generator.next());
    const auto start = Clock::now();
    for (Entry& entry : batch) journal.post(std::move(entry));
    posting_seconds += seconds_since(start);
    done += n;
  }
  return posting_seconds;
}

struct Query {
  std::string account;
  Date as_of;
};

// ns per query for Journal::balance(account, as_of, as_known_at), and the checksum.
double time_queries(const Journal& journal, const std::vector<Query>& queries, std::optional<Moment> known_at,
                    Decimal& checksum) {
  const auto start = Clock::now();
  Decimal sum;
  for (const Query& query : queries) sum += journal.balance(query.account, query.as_of, known_at);
  const double seconds = seconds_since(start);
  checksum += sum;
  return seconds * 1e9 / static_cast<double>(queries.size());
}

std::vector<Query> make_queries(const Layout& layout, const Generator& generator, bool funds, std::size_t count,
                                std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Query> queries;
  queries.reserve(count);
  const auto days = static_cast<std::uint64_t>(generator.last_day() - generator.base_day() + 1);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t account = funds ? random() % 2 : 2 + random() % (layout.names.size() - 2);
    const int day = generator.base_day() + static_cast<int>(random() % days);
    queries.push_back({layout.names[account], date_from_day_number(day)});
  }
  return queries;
}

struct Latency {
  std::size_t entries;
  double build_postings_per_second;
  double citizen_ns, fund_ns;           // current knowledge, as of a date
  double citizen_known_ns, fund_known_ns;  // as known at the middle of the journal
  std::size_t fund_postings;
  int fund_days;
  long rss_kib;
};

Latency measure_latency(const Layout& layout, std::size_t entry_count, std::size_t query_count, Decimal& checksum) {
  Latency result{};
  result.entries = entry_count;
  Journal journal;
  layout.open_all(journal);
  Generator generator(layout, 7);
  const double seconds = build(journal, generator, entry_count);
  result.build_postings_per_second = static_cast<double>(2 * entry_count) / seconds;
  result.rss_kib = current_rss_kib();
  result.fund_days = generator.last_day() - generator.base_day() + 1;
  check_balances(journal, layout, generator);

  const std::vector<Query> citizens = make_queries(layout, generator, false, query_count, 1);
  const std::vector<Query> funds = make_queries(layout, generator, true, query_count, 2);
  // Warm up once, then time.
  Decimal ignored;
  time_queries(journal, citizens, std::nullopt, ignored);
  result.citizen_ns = time_queries(journal, citizens, std::nullopt, checksum);
  time_queries(journal, funds, std::nullopt, ignored);
  result.fund_ns = time_queries(journal, funds, std::nullopt, checksum);

  // As known at the moment the middle entry was recorded: a prefix of each account's postings.
  const Moment middle = generator.recorded_at(entry_count / 2);
  // A fund account holds about half of all postings; scanning it is O(n), so fewer queries.
  const std::size_t fund_known_count =
      std::max<std::size_t>(5, std::min<std::size_t>(query_count, 20'000'000 / std::max<std::size_t>(1, entry_count)));
  const std::vector<Query> citizens_known(citizens.begin(),
                                          citizens.begin() + static_cast<std::ptrdiff_t>(query_count / 10));
  const std::vector<Query> funds_known(funds.begin(), funds.begin() + static_cast<std::ptrdiff_t>(fund_known_count));
  result.citizen_known_ns = time_queries(journal, citizens_known, middle, checksum);
  result.fund_known_ns = time_queries(journal, funds_known, middle, checksum);
  result.fund_postings = 0;
  for (const Entry& entry : journal.entries()) {
    for (const Posting& posting : entry.postings) result.fund_postings += posting.account == "fund:social";
  }
  return result;
}

std::size_t option(int argc, char** argv, const char* name, std::size_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == name) return static_cast<std::size_t>(std::strtoull(argv[i + 1], nullptr, 10));
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // as the commonweal command does (core/huge_pages.hpp)
  const auto citizens = static_cast<int>(option(argc, argv, "--citizens", 10'000));
  const std::size_t throughput_entries = option(argc, argv, "--throughput-entries", 1'000'000);
  const std::size_t repeat = std::max<std::size_t>(1, option(argc, argv, "--repeat", 3));
  const std::size_t small_entries = option(argc, argv, "--small-entries", 10'000);
  const std::size_t large_entries = option(argc, argv, "--large-entries", 10'000'000);
  const std::size_t query_count = option(argc, argv, "--queries", 200'000);
  const auto program_start = Clock::now();

  const Layout layout(citizens);
  std::printf("Layout: %d citizens, %zu accounts; 2 postings per entry\n\n", citizens, layout.names.size());

  // ---- posting throughput
  std::vector<Throughput> runs;
  for (std::size_t r = 0; r < repeat; ++r) runs.push_back(measure_throughput(layout, throughput_entries));
  const auto by_journal = [](const Throughput& x, const Throughput& y) {
    return x.batch_postings_per_second < y.batch_postings_per_second;
  };
  const Throughput best = *std::max_element(runs.begin(), runs.end(), by_journal);
  std::sort(runs.begin(), runs.end(), by_journal);
  const Throughput median = runs[runs.size() / 2];
  std::printf("Posting throughput, %zu entries (%zu postings) on a fresh journal, %zu runs\n", throughput_entries,
              2 * throughput_entries, repeat);
  std::printf("  %-44s %14s %14s\n", "", "best", "median");
  std::printf("  %-44s %14.0f %14.0f\n", "Journal::post_batch, postings/s", best.batch_postings_per_second,
              median.batch_postings_per_second);
  std::printf("  %-44s %14.0f %14.0f\n", "Journal::post one at a time, postings/s", best.journal_postings_per_second,
              median.journal_postings_per_second);
  std::printf("  %-44s %14.0f %14.0f\n", "floor (unordered_map<string,int64_t>), postings/s",
              best.floor_postings_per_second, median.floor_postings_per_second);
  std::printf("  %-44s %13.1fx %13.1fx\n", "floor / Journal::post_batch", best.floor_postings_per_second / best.batch_postings_per_second,
              median.floor_postings_per_second / median.batch_postings_per_second);
  std::printf("  %-44s %14.0f %14.0f\n", "Journal::post, postings per CPU-second", best.journal_postings_per_cpu_second,
              median.journal_postings_per_cpu_second);
  std::printf("  %-44s %14.0f %14.0f\n", "floor, postings per CPU-second", best.floor_postings_per_cpu_second,
              median.floor_postings_per_cpu_second);
  std::printf("  %-44s %14s %14s\n", "target: post_batch >= 2,000,000 postings/s",
              median.batch_postings_per_second >= 2e6 ? "met" : "MISSED", "");
  std::printf("\n");
  std::fflush(stdout);
  malloc_trim(0);  // give the throughput runs' memory back, so the RSS figures below are the journals'

  // ---- balance query latency
  Decimal checksum;
  std::vector<Latency> sizes;
  for (const std::size_t entries : {small_entries, large_entries}) {
    if (entries == 0) continue;
    sizes.push_back(measure_latency(layout, entries, query_count, checksum));
    std::fprintf(stderr, "  built and queried %zu entries (%.0f s so far)\n", entries, seconds_since(program_start));
  }
  std::printf("Balance query latency (Journal::balance, ns/query; %zu queries per row, random accounts and dates)\n",
              query_count);
  std::printf("  %-52s", "entries in the journal");
  for (const Latency& l : sizes) std::printf(" %14zu", l.entries);
  std::printf("\n  %-52s", "fund:social postings / distinct effective days");
  for (const Latency& l : sizes) {
    char cell[40];
    std::snprintf(cell, sizeof cell, "%zu / %d", l.fund_postings, l.fund_days);
    std::printf(" %14s", cell);
  }
  const auto row = [&](const char* label, double Latency::*field) {
    std::printf("\n  %-52s", label);
    for (const Latency& l : sizes) std::printf(" %14.0f", l.*field);
    if (sizes.size() == 2) std::printf("   x%.2f", sizes[1].*field / sizes[0].*field);
  };
  row("as of a date, current knowledge: citizen account", &Latency::citizen_ns);
  row("as of a date, current knowledge: fund account", &Latency::fund_ns);
  row("as of a date, known at mid-journal: citizen account", &Latency::citizen_known_ns);
  row("as of a date, known at mid-journal: fund account", &Latency::fund_known_ns);
  row("build throughput while filling it, postings/s", &Latency::build_postings_per_second);
  std::printf("\n  %-52s", "RSS after the build, MiB");
  for (const Latency& l : sizes) std::printf(" %14.0f", static_cast<double>(l.rss_kib) / 1024.0);
  std::printf("\n  (the last column is large / small; log2 of the entry counts grows x%.2f)\n",
              sizes.size() == 2 ? std::log2(static_cast<double>(sizes[1].entries)) /
                                      std::log2(static_cast<double>(sizes[0].entries))
                                : 0.0);
  std::printf("\nPeak RSS (getrusage): %.2f GiB of the machine's memory\n",
              static_cast<double>(peak_rss_kib()) / (1024.0 * 1024.0));
  std::printf("Checksum of all balances queried: %s\n", checksum.to_string().c_str());
  std::printf("Total run time: %.0f s\n", seconds_since(program_start));
  std::fflush(stdout);
  return median.batch_postings_per_second >= 2e6 ? 0 : 1;  // 1: the throughput target is missed
}

// The lifecycle engine applying events to a ledger in memory: R1-R9 on a
// synthetic population, timed apart from CSV parsing. bench/engine_bench.py
// runs it beside the pure-Python model of the same rules on the same events
// and prints the ratio.
//
// Usage: engine_bench --scheme F --citizens F --events F --advance-to DATE
// Prints: "events N", "import_seconds S", "advance_seconds S", the same as
// CPU time of the thread ("import_cpu_seconds S", "advance_cpu_seconds S":
// the machine may be shared), "entries N", and "checksum X": the sum of every citizen's social balance, which the
// Python model must reproduce exactly.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <map>
#include <string>

#include "bench_support.hpp"
#include "commonweal/core/huge_pages.hpp"
#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

using bench::thread_cpu_seconds;

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // as the commonweal command does (core/huge_pages.hpp)
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  Engine engine(Scheme::reference(load_parameter_file(options.at("--scheme"))));
  ImportFiles files;
  files.citizens = options.at("--citizens");
  files.events = options.at("--events");
  const ImportBatch batch = read_import_files(files);  // parsing is not what is measured

  const double cpu_start = thread_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  engine.import(batch, parse_moment("2026-01-01T00:00:00Z"));
  const auto imported = std::chrono::steady_clock::now();
  const double cpu_imported = thread_cpu_seconds();
  engine.advance(parse_date(options.at("--advance-to")), parse_moment("2026-01-02T00:00:00Z"));
  const auto advanced = std::chrono::steady_clock::now();
  const double cpu_advanced = thread_cpu_seconds();

  Decimal checksum;
  for (const std::string& id : engine.citizen_ids()) {
    const std::string account = "citizen:" + id + ":social";
    if (engine.journal().has_account(account)) checksum += engine.journal().balance(account);
  }
  std::printf("events %zu\nimport_seconds %.6f\nadvance_seconds %.6f\nimport_cpu_seconds %.6f\n"
              "advance_cpu_seconds %.6f\nentries %zu\nchecksum %s\n",
              batch.events.size(), std::chrono::duration<double>(imported - start).count(),
              std::chrono::duration<double>(advanced - imported).count(), cpu_imported - cpu_start,
              cpu_advanced - cpu_imported, engine.journal().entry_count(), checksum.to_string().c_str());
}

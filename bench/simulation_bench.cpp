// The population runner (synthetic lives through rules R1-R9, the ledger's own
// engine) in citizen-years per second, and its peak memory.
// bench/simulation_bench.py runs it beside a pure-Python decimal model and a
// numpy float version of the same population's rules, in the same run.
//
// Usage: simulation_bench [--population N] [--years Y] [--threads T] [--seed S] [--batch B] [--export DIR]
// Prints "name value" lines: citizens, years, threads, seconds, citizen_years
// (tax years in the run each citizen was alive in, at least one day),
// slots (population x years), events, entries, cpu_seconds (user + system
// time of the whole process during the run, all threads), peak_rss_kib, and checksum
// (the exact sum of every citizen's closing social balance). With --export,
// also writes DIR/citizens.csv and DIR/events.csv (the same lives) and
// DIR/spa.csv (each citizen's state pension age date, as R9 computes it).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "commonweal/core/huge_pages.hpp"
#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/simulation/simulation.hpp"

using namespace commonweal;
using namespace commonweal::simulation;

namespace {

// User and system CPU time of the whole process (every thread), in seconds.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void export_population(const SimulationConfig& config, const std::string& directory) {
  const ParameterSet parameters = run_parameters(config);
  const Population population(parameters, PopulationSpec{config.population, config.seed, config.start_year, config.years});
  std::ofstream citizens(directory + "/citizens.csv"), events(directory + "/events.csv"), spa(directory + "/spa.csv");
  citizens << "citizen,birth_date,death_date,region\n";
  events << "id,date,citizen,kind,code,amount\n";
  spa << "citizen,state_pension_age_date\n";
  for (std::size_t i = 0; i < config.population; ++i) {
    const SyntheticCitizen s = population.citizen(i);
    citizens << s.citizen.id << ',' << format_date(s.citizen.birth_date) << ','
             << (s.citizen.death_date ? format_date(*s.citizen.death_date) : "") << ',' << s.citizen.region << '\n';
    spa << s.citizen.id << ',' << (s.state_pension_age_date ? format_date(*s.state_pension_age_date) : "") << '\n';
    for (const Event& e : s.events) {
      events << e.id << ',' << format_date(e.date) << ',' << e.citizen << ',' << to_string(e.kind) << ',' << e.code << ','
             << e.amount.to_string() << '\n';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // as the commonweal command does (core/huge_pages.hpp)
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const auto option = [&](const char* name, const char* fallback) {
    return options.count(name) ? options.at(name) : std::string(fallback);
  };
  const std::string source = COMMONWEAL_SOURCE_DIR;
  SimulationConfig config;
  config.scheme = load_parameter_file(source + "/examples/schemes/cswa-reference.yaml");
  config.assumptions = load_parameter_file(source + "/examples/simulation/uk-assumptions.yaml", "assumptions");
  config.population = std::stoull(option("--population", "10000"));
  config.years = std::stoi(option("--years", "50"));
  config.threads = static_cast<unsigned>(std::stoul(option("--threads", "2")));
  config.seed = std::stoull(option("--seed", "1"));
  config.batch_size = std::stoull(option("--batch", "32"));
  if (options.count("--export")) export_population(config, options.at("--export"));

  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const SimulationResult result = simulate(config);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = process_cpu_seconds() - cpu_start;

  std::size_t citizen_years = 0;
  for (const CitizenResult& c : result.citizens) {
    for (const YearFlows& y : result.flows) {
      const TaxYear year = TaxYear::parse_label(y.tax_year, uk_tax_year_start);
      if (c.birth_date <= year.last_day() && (!c.death_date || *c.death_date >= year.first_day())) ++citizen_years;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("citizens %zu\nyears %d\nthreads %u\nseconds %.6f\ncitizen_years %zu\nslots %zu\nevents %zu\nentries %zu\n"
              "cpu_seconds %.6f\npeak_rss_kib %ld\nchecksum %s\n",
              config.population, config.years, config.threads, seconds, citizen_years,
              config.population * static_cast<std::size_t>(config.years), result.events, result.entries, cpu_seconds,
              usage.ru_maxrss,
              result.aggregates.total.simulated(Measure::closing_balance).to_string().c_str());
}

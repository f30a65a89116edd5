// A small population run: 60 synthetic citizens over 20 tax years through the
// reference scheme's rules, then a reform that credits twice the share of income tax.
#include <iostream>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/simulation/simulation.hpp"

using namespace commonweal;
using namespace commonweal::simulation;

int main() {
  const std::string examples = COMMONWEAL_EXAMPLES_DIR;
  SimulationConfig config;
  config.scheme = load_parameter_file(examples + "/schemes/cswa-reference.yaml");
  config.assumptions = load_parameter_file(examples + "/simulation/uk-assumptions.yaml", "assumptions");
  config.population = 60;
  config.seed = 7;
  config.start_year = 2025;
  config.years = 20;
  config.threads = 2;  // any number gives the same results
  const SimulationResult baseline = simulate(config);

  const GroupTotals& all = baseline.aggregates.total;
  std::cout << all.citizens() << " citizens standing for " << all.weight().to_string() << " people\n";
  std::cout << "events through R1-R9: " << baseline.events << "\n";
  std::cout << "mean taxes paid per person: " << all.weighted_mean(Measure::taxes_paid).to_string() << "\n";
  std::cout << "mean care pot per person: " << all.weighted_mean(Measure::care_pot).to_string() << "\n";
  const CitizenResult& first = baseline.citizens[12];  // cohort 12: born 1990-1994
  std::cout << first.id << " born " << format_date(first.birth_date) << ": contributions "
            << first.value(Measure::contributions).to_string() << ", benefits charged "
            << first.value(Measure::benefits_charged).to_string() << ", closing balance "
            << first.value(Measure::closing_balance).to_string() << "\n";

  config.reform = parse_parameter_text("contribution_share:\n  income_tax: {values: {2025-04-06: 0.20}}\n",
                                       "income-tax-share.yaml", "reform");
  const Comparison comparison = compare(baseline, simulate(config));
  std::cout << "income tax share 0.20: " << comparison.total.winners << " citizens gain, " << comparison.total.losers
            << " lose, " << comparison.total.citizens - comparison.total.winners - comparison.total.losers
            << " unchanged; mean gain "
            << Decimal::divide(comparison.total.gain.total(), comparison.total.weight, 2, RoundingMode::half_even).to_string()
            << "\n";
}

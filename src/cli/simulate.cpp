// `commonweal simulate`: a population run through the scheme's rules
// (docs/simulation.md): one CSV row per citizen to --out, a summary on stdout.
#include <fstream>
#include <iostream>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/simulation/simulation.hpp"
#include "simulate.hpp"

namespace commonweal::cli {

extern const char* const embedded_uk_assumptions;  // examples/simulation/uk-assumptions.yaml, built in

namespace {

std::uint64_t whole_number(const Arguments& a, const std::string& name, std::uint64_t fallback, std::uint64_t low,
                           std::uint64_t high) {
  const auto text = a.option(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  if (text->empty() || text->size() > 19) throw UsageError("simulate: " + name + " must be a whole number");
  for (const char c : *text) {
    if (c < '0' || c > '9') throw UsageError("simulate: " + name + " must be a whole number, not " + *text);
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value < low || value > high) {
    throw UsageError("simulate: " + name + " must be from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

}  // namespace

int run_simulate_command(const Arguments& a) {
  using namespace simulation;
  SimulationConfig config;
  const std::string out_path = a.required("simulate", "--out");
  config.population = whole_number(a, "--population", 1000, 1, 100'000'000);
  config.seed = whole_number(a, "--seed", 1, 0, UINT64_MAX);
  config.start_year = static_cast<int>(whole_number(a, "--start", 2025, 1900, 2200));
  config.years = static_cast<int>(whole_number(a, "--years", 50, 1, 200));
  config.threads = static_cast<unsigned>(whole_number(a, "--threads", 0, 0, 1024));
  config.scheme = load_parameter_file(a.required("simulate", "--scheme"));
  if (const auto path = a.option("--assumptions")) {
    config.assumptions = load_parameter_file(*path, "assumptions");
  } else {
    config.assumptions = parse_parameter_text(embedded_uk_assumptions, "uk-assumptions.yaml (built in)", "assumptions");
  }
  const auto reform_path = a.option("--reform");
  if (reform_path) config.reform = load_parameter_file(*reform_path, "reform");

  SimulationConfig baseline_config = config;
  baseline_config.reform.reset();
  const SimulationResult baseline = simulate(baseline_config);
  const SimulationResult* shown = &baseline;
  std::optional<SimulationResult> reformed;
  if (reform_path) {
    reformed = simulate(config);
    shown = &*reformed;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  write_citizens_csv(*shown, out);
  out.close();
  if (!out) throw Error(ErrorCode::environment, "cannot write " + out_path);
  std::cout << summary_text(*shown);
  if (reformed) std::cout << comparison_text(compare(baseline, *reformed));
  std::cout << "\none row per citizen written to " << out_path << (reformed ? " (the reform's run)" : "") << "\n";
  return 0;
}

}  // namespace commonweal::cli

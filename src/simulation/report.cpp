// The per-citizen CSV and the text summaries of a run (simulation.hpp).
#include <fmt/format.h>

#include <ostream>

#include "commonweal/simulation/simulation.hpp"

namespace commonweal::simulation {
namespace {

std::string money(std::int64_t hundredths) { return Decimal::from_coefficient(hundredths, 2).to_string(); }

// Population-scale pounds as millions, one decimal, half-even.
std::string millions(const Decimal& pounds) {
  return Decimal::divide(pounds, Decimal(1'000'000), 1, RoundingMode::half_even).to_string();
}

std::string percent(const Decimal& part, const Decimal& whole) {
  if (whole.is_zero()) return "-";
  return Decimal::divide(part * Decimal(100), whole, 1, RoundingMode::half_even).to_string() + "%";
}

void group_table(std::string& out, const char* title, const std::map<std::string, GroupTotals>& groups) {
  out += fmt::format("\nby {} (weighted means per person, GBP over the run)\n", title);
  out += fmt::format("  {:<10} {:>8} {:>12} {:>12} {:>12} {:>12} {:>10} {:>12}\n", "group", "citizens", "people",
                     "taxes_paid", "drawn", "bal_at_spa", "weekly_sup", "net_position");
  for (const auto& [label, g] : groups) {
    out += fmt::format("  {:<10} {:>8} {:>12} {:>12} {:>12} {:>12} {:>10} {:>12}\n", label, g.citizens(),
                       g.weight().rounded(0, RoundingMode::half_even).to_string(),
                       g.weighted_mean(Measure::taxes_paid).to_string(), g.weighted_mean(Measure::drawn).to_string(),
                       g.weighted_mean(Measure::balance_at_spa).to_string(),
                       g.weighted_mean(Measure::weekly_supplement).to_string(),
                       g.weighted_mean(Measure::net_position).to_string());
  }
}

void change_table(std::string& out, const char* title, const std::map<std::string, GroupChange>& groups) {
  out += fmt::format("\nwinners and losers by {} (weighted; gain = change in net_position)\n", title);
  out += fmt::format("  {:<10} {:>8} {:>9} {:>9} {:>14}\n", "group", "citizens", "winners", "losers", "mean gain GBP");
  for (const auto& [label, g] : groups) {
    const Decimal mean = g.weight.is_zero() ? Decimal() : Decimal::divide(g.gain.total(), g.weight, 2, RoundingMode::half_even);
    out += fmt::format("  {:<10} {:>8} {:>9} {:>9} {:>14}\n", label, g.citizens, percent(g.winners_weight, g.weight),
                       percent(g.losers_weight, g.weight), mean.to_string());
  }
}

}  // namespace

void write_citizens_csv(const SimulationResult& result, std::ostream& out) {
  out << "citizen,birth_date,death_date,sex,region,cohort,weight,state_pension_age_date,settled,earnings_decile";
  for (const std::string_view name : measure_names) out << ',' << name;
  out << '\n';
  for (const CitizenResult& c : result.citizens) {
    out << c.id << ',' << format_date(c.birth_date) << ',' << (c.death_date ? format_date(*c.death_date) : "") << ','
        << (c.female ? "F" : "M") << ',' << result.region_names.at(c.region) << ',' << result.cohort_labels.at(c.cohort)
        << ',' << c.weight.value().to_string() << ','
        << (c.state_pension_age_date ? format_date(*c.state_pension_age_date) : "") << ','
        << (c.settled ? "true" : "false") << ',' << c.earnings_decile;
    for (const std::int64_t value : c.hundredths) out << ',' << money(value);
    out << '\n';
  }
}

std::string summary_text(const SimulationResult& result) {
  const GroupTotals& total = result.aggregates.total;
  std::string out;
  out += fmt::format("population {} simulated citizens standing for {} people ({} cohorts), seed {}\n",
                     total.citizens(), total.weight().rounded(0, RoundingMode::half_even).to_string(),
                     result.cohort_labels.size(), result.spec.seed);
  out += fmt::format("run        tax years {} to {}: {} events through rules R1-R9, {} entries posted\n",
                     result.flows.front().tax_year, result.flows.back().tax_year, result.events, result.entries);
  for (const ParameterSource& source : result.sources) {
    out += fmt::format("{:<10} {} (sha256 {})\n", source.role, source.name, source.sha256.substr(0, 16));
  }
  const Decimal& drawn = total.weighted(Measure::drawn).total();
  const Decimal& own = total.weighted(Measure::self_financed).total();
  const Decimal& own_taxes = total.weighted(Measure::self_financed_by_taxes).total();
  out += fmt::format("\nredistribution (weighted, GBP million over the run)\n");
  out += fmt::format("  drawn (benefits charged and not, services)  {}\n", millions(drawn));
  out += fmt::format("  financed by the citizen's own contributions {} ({}: horizontal)\n", millions(own), percent(own, drawn));
  out += fmt::format("  financed by others                          {} ({}: vertical)\n", millions(drawn - own),
                     percent(drawn - own, drawn));
  out += fmt::format("  counting every tax paid as a contribution: {} own ({}), {} by others ({})\n", millions(own_taxes),
                     percent(own_taxes, drawn), millions(drawn - own_taxes), percent(drawn - own_taxes, drawn));
  out += fmt::format("  taxes paid {}, contributions credited {}, settled into pensions {}\n",
                     millions(total.weighted(Measure::taxes_paid).total()),
                     millions(total.weighted(Measure::contributions).total()),
                     millions(total.weighted(Measure::balance_at_spa).total()));
  group_table(out, "birth cohort", result.aggregates.by_cohort);
  group_table(out, "lifetime-earnings decile", result.aggregates.by_decile);
  group_table(out, "region", result.aggregates.by_region);
  out += "\nfund flows by tax year (weighted, GBP million)\n";
  out += fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "year", "taxes", "contrib", "care_levy",
                     "charged", "not_chgd", "services", "to_pension");
  for (const YearFlows& y : result.flows) {
    const auto w = [&](Flow f) { return millions(y.weighted[static_cast<std::size_t>(f)].total()); };
    out += fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", y.tax_year, w(Flow::taxes_paid),
                       w(Flow::contributions), w(Flow::care_levy), w(Flow::benefits_charged), w(Flow::benefits_not_charged),
                       w(Flow::service_use), w(Flow::settled_to_pension));
  }
  return out;
}

std::string comparison_text(const Comparison& comparison) {
  std::string out = "\nreform against baseline\n";
  change_table(out, "birth cohort", comparison.by_cohort);
  change_table(out, "lifetime-earnings decile", comparison.by_decile);
  change_table(out, "region", comparison.by_region);
  out += fmt::format("  {:<10} {:>8} {:>9} {:>9}\n", "all", comparison.total.citizens,
                     percent(comparison.total.winners_weight, comparison.total.weight),
                     percent(comparison.total.losers_weight, comparison.total.weight));
  out += "\ncost by tax year (reform minus baseline, weighted, GBP million)\n";
  out += fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "year", "taxes", "contrib", "charged", "indexation",
                     "to_pension");
  for (const YearFlows& y : comparison.cost_by_year) {
    const auto w = [&](Flow f) { return millions(y.weighted[static_cast<std::size_t>(f)].total()); };
    out += fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>10} {:>10}\n", y.tax_year, w(Flow::taxes_paid), w(Flow::contributions),
                       w(Flow::benefits_charged), w(Flow::indexation), w(Flow::settled_to_pension));
  }
  return out;
}

}  // namespace commonweal::simulation

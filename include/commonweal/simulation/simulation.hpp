// commonweal::simulation::simulate: a population run through the scheme's
// own rules, with exact weighted aggregates, and baseline-versus-reform
// comparison (docs/simulation.md).
//
// The runner replays each citizen's life through the SAME rules as the
// ledger (Scheme::reference, and LifeReplay, the replay Engine::derive uses:
// events in date order, R9 at the start of the state pension age birthday,
// R8 after each tax year's last day), with the clock at the run's last day.
// The rules emit into an EntrySink that sums each posting straight into the
// citizen's figures and the flows by tax year, classified exactly as
// read_results() classifies a journal's postings: no journal, no diff, no
// statement, nothing kept per entry. There is no second implementation of
// the rules.
//
// Guarantees
// - Results are identical for any number of threads and any batch size:
//   citizens are independent (no exchanges between them), each result is
//   stored at its citizen's index, and every aggregate is an exact decimal
//   sum (order does not matter).
// - Every aggregate's groups together hold every citizen and all the weight:
//   finish() checks that for each grouping (by cohort, decile, region) the
//   groups' citizens, weights and weighted sums add up to the totals, and
//   throws Error(invalid_argument) if they ever did not. Weighted sums are
//   WeightedSum (weight.hpp): nothing unweighted can be added to them.
// - Each citizen's figures are the sums of the entries the rules emitted;
//   the rules' own running balances (social account, care pot, hours) are
//   checked against them. Taxes paid come from the tax events themselves.
//   A test imports the same events into one Engine and finds, through
//   read_results(), the same figures and flows.
// - Money is exact: whole hundredths in 64-bit sums, and overflow throws
//   Error(overflow); never a binary float.
// - Memory: the per-citizen results (a few hundred bytes each), the
//   aggregates, and per thread one citizen's events and a table of flows.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/lifecycle/engine.hpp"
#include "commonweal/policy/parameter_set.hpp"
#include "commonweal/simulation/population.hpp"

namespace commonweal::simulation {

// Per-citizen figures, in hundredths (pence, or hundredths of an hour), over the run.
enum class Measure : std::size_t {
  earnings,             // gross earnings (the generator's)
  taxes_paid,           // every tax event, care levy included
  income_tax,
  national_insurance,
  care_levy,
  contributions,        // R1 credits to the social account (lifetime.contributions)
  social_credits,       // R4 credits to the social account
  benefits_charged,     // R2 debits
  copayments,           // R3 debits
  indexation,           // R8
  benefits_not_charged, // R2 memo
  service_use,          // R3 costs
  volunteer_hours,      // R4 hours, in hundredths of an hour
  care_pot,             // the care pot at the end
  balance_at_spa,       // the social balance R9 settled (negative: the deficit written off)
  weekly_supplement,    // what R9 pays a week (the final statement's pension.weekly_supplement)
  closing_balance,      // the social account at the run's last day
  drawn,                // benefits_charged + benefits_not_charged + service_use
  self_financed,        // min(drawn, max(contributions, 0)): drawn and financed by one's own contributions
  self_financed_by_taxes,  // min(drawn, taxes_paid): the same with every tax paid counted as one's own contribution
  net_position,         // drawn + closing_balance + max(balance_at_spa, 0) + care_pot - taxes_paid
  count
};
inline constexpr std::size_t measure_count = static_cast<std::size_t>(Measure::count);
inline constexpr std::array<std::string_view, measure_count> measure_names = {
    "earnings", "taxes_paid", "income_tax", "national_insurance", "care_levy", "contributions", "social_credits",
    "benefits_charged", "copayments", "indexation", "benefits_not_charged", "service_use", "volunteer_hours",
    "care_pot", "balance_at_spa", "weekly_supplement", "closing_balance", "drawn", "self_financed", "self_financed_by_taxes", "net_position"};

struct CitizenResult {
  std::size_t index = 0;
  std::string id;
  Date birth_date;
  std::optional<Date> death_date;
  bool female = false;
  std::size_t region = 0, cohort = 0;
  Weight weight = Weight::one();
  std::optional<Date> state_pension_age_date;
  bool settled = false;        // R9 settled the account within the run
  int earnings_decile = 0;     // 1..10 by weighted lifetime earnings among earners; 0: no earnings in the run
  std::array<std::int64_t, measure_count> hundredths{};

  std::int64_t& operator[](Measure m) { return hundredths[static_cast<std::size_t>(m)]; }
  std::int64_t operator[](Measure m) const { return hundredths[static_cast<std::size_t>(m)]; }
  Decimal value(Measure m) const { return Decimal::from_coefficient((*this)[m], 2); }
};

// The fund's flows in one tax year, from the journal's postings effective in it.
enum class Flow : std::size_t {
  taxes_paid, contributions, care_levy, social_credits, benefits_charged, copayments, indexation,
  settled_to_pension, deficits_written_off, benefits_not_charged, service_use, count
};
inline constexpr std::size_t flow_count = static_cast<std::size_t>(Flow::count);
inline constexpr std::array<std::string_view, flow_count> flow_names = {
    "taxes_paid", "contributions", "care_levy", "social_credits", "benefits_charged", "copayments", "indexation",
    "settled_to_pension", "deficits_written_off", "benefits_not_charged", "service_use"};

struct YearFlows {
  std::string tax_year;                            // "2025-26"
  std::array<WeightedSum, flow_count> weighted;    // population-scale pounds
  std::array<Decimal, flow_count> simulated;       // the simulated citizens' own pounds, unweighted
  void merge(const YearFlows& other);
};

// Totals over a group of citizens: count, weight, and per measure the weighted and unweighted sums.
class GroupTotals {
 public:
  void add(const CitizenResult& citizen);  // the only way in: the citizen's own weight goes with its figures
  // What add() of each of `citizens` citizens of this weight gives, exactly, from their figures
  // summed (hundredths by measure): finish() sums a group's citizens of one weight first.
  void add_sums(const Weight& weight, std::size_t citizens, const std::array<detail::int128, measure_count>& hundredths);
  void merge(const GroupTotals& other);
  std::size_t citizens() const { return citizens_; }
  const Decimal& weight() const { return weight_; }
  const WeightedSum& weighted(Measure m) const { return weighted_[static_cast<std::size_t>(m)]; }
  const Decimal& simulated(Measure m) const { return simulated_[static_cast<std::size_t>(m)]; }
  // weighted / weight, rounded half-even to 2 decimals (0 for an empty group).
  Decimal weighted_mean(Measure m) const;

 private:
  std::size_t citizens_ = 0;
  Decimal weight_;
  std::array<WeightedSum, measure_count> weighted_{};
  std::array<Decimal, measure_count> simulated_{};
};

struct Aggregates {
  GroupTotals total;
  std::map<std::string, GroupTotals> by_cohort, by_decile, by_region;  // "1960-1964"; "D01".."D10", "none"; "london"
};

struct SimulationConfig {
  ParameterSet scheme;                 // e.g. examples/schemes/cswa-reference.yaml
  ParameterSet assumptions;            // e.g. examples/simulation/uk-assumptions.yaml
  std::optional<ParameterSet> reform;  // laid over both
  std::size_t population = 1000;
  std::uint64_t seed = 1;
  int start_year = 2025;
  int years = 50;
  unsigned threads = 0;                // 0: every core
  std::size_t batch_size = 32;         // citizens a thread takes at a time
  // A part of the population, for runs split across processes or machines:
  // only citizens first_citizen .. first_citizen + citizen_count - 1 (to the
  // end when citizen_count is empty) of the population of `population`. Each
  // citizen's life depends only on the seed and its index, so a part's rows
  // equal the whole run's; merge_parts() puts the parts back together.
  std::size_t first_citizen = 0;
  std::optional<std::size_t> citizen_count;
};

struct SimulationResult {
  PopulationSpec spec;
  std::vector<ParameterSource> sources;  // scheme, assumptions, reform: names and SHA-256
  std::vector<std::string> cohort_labels, region_names;
  std::vector<CitizenResult> citizens;   // by index
  std::vector<YearFlows> flows;          // by tax year of the run
  Aggregates aggregates;                 // of a part: total, by cohort and by region only (deciles need everyone)
  std::size_t events = 0, entries = 0;   // how many events the rules applied, entries they posted
  std::size_t first_citizen = 0;         // citizens[k] is citizen first_citizen + k
  bool part = false;                     // a part of the population (SimulationConfig::citizen_count), not the whole
  bool partial() const { return part; }
};

// The parameters a run uses: scheme, then assumptions, then reform, each laid over the last.
ParameterSet run_parameters(const SimulationConfig& config);

SimulationResult simulate(const SimulationConfig& config);

// Citizens' figures from the journal of an engine holding them, classified as
// the runner classifies the rules' entries (taxes paid from the citizens'
// tax events), and checked against each citizen's statement; exposed so
// tests can check the runner against a ledger built another way.
void read_results(const Engine& engine, const std::string& last_tax_year, std::vector<CitizenResult*>& citizens,
                  std::vector<YearFlows>& flows, int first_tax_year);

// Assigns deciles, then builds the aggregates and checks them (see Guarantees).
// A partial result gets no deciles (they rank the whole population) and no by_decile.
void finish(SimulationResult& result);

// The whole run from its parts (partial results of one configuration, in any
// order): citizens concatenated by index, flows and counts added, then
// finish(). Throws Error(invalid_argument) unless the parts are of the same
// run (spec, sources, groups) and cover every citizen exactly once, and
// checks that the parts' own aggregates (total, by cohort, by region) add up
// exactly to the merged run's. The result equals the single run's.
SimulationResult merge_parts(std::vector<SimulationResult> parts);

// Baseline against reform, citizen by citizen (the same population: same spec and seed).
struct GroupChange {
  std::size_t citizens = 0, winners = 0, losers = 0;
  Decimal weight, winners_weight, losers_weight;
  WeightedSum gain;  // sum of weight x (reform - baseline) net_position
};
struct Comparison {
  GroupChange total;
  std::map<std::string, GroupChange> by_cohort, by_decile, by_region;  // baseline's deciles
  std::vector<YearFlows> cost_by_year;  // reform minus baseline, flow by flow
};
Comparison compare(const SimulationResult& baseline, const SimulationResult& reform);

// One CSV row per citizen: ids, groups, weight and every measure.
void write_citizens_csv(const SimulationResult& result, std::ostream& out);
// A short text summary (totals, groups, flows, redistribution).
std::string summary_text(const SimulationResult& result);
std::string comparison_text(const Comparison& comparison);

}  // namespace commonweal::simulation

// The population simulation: the assumptions' tax scales, a deterministic
// generator, results identical for any number of threads, aggregates equal
// to the sums of their rows, weights checked by hand, the runner's figures
// equal to what one ledger engine gives for the same events, and reforms.
#include <doctest/doctest.h>

#include <array>
#include <random>
#include <set>
#include <sstream>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/simulation/mersenne_twister.hpp"
#include "commonweal/simulation/simulation.hpp"
#include "commonweal/statement/statement.hpp"

using namespace commonweal;
using namespace commonweal::simulation;

namespace {

const std::string source_dir = COMMONWEAL_SOURCE_DIR;

SimulationConfig small_config(std::size_t population, int years) {
  SimulationConfig config;
  config.scheme = load_parameter_file(source_dir + "/examples/schemes/cswa-reference.yaml");
  config.assumptions = load_parameter_file(source_dir + "/examples/simulation/uk-assumptions.yaml", "assumptions");
  config.population = population;
  config.seed = 20261123;
  config.start_year = 2025;
  config.years = years;
  config.threads = 1;
  config.batch_size = 7;
  return config;
}

std::string csv_of(const SimulationResult& result) {
  std::ostringstream out;
  write_citizens_csv(result, out);
  return out.str();
}

Decimal pounds(std::int64_t pence) { return Decimal::from_coefficient(pence, 2); }

}  // namespace

TEST_CASE("simulation: the generator's Mersenne Twister gives std::mt19937_64's draws, call for call") {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{20261208}, ~std::uint64_t{0},
                                   std::uint64_t{0x9E3779B97F4A7C15ULL}}) {
    std::mt19937_64 standard(seed);
    MersenneTwister64 ours(seed);
    for (int i = 0; i < 2000; ++i) REQUIRE(ours() == standard());  // past six passes of 312 words
    std::array<std::uint64_t, 37> block{};  // fill() in blocks that straddle the chunks
    for (int b = 0; b < 40; ++b) {
      ours.fill(block.data(), block.size());
      for (const std::uint64_t draw : block) REQUIRE(draw == standard());
    }
  }
}

TEST_CASE("simulation: the 2024-25 income tax and National Insurance scales, checked by hand") {
  const SimulationConfig config = small_config(1, 1);
  const Assumptions assumptions = Assumptions::read(run_parameters(config), 2025, 1);
  const YearAssumptions& y = assumptions.year(0);
  // 60,000: 20% of 37,700 + 40% of 9,730.
  CHECK(y.income_tax.tax_pence(6'000'000) == 1'143'200);
  // 110,000: personal allowance 7,570 left; 20% of 37,700 + 40% of (102,430 - 37,700) = 33,432.
  CHECK(y.income_tax.tax_pence(11'000'000) == 3'343'200);
  // 125,140 and above: no allowance; 200,000: 7,540 + 40% of 87,440 + 45% of 74,860.
  CHECK(y.income_tax.tax_pence(20'000'000) == 754'000 + 3'497'600 + 3'368'700);
  CHECK(y.income_tax.tax_pence(1'257'000) == 0);
  CHECK(y.income_tax.tax_pence(1'257'099) == 19);  // 20% of 0.99 = 0.198, rounded down
  // NI: 8% of 37,700 + 2% of 9,730 = 3,210.60.
  CHECK(y.national_insurance.tax_pence(6'000'000) == 321'060);
  CHECK(y.child_benefit_eldest_week_pence == 2560);
  CHECK(y.care_levy_age == 45);
  CHECK(y.care_levy_ppm == 10'000);
  // R9's whole years, rounded down from the legislated timetable.
  const ParameterSet parameters = run_parameters(config);
  CHECK(parameters.number_at("state_pension_age", parse_date("1960-04-06"))->to_string() == "66");
  CHECK(parameters.number_at("state_pension_age", parse_date("1961-03-06"))->to_string() == "67");
  CHECK(parameters.number_at("state_pension_age", parse_date("1978-04-06"))->to_string() == "68");
}

TEST_CASE("simulation: weights are positive with at most 6 decimals, and sums cannot forget them") {
  CHECK_THROWS_AS(Weight::of(Decimal(0)), Error);
  CHECK_THROWS_AS(Weight::of(Decimal::parse("-1")), Error);
  CHECK_THROWS_AS(Weight::of(Decimal::parse("1.0000001")), Error);
  WeightedSum sum;
  sum.add(Weight::of(Decimal::parse("2.5")), Decimal::parse("10.01"));
  sum.add(Weight::of(Decimal::parse("0.000001")), Decimal::parse("3.00"));
  CHECK(sum.total() == Decimal::parse("25.025003"));
}

TEST_CASE("simulation: the generator is deterministic, and its lives are well formed") {
  const SimulationConfig config = small_config(120, 50);
  const ParameterSet parameters = run_parameters(config);
  const Population population(parameters, PopulationSpec{120, 42, 2025, 50});
  const Population again(parameters, PopulationSpec{120, 42, 2025, 50});
  std::size_t events = 0, deaths = 0, females = 0;
  std::set<std::string> kinds;
  for (std::size_t i = 120; i-- > 0;) {  // backwards: the order asked for does not matter
    const SyntheticCitizen a = population.citizen(i);
    const SyntheticCitizen b = again.citizen(i);
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t e = 0; e < a.events.size(); ++e) CHECK(a.events[e].same_content(b.events[e]));
    CHECK(a.citizen.birth_date == b.citizen.birth_date);
    CHECK(a.citizen.death_date == b.citizen.death_date);
    CHECK(a.cohort == i % population.assumptions().cohorts().size());
    std::set<std::string> ids;
    for (const Event& event : a.events) {
      CHECK(ids.insert(event.id).second);
      CHECK(event.date >= a.citizen.birth_date);
      if (a.citizen.death_date) CHECK(event.date <= *a.citizen.death_date);
      CHECK(event.date >= parse_date("2025-04-06"));
      CHECK(event.date <= parse_date("2075-04-05"));
      CHECK(event.amount.sign() > 0);
      CHECK(event.amount.scale() == 2);
      CHECK(event.kind != EventKind::exchange);
      kinds.insert(std::string(to_string(event.kind)) + ":" + event.code);
    }
    events += a.events.size();
    deaths += a.citizen.death_date ? 1 : 0;
    females += a.female ? 1 : 0;
  }
  CHECK(events > 120 * 20);
  CHECK(deaths > 10);
  CHECK(females > 40);
  CHECK(females < 80);
  for (const char* kind : {"tax:income_tax", "tax:national_insurance", "tax:care_levy", "benefit:child_benefit",
                           "benefit:student_grant", "benefit:state_pension", "benefit:jobseekers_allowance",
                           "service:gp_visit", "service:hospital", "service:school", "volunteer:community"}) {
    CHECK_MESSAGE(kinds.count(kind) == 1, kind);
  }
  // Another seed gives other lives.
  const Population other(parameters, PopulationSpec{120, 43, 2025, 50});
  CHECK(other.citizen(5).citizen.birth_date != population.citizen(5).citizen.birth_date);
}

TEST_CASE("simulation: the same seed gives the same results for 1, 2 and 8 threads and any batch size") {
  SimulationConfig config = small_config(90, 30);
  const SimulationResult one = simulate(config);
  config.threads = 2;
  config.batch_size = 1;
  const SimulationResult two = simulate(config);
  config.threads = 8;
  config.batch_size = 4;
  const SimulationResult eight = simulate(config);
  CHECK(csv_of(one) == csv_of(two));
  CHECK(csv_of(one) == csv_of(eight));
  CHECK(summary_text(one) == summary_text(two));
  CHECK(summary_text(one) == summary_text(eight));
  CHECK(one.events == eight.events);
  CHECK(one.events > 2000);
}

TEST_CASE("simulation: a population run in parts and merged equals the run in one piece") {
  SimulationConfig config = small_config(50, 20);
  const SimulationResult whole = simulate(config);
  std::vector<SimulationResult> parts;
  for (const auto& [first, count] : {std::pair<std::size_t, std::size_t>{31, 19}, {0, 13}, {13, 0}, {13, 18}}) {
    config.first_citizen = first;
    config.citizen_count = count;
    SimulationResult part = simulate(config);
    REQUIRE(part.citizens.size() == count);
    CHECK(part.partial());
    CHECK(part.aggregates.by_decile.empty());  // deciles rank the whole population
    for (std::size_t k = 0; k < count; ++k) {
      CHECK(part.citizens[k].index == first + k);
      CHECK(part.citizens[k].hundredths == whole.citizens[first + k].hundredths);
    }
    parts.push_back(std::move(part));
  }
  const SimulationResult merged = merge_parts(parts);
  CHECK_FALSE(merged.partial());
  CHECK(csv_of(merged) == csv_of(whole));
  CHECK(summary_text(merged) == summary_text(whole));
  CHECK(merged.events == whole.events);
  CHECK(merged.entries == whole.entries);

  std::vector<SimulationResult> missing(parts.begin(), parts.begin() + 2);
  CHECK_THROWS_WITH(merge_parts(missing), "merge_parts: citizen 13 is in no part");
  std::vector<SimulationResult> twice = parts;
  twice.push_back(parts[1]);
  CHECK_THROWS_WITH(merge_parts(twice), "merge_parts: citizen 0 is in two parts");
  std::vector<SimulationResult> other_seed = parts;
  other_seed[0].spec.seed += 1;
  CHECK_THROWS_AS(merge_parts(other_seed), Error);
  config.first_citizen = 40;
  config.citizen_count = 11;
  CHECK_THROWS_AS(simulate(config), Error);
}

TEST_CASE("simulation: every aggregate equals the weighted sum of its citizens' rows") {
  const SimulationResult result = simulate(small_config(75, 25));
  const Aggregates& a = result.aggregates;
  CHECK(a.total.citizens() == 75);
  for (std::size_t m = 0; m < measure_count; ++m) {
    const auto measure = static_cast<Measure>(m);
    Decimal weighted, simulated, weight;
    std::map<std::string, Decimal> by_region;
    for (const CitizenResult& c : result.citizens) {
      weighted += c.weight.value() * c.value(measure);
      simulated += c.value(measure);
      weight += c.weight.value();
      by_region[result.region_names[c.region]] += c.weight.value() * c.value(measure);
    }
    CHECK(a.total.weighted(measure).total() == weighted);
    CHECK(a.total.simulated(measure) == simulated);
    CHECK(a.total.weight() == weight);
    for (const auto& [region, total] : by_region) CHECK(a.by_region.at(region).weighted(measure).total() == total);
  }
  // The flows by year add up to the citizens' lifetime figures.
  Decimal taxes, contributions, charged, not_charged, services, settled;
  for (const YearFlows& y : result.flows) {
    taxes += y.simulated[static_cast<std::size_t>(Flow::taxes_paid)];
    contributions += y.simulated[static_cast<std::size_t>(Flow::contributions)];
    charged += y.simulated[static_cast<std::size_t>(Flow::benefits_charged)];
    not_charged += y.simulated[static_cast<std::size_t>(Flow::benefits_not_charged)];
    services += y.simulated[static_cast<std::size_t>(Flow::service_use)];
    settled += y.simulated[static_cast<std::size_t>(Flow::settled_to_pension)] -
               y.simulated[static_cast<std::size_t>(Flow::deficits_written_off)];
  }
  CHECK(taxes == a.total.simulated(Measure::taxes_paid));
  CHECK(contributions == a.total.simulated(Measure::contributions));
  CHECK(charged == a.total.simulated(Measure::benefits_charged));
  CHECK(not_charged == a.total.simulated(Measure::benefits_not_charged));
  CHECK(services == a.total.simulated(Measure::service_use));
  CHECK(settled == a.total.simulated(Measure::balance_at_spa));
  // Each citizen's identities.
  for (const CitizenResult& c : result.citizens) {
    CHECK(c[Measure::taxes_paid] >= c[Measure::income_tax] + c[Measure::national_insurance] + c[Measure::care_levy]);
    CHECK(c[Measure::care_pot] == c[Measure::care_levy]);
    CHECK(c[Measure::drawn] == c[Measure::benefits_charged] + c[Measure::benefits_not_charged] + c[Measure::service_use]);
    CHECK(c[Measure::closing_balance] == c[Measure::contributions] + c[Measure::social_credits] - c[Measure::benefits_charged] -
                                             c[Measure::copayments] + c[Measure::indexation] - c[Measure::balance_at_spa]);
  }
}

TEST_CASE("simulation: weighted groups and deciles, checked by hand on three citizens") {
  SimulationResult result;
  result.cohort_labels = {"1960-1964", "1990-1994"};
  result.region_names = {"london", "wales"};
  const auto citizen = [](std::size_t index, const char* weight, std::size_t cohort, std::size_t region,
                          std::int64_t earnings, std::int64_t taxes) {
    CitizenResult c;
    c.index = index;
    c.id = Population::citizen_id(index);
    c.weight = Weight::of(Decimal::parse(weight));
    c.cohort = cohort;
    c.region = region;
    c[Measure::earnings] = earnings;
    c[Measure::taxes_paid] = taxes;
    return c;
  };
  result.citizens = {citizen(0, "1.5", 0, 0, 1'000'000, 10'000), citizen(1, "2", 1, 0, 0, 0),
                     citizen(2, "0.25", 1, 1, 500'000, 2'001)};
  finish(result);
  const Aggregates& a = result.aggregates;
  // Taxes: 1.5 x 100.00 + 2 x 0 + 0.25 x 20.01 = 155.0025 over a weight of 3.75.
  CHECK(a.total.weighted(Measure::taxes_paid).total() == Decimal::parse("155.0025"));
  CHECK(a.total.weight() == Decimal::parse("3.75"));
  CHECK(a.total.weighted_mean(Measure::taxes_paid) == Decimal::parse("41.33"));  // 41.334
  CHECK(a.by_cohort.at("1990-1994").weighted(Measure::taxes_paid).total() == Decimal::parse("5.0025"));
  CHECK(a.by_cohort.at("1990-1994").weight() == Decimal::parse("2.25"));
  CHECK(a.by_region.at("london").citizens() == 2);
  // Earners: citizen 2 (5,000, weight 0.25) then citizen 0 (10,000, weight 1.5); 1.75 in all.
  // Citizen 2 has nothing before it: decile 1. Citizen 0 has 0.25 before: 10 x 0.25 = 2.5 >= k x 1.75 for k <= 1: decile 2.
  CHECK(result.citizens[2].earnings_decile == 1);
  CHECK(result.citizens[0].earnings_decile == 2);
  CHECK(result.citizens[1].earnings_decile == 0);
  CHECK(a.by_decile.at("none").weight() == Decimal(2));
}

TEST_CASE("simulation: the runner's figures equal one ledger engine's for the same events") {
  const SimulationConfig config = small_config(40, 50);
  const SimulationResult run = simulate(config);
  const ParameterSet parameters = run_parameters(config);
  const Population population(parameters, PopulationSpec{40, config.seed, 2025, 50});
  // One engine for every citizen, events imported first and the clock advanced after (the runner does the reverse).
  Engine ledger(Scheme::reference(parameters));
  ImportBatch batch;
  for (std::size_t i = 0; i < 40; ++i) {
    SyntheticCitizen s = population.citizen(i);
    batch.citizens.push_back({s.citizen, "test"});
    for (Event& event : s.events) batch.events.push_back(event);
  }
  ledger.import(batch, parse_moment("2076-01-01T00:00:00Z"));
  ledger.advance(parse_date("2075-04-05"), parse_moment("2076-01-02T00:00:00Z"));
  std::size_t settled_with_supplement = 0;
  for (const CitizenResult& c : run.citizens) {
    const Statement statement = make_statement(ledger, c.id, "2074-75");
    CHECK(pounds(c[Measure::contributions]) == statement.lifetime.contributions);
    CHECK(pounds(c[Measure::benefits_charged]) == statement.lifetime.benefits_charged);
    CHECK(pounds(c[Measure::service_use]) == statement.lifetime.service_use);
    CHECK(pounds(c[Measure::volunteer_hours]) == statement.lifetime.volunteer_hours);
    CHECK(pounds(c[Measure::closing_balance]) == statement.social_account.closing_balance);
    CHECK(pounds(c[Measure::care_pot]) == statement.care_pot.closing_balance);
    CHECK(pounds(c[Measure::weekly_supplement]) == statement.pension.weekly_supplement);
    CHECK(c.settled == statement.pension.settled);
    const std::string taxes = "memo:citizen:" + c.id + ":taxes";
    CHECK(pounds(c[Measure::taxes_paid]) == (ledger.journal().has_account(taxes) ? ledger.journal().balance(taxes) : Decimal()));
    if (c[Measure::weekly_supplement] > 0) ++settled_with_supplement;
  }
  CHECK(settled_with_supplement > 0);
  // Reading that ledger as the runner reads its engines gives the same rows and flows.
  std::vector<CitizenResult> rows(40);
  std::vector<CitizenResult*> pointers;
  for (std::size_t i = 0; i < 40; ++i) {
    rows[i] = run.citizens[i];
    rows[i].hundredths = {};
    rows[i][Measure::earnings] = run.citizens[i][Measure::earnings];
    pointers.push_back(&rows[i]);
  }
  std::vector<YearFlows> flows(run.flows.size());
  read_results(ledger, "2074-75", pointers, flows, 2025);
  for (std::size_t i = 0; i < 40; ++i) CHECK(rows[i].hundredths == run.citizens[i].hundredths);
  for (std::size_t t = 0; t < flows.size(); ++t) CHECK(flows[t].simulated == run.flows[t].simulated);
}

// The runner's per-citizen figures and flows against the journal path: the same lives imported
// into one Engine and read back by read_results() (which also checks every statement).
void check_runner_equals_journal(const SimulationConfig& config) {
  const SimulationResult run = simulate(config);
  const ParameterSet parameters = run_parameters(config);
  const Population population(parameters, PopulationSpec{config.population, config.seed, config.start_year, config.years});
  Engine ledger(Scheme::reference(parameters));
  ImportBatch batch;
  for (std::size_t i = 0; i < config.population; ++i) {
    SyntheticCitizen s = population.citizen(i);
    batch.citizens.push_back({s.citizen, "test"});
    for (Event& event : s.events) batch.events.push_back(event);
  }
  ledger.import(batch, parse_moment("2080-01-01T00:00:00Z"));
  ledger.advance(population.assumptions().last_day(), parse_moment("2080-01-02T00:00:00Z"));
  std::vector<CitizenResult> rows(config.population);
  std::vector<CitizenResult*> pointers;
  for (std::size_t i = 0; i < config.population; ++i) {
    rows[i] = run.citizens[i];
    rows[i].hundredths = {};
    rows[i].settled = !run.citizens[i].settled;  // read_results must set them again
    rows[i].state_pension_age_date.reset();
    rows[i][Measure::earnings] = run.citizens[i][Measure::earnings];
    pointers.push_back(&rows[i]);
  }
  std::vector<YearFlows> flows(run.flows.size());
  const std::string last_tax_year = TaxYear(config.start_year + config.years - 1, parameters.tax_year_start).label();
  read_results(ledger, last_tax_year, pointers, flows, config.start_year);
  for (std::size_t i = 0; i < config.population; ++i) {
    CHECK_MESSAGE(rows[i].hundredths == run.citizens[i].hundredths, run.citizens[i].id);
    CHECK(rows[i].settled == run.citizens[i].settled);
    CHECK(rows[i].state_pension_age_date == run.citizens[i].state_pension_age_date);
  }
  for (std::size_t t = 0; t < flows.size(); ++t) {
    CHECK(flows[t].simulated == run.flows[t].simulated);
    for (std::size_t f = 0; f < flow_count; ++f) CHECK(flows[t].weighted[f].total() == run.flows[t].weighted[f].total());
  }
}

TEST_CASE("simulation: the runner's sink equals the journal path, citizen by citizen, under reforms") {
  SimulationConfig config = small_config(45, 50);
  config.seed = 99;
  check_runner_equals_journal(config);
  // Deficits indexed, a co-payment on every GP visit and hospital stay, the state pension charged,
  // a lower valuation of volunteering: every rule's other branches (deficits written off at R9,
  // negative indexation).
  config.reform = parse_parameter_text(
      "index_deficits: {values: {2025-04-06: true}}\n"
      "indexation_rate: {values: {2025-04-06: 0.035}}\n"
      "copayment_rate:\n  gp_visit: {values: {2025-04-06: 0.15}}\n  hospital: {values: {2030-04-06: 0.05}}\n"
      "debitable:\n  jobseekers_allowance: {values: {2025-04-06: true}}\n"
      "valuation_rate_per_hour: {values: {2025-04-06: 7.77}}\n",
      "deficits.yaml", "reform");
  config.threads = 2;
  check_runner_equals_journal(config);
  const SimulationResult reform = simulate(config);
  std::size_t written_off = 0, negative_indexation = 0;
  for (const CitizenResult& c : reform.citizens) {
    written_off += c[Measure::balance_at_spa] < 0 ? 1 : 0;
    negative_indexation += c[Measure::indexation] < 0 ? 1 : 0;
  }
  CHECK(written_off > 0);
  CHECK(negative_indexation > 0);
}

TEST_CASE("simulation: a reform is compared citizen by citizen over the same lives") {
  SimulationConfig config = small_config(60, 40);
  const SimulationResult baseline = simulate(config);
  config.reform = parse_parameter_text(
      "contribution_share:\n  income_tax: {values: {2025-04-06: 0.20}}\ncare_levy:\n  rate: {values: {2025-04-06: 0.02}}\n",
      "reform.yaml", "reform");
  const SimulationResult reform = simulate(config);
  const Comparison comparison = compare(baseline, reform);
  std::size_t winners = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const CitizenResult& b = baseline.citizens[i];
    const CitizenResult& r = reform.citizens[i];
    // The same lives: earnings, income tax and NI do not change; the levy doubles (to the penny, rounded down).
    CHECK(b[Measure::earnings] == r[Measure::earnings]);
    CHECK(b[Measure::income_tax] == r[Measure::income_tax]);
    CHECK(b[Measure::benefits_not_charged] == r[Measure::benefits_not_charged]);
    CHECK(r[Measure::care_levy] >= 2 * b[Measure::care_levy]);
    CHECK(r[Measure::contributions] >= b[Measure::contributions]);
    if (r[Measure::net_position] > b[Measure::net_position]) ++winners;
  }
  CHECK(comparison.total.citizens == 60);
  CHECK(comparison.total.winners == winners);
  CHECK(comparison.total.winners + comparison.total.losers <= 60);
  Decimal gain;
  for (std::size_t i = 0; i < 60; ++i) {
    gain += baseline.citizens[i].weight.value() *
            pounds(reform.citizens[i][Measure::net_position] - baseline.citizens[i][Measure::net_position]);
  }
  CHECK(comparison.total.gain.total() == gain);
  // The cost by year is the difference of the flows, and extra contributions show in it.
  Decimal extra_contributions;
  for (const YearFlows& y : comparison.cost_by_year) extra_contributions += y.simulated[static_cast<std::size_t>(Flow::contributions)];
  CHECK(extra_contributions == reform.aggregates.total.simulated(Measure::contributions) -
                                   baseline.aggregates.total.simulated(Measure::contributions));
  CHECK(extra_contributions.sign() > 0);
  // Another population cannot be compared.
  config.seed += 1;
  CHECK_THROWS_AS(compare(baseline, simulate(config)), Error);
}

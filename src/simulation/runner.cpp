// The population runner: citizens in batches through a fresh Engine each
// (the ledger's own rules), results read back from the journal (simulation.hpp).
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "commonweal/core/moment.hpp"
#include "commonweal/simulation/simulation.hpp"
#include "commonweal/statement/statement.hpp"

namespace commonweal::simulation {
namespace {

std::int64_t hundredths(const Decimal& value) {
  const Decimal at_scale = value.rounded(2, RoundingMode::down);
  if (at_scale != value) throw Error(ErrorCode::invalid_argument, "simulation: " + value.to_string() + " is not in hundredths");
  return static_cast<std::int64_t>(at_scale.coefficient());
}

std::string_view rule_of(const std::string& code) { return std::string_view(code).substr(0, code.find(':')); }
std::string_view detail_of(const std::string& code) {
  const auto colon = code.find(':');
  return colon == std::string::npos ? std::string_view() : std::string_view(code).substr(colon + 1);
}

struct AccountOwner {
  std::string_view citizen, pot;
  bool memo = false;
};

// "citizen:ID:POT" or "memo:citizen:ID:POT"; anything else has no owner.
std::optional<AccountOwner> owner_of(std::string_view name) {
  AccountOwner owner;
  if (name.rfind("memo:", 0) == 0) {
    owner.memo = true;
    name.remove_prefix(5);
  }
  if (name.rfind("citizen:", 0) != 0) return std::nullopt;
  name.remove_prefix(8);
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  owner.citizen = name.substr(0, colon);
  owner.pot = name.substr(colon + 1);
  return owner;
}

void add_flow(YearFlows& year, Flow flow, const Weight& weight, const Decimal& amount) {
  year.weighted[static_cast<std::size_t>(flow)].add(weight, amount);
  year.simulated[static_cast<std::size_t>(flow)] += amount;
}

void read_posting(const Entry& entry, const AccountOwner& owner, const Decimal& amount, CitizenResult& c, YearFlows& year) {
  const std::int64_t v = hundredths(amount);
  const std::string_view rule = rule_of(entry.code);
  const auto flow = [&](Flow f, const Decimal& a) { add_flow(year, f, c.weight, a); };
  if (owner.memo) {
    if (owner.pot == "taxes") {
      c[Measure::taxes_paid] += v;
      const std::string_view code = detail_of(entry.code);
      if (code == "income_tax") c[Measure::income_tax] += v;
      else if (code == "national_insurance") c[Measure::national_insurance] += v;
      else if (code == "care_levy") c[Measure::care_levy] += v;
      flow(Flow::taxes_paid, amount);
    } else if (owner.pot == "benefits") {
      c[Measure::benefits_not_charged] += v;
      flow(Flow::benefits_not_charged, amount);
    } else if (owner.pot == "services") {
      c[Measure::service_use] += v;
      flow(Flow::service_use, amount);
    }
    return;
  }
  if (owner.pot == "social") {
    c[Measure::closing_balance] += v;
    if (rule == "R1") c[Measure::contributions] += v, flow(Flow::contributions, amount);
    else if (rule == "R4") c[Measure::social_credits] += v, flow(Flow::social_credits, amount);
    else if (rule == "R2") c[Measure::benefits_charged] -= v, flow(Flow::benefits_charged, -amount);
    else if (rule == "R3") c[Measure::copayments] -= v, flow(Flow::copayments, -amount);
    else if (rule == "R8") c[Measure::indexation] += v, flow(Flow::indexation, amount);
    else if (rule == "R9") {
      c[Measure::balance_at_spa] -= v;
      if (amount.sign() < 0) flow(Flow::settled_to_pension, -amount);
      else flow(Flow::deficits_written_off, amount);
    } else {
      throw Error(ErrorCode::invalid_argument, "simulation: entry " + entry.id + " has an unexpected code " + entry.code);
    }
  } else if (owner.pot == "care") {
    c[Measure::care_pot] += v;
    if (rule == "R1.care") flow(Flow::care_levy, amount);
  } else if (owner.pot == "time") {
    if (rule == "R4") c[Measure::volunteer_hours] += v;
  }
}

// What the statement says must be what the journal said; then the derived measures.
void complete(const Engine& engine, const std::string& last_tax_year, CitizenResult& c) {
  const Statement statement = make_statement(engine, c.id, last_tax_year);
  const auto check = [&](const Decimal& from_statement, Measure m) {
    if (from_statement != c.value(m)) {
      throw Error(ErrorCode::invalid_argument, "simulation: citizen " + c.id + ": the statement's " +
                                                   std::string(measure_names[static_cast<std::size_t>(m)]) + " " +
                                                   from_statement.to_string() + " differs from the journal's " +
                                                   c.value(m).to_string());
    }
  };
  check(statement.lifetime.contributions, Measure::contributions);
  check(statement.lifetime.benefits_charged, Measure::benefits_charged);
  check(statement.lifetime.service_use, Measure::service_use);
  check(statement.social_account.closing_balance, Measure::closing_balance);
  check(statement.care_pot.closing_balance, Measure::care_pot);
  c.settled = statement.pension.settled;
  c.state_pension_age_date = statement.pension.state_pension_age_date;
  c[Measure::weekly_supplement] = hundredths(statement.pension.weekly_supplement);
  const std::int64_t drawn = c[Measure::benefits_charged] + c[Measure::benefits_not_charged] + c[Measure::service_use];
  c[Measure::drawn] = drawn;
  c[Measure::self_financed] = std::min(drawn, std::max<std::int64_t>(c[Measure::contributions], 0));
  c[Measure::self_financed_by_taxes] = std::min(drawn, c[Measure::taxes_paid]);
  c[Measure::net_position] = drawn + c[Measure::closing_balance] + std::max<std::int64_t>(c[Measure::balance_at_spa], 0) +
                             c[Measure::care_pot] - c[Measure::taxes_paid];
}

std::vector<YearFlows> empty_flows(const ParameterSet& parameters, int start_year, int years) {
  std::vector<YearFlows> flows(static_cast<std::size_t>(years));
  for (int t = 0; t < years; ++t) flows[static_cast<std::size_t>(t)].tax_year = TaxYear(start_year + t, parameters.tax_year_start).label();
  return flows;
}

}  // namespace

void YearFlows::merge(const YearFlows& other) {
  for (std::size_t f = 0; f < flow_count; ++f) {
    weighted[f].merge(other.weighted[f]);
    simulated[f] += other.simulated[f];
  }
}

void read_results(const Engine& engine, const std::string& last_tax_year, std::vector<CitizenResult*>& citizens,
                  std::vector<YearFlows>& flows, int first_tax_year) {
  std::unordered_map<std::string_view, CitizenResult*> by_id;
  for (CitizenResult* c : citizens) by_id.emplace(c->id, c);
  const TaxYearStart start = engine.scheme().parameters().tax_year_start;
  for (const Entry& entry : engine.journal().entries()) {
    const int year = TaxYear::containing(entry.effective_date, start).start_year() - first_tax_year;
    for (const Posting& posting : entry.postings) {
      const auto owner = owner_of(posting.account);
      if (!owner) continue;
      const auto found = by_id.find(owner->citizen);
      if (found == by_id.end()) continue;
      if (year < 0 || year >= static_cast<int>(flows.size())) {
        throw Error(ErrorCode::invalid_argument, "simulation: entry " + entry.id + " falls outside the run");
      }
      read_posting(entry, *owner, posting.amount.value(), *found->second, flows[static_cast<std::size_t>(year)]);
    }
  }
  for (CitizenResult* c : citizens) complete(engine, last_tax_year, *c);
}

ParameterSet run_parameters(const SimulationConfig& config) {
  ParameterSet parameters = config.scheme.with_reform(config.assumptions);
  if (config.reform) parameters = parameters.with_reform(*config.reform);
  return parameters;
}

SimulationResult simulate(const SimulationConfig& config) {
  const ParameterSet parameters = run_parameters(config);
  const Population population(parameters, PopulationSpec{config.population, config.seed, config.start_year, config.years});
  const Assumptions& assumptions = population.assumptions();
  const Scheme scheme = Scheme::reference(parameters);
  const std::string last_tax_year = TaxYear(config.start_year + config.years - 1, parameters.tax_year_start).label();
  const Moment recorded_at = start_of_day(add_days(assumptions.last_day(), 1));

  SimulationResult result;
  result.spec = population.spec();
  for (ParameterSource s : config.scheme.sources()) result.sources.push_back(s);
  for (ParameterSource s : config.assumptions.sources()) s.role = "assumptions", result.sources.push_back(s);
  if (config.reform) for (ParameterSource s : config.reform->sources()) s.role = "reform", result.sources.push_back(s);
  for (const Cohort& cohort : assumptions.cohorts()) result.cohort_labels.push_back(cohort.label);
  for (const Region& region : assumptions.regions()) result.region_names.push_back(region.name);
  if (config.first_citizen > config.population ||
      (config.citizen_count && *config.citizen_count > config.population - config.first_citizen)) {
    throw Error(ErrorCode::invalid_argument, "simulate: the citizens asked for lie beyond the population of " +
                                                 std::to_string(config.population));
  }
  const std::size_t first_citizen = config.first_citizen;
  const std::size_t end_citizen = config.citizen_count ? first_citizen + *config.citizen_count : config.population;
  result.first_citizen = first_citizen;
  result.part = first_citizen != 0 || end_citizen != config.population;
  result.citizens.resize(end_citizen - first_citizen);
  result.flows = empty_flows(parameters, config.start_year, config.years);

  const std::size_t batch_size = std::max<std::size_t>(1, config.batch_size);
  const std::size_t batches = (end_citizen - first_citizen + batch_size - 1) / batch_size;
  unsigned threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, batches));
  std::atomic<std::size_t> next{0}, events{0}, entries{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex merge_lock;

  const auto work = [&] {
    std::vector<YearFlows> flows = empty_flows(parameters, config.start_year, config.years);
    try {
      for (std::size_t b = next++; b < batches && !failed; b = next++) {
        const std::size_t first = first_citizen + b * batch_size, last = std::min(end_citizen, first + batch_size);
        Engine engine(scheme);
        engine.advance(assumptions.last_day(), recorded_at);
        ImportBatch batch;
        std::vector<CitizenResult*> rows;
        for (std::size_t i = first; i < last; ++i) {
          SyntheticCitizen s = population.citizen(i);
          CitizenResult& row = result.citizens[i - first_citizen];
          row.index = i;
          row.id = s.citizen.id;
          row.birth_date = s.citizen.birth_date;
          row.death_date = s.citizen.death_date;
          row.female = s.female;
          row.region = s.region;
          row.cohort = s.cohort;
          row.weight = s.weight;
          row[Measure::earnings] = s.earnings_pence;
          rows.push_back(&row);
          batch.citizens.push_back({std::move(s.citizen), "simulation"});
          for (Event& event : s.events) batch.events.push_back(std::move(event));
        }
        events += batch.events.size();
        engine.import(batch, recorded_at);
        entries += engine.journal().entry_count();
        read_results(engine, last_tax_year, rows, flows, config.start_year);
      }
    } catch (...) {
      std::lock_guard<std::mutex> guard(merge_lock);
      if (!failure) failure = std::current_exception();
      failed = true;
      return;
    }
    std::lock_guard<std::mutex> guard(merge_lock);
    for (std::size_t t = 0; t < flows.size(); ++t) result.flows[t].merge(flows[t]);
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
    for (std::thread& thread : pool) thread.join();
  }
  if (failure) std::rethrow_exception(failure);
  result.events = events;
  result.entries = entries;
  finish(result);
  return result;
}

}  // namespace commonweal::simulation

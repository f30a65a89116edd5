// The population runner: each citizen's life replayed through the scheme's
// rules (LifeReplay, as the engine derives) into a MeasureSink that sums the
// entries into its figures; read_results() reads the same figures from a
// journal (simulation.hpp).
#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "commonweal/lifecycle/replay.hpp"
#include "commonweal/simulation/simulation.hpp"
#include "commonweal/statement/statement.hpp"

namespace commonweal::simulation {
namespace {

std::int64_t hundredths(const Decimal& value) {
  const Decimal at_scale = value.scale() == 2 ? value : value.rounded(2, RoundingMode::down);  // amounts are mostly in pence already
  if (value.scale() != 2 && at_scale != value) {
    throw Error(ErrorCode::invalid_argument, "simulation: " + value.to_string() + " is not in hundredths");
  }
  const Decimal::coefficient_type coefficient = at_scale.coefficient();
  if (coefficient > INT64_MAX || coefficient <= INT64_MIN) {  // INT64_MIN too: its negation must fit
    throw Error(ErrorCode::overflow, "simulation: " + value.to_string() + " passes 2^63 hundredths");
  }
  return static_cast<std::int64_t>(coefficient);
}

// text == literal, with a length the compiler knows (compared inline, no library call).
template <std::size_t size>
bool is(std::string_view text, const char (&literal)[size]) {
  return text.size() == size - 1 && std::memcmp(text.data(), literal, size - 1) == 0;
}

// a == b, compared inline 8 bytes at a time (ids and pots are short: no library call).
inline bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  std::size_t n = a.size();
  for (; n >= 8; n -= 8, x += 8, y += 8) {
    std::uint64_t u, v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    if (u != v) return false;
  }
  for (; n > 0; --n) {
    if (*x++ != *y++) return false;
  }
  return true;
}

// Where the first ':' is (npos: none), by a loop the compiler keeps inline (codes are short).
inline std::size_t colon_in(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ':') return i;
  }
  return std::string_view::npos;
}

std::string_view rule_of(std::string_view code) { return code.substr(0, colon_in(code)); }

struct AccountOwner {
  std::string_view citizen, pot;
  bool memo = false;
};

// "citizen:ID:POT" or "memo:citizen:ID:POT"; anything else has no owner.
std::optional<AccountOwner> owner_of(std::string_view name) {
  AccountOwner owner;
  if (name.starts_with("memo:")) {
    owner.memo = true;
    name.remove_prefix(5);
  }
  if (!name.starts_with("citizen:")) return std::nullopt;
  name.remove_prefix(8);
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  owner.citizen = name.substr(0, colon);
  owner.pot = name.substr(colon + 1);
  return owner;
}

[[noreturn, gnu::cold, gnu::noinline]] void throw_sum_overflow() {
  throw Error(ErrorCode::overflow, "simulation: a sum passed 2^63 hundredths");
}

// total += amount, or Error(overflow); small enough to inline (the throw is out of line).
inline void add_checked(std::int64_t& total, std::int64_t amount) {
  if (__builtin_add_overflow(total, amount, &total)) throw_sum_overflow();
}

// One posting to one of the citizen's accounts: its measures and flows. Taxes paid are not read
// from postings (the memo pairs may go): add_tax() reads them from the tax events themselves.
template <class AddFlow>
void add_posting(std::string_view rule, const AccountOwner& owner, std::int64_t v, CitizenResult& c, const AddFlow& flow) {
  const auto add = [&](Measure m, std::int64_t amount) { add_checked(c[m], amount); };
  if (owner.memo) {
    if (is(owner.pot, "benefits")) add(Measure::benefits_not_charged, v), flow(Flow::benefits_not_charged, v);
    else if (is(owner.pot, "services")) add(Measure::service_use, v), flow(Flow::service_use, v);
    return;
  }
  if (is(owner.pot, "social")) {
    add(Measure::closing_balance, v);
    if (is(rule, "R1")) add(Measure::contributions, v), flow(Flow::contributions, v);
    else if (is(rule, "R4")) add(Measure::social_credits, v), flow(Flow::social_credits, v);
    else if (is(rule, "R2")) add(Measure::benefits_charged, -v), flow(Flow::benefits_charged, -v);
    else if (is(rule, "R3")) add(Measure::copayments, -v), flow(Flow::copayments, -v);
    else if (is(rule, "R8")) add(Measure::indexation, v), flow(Flow::indexation, v);
    else if (is(rule, "R9")) {
      add(Measure::balance_at_spa, -v);
      if (v < 0) flow(Flow::settled_to_pension, -v);
      else flow(Flow::deficits_written_off, v);
    } else {
      throw Error(ErrorCode::invalid_argument, "simulation: citizen " + c.id + " has a social account entry with an unexpected rule " + std::string(rule));
    }
  } else if (is(owner.pot, "care")) {
    add(Measure::care_pot, v);
    if (is(rule, "R1.care")) flow(Flow::care_levy, v);
  } else if (is(owner.pot, "time")) {
    if (is(rule, "R4")) add(Measure::volunteer_hours, v);
  }
}

// A tax the citizen paid (every tax event counts, credited or not, settled or not).
template <class AddFlow>
void add_tax(const Event& event, CitizenResult& c, const AddFlow& flow) {
  if (event.kind != EventKind::tax) return;
  const std::int64_t v = hundredths(event.amount);
  add_checked(c[Measure::taxes_paid], v);
  if (is(event.code, "income_tax")) add_checked(c[Measure::income_tax], v);
  else if (is(event.code, "national_insurance")) add_checked(c[Measure::national_insurance], v);
  else if (is(event.code, "care_levy")) add_checked(c[Measure::care_levy], v);
  flow(Flow::taxes_paid, v);
}

// The measures computed from the others, once a citizen's figures are complete.
void add_derived_measures(CitizenResult& c) {
  std::int64_t drawn = c[Measure::benefits_charged];
  add_checked(drawn, c[Measure::benefits_not_charged]);
  add_checked(drawn, c[Measure::service_use]);
  c[Measure::drawn] = drawn;
  c[Measure::self_financed] = std::min(drawn, std::max<std::int64_t>(c[Measure::contributions], 0));
  c[Measure::self_financed_by_taxes] = std::min(drawn, c[Measure::taxes_paid]);
  std::int64_t net = drawn;
  add_checked(net, c[Measure::closing_balance]);
  add_checked(net, std::max<std::int64_t>(c[Measure::balance_at_spa], 0));
  add_checked(net, c[Measure::care_pot]);
  if (__builtin_sub_overflow(net, c[Measure::taxes_paid], &net)) throw Error(ErrorCode::overflow, "simulation: a sum passed 2^63 hundredths");
  c[Measure::net_position] = net;
}

[[noreturn]] void throw_differs(const CitizenResult& c, Measure m, const Decimal& other, const char* whose) {
  throw Error(ErrorCode::invalid_argument, "simulation: citizen " + c.id + ": " + whose + " " +
                                               std::string(measure_names[static_cast<std::size_t>(m)]) + " " +
                                               other.to_string() + " differs from the entries' " + c.value(m).to_string());
}

// What the statement says must be what the journal said; then the derived measures.
void complete_from_statement(const Engine& engine, const std::string& last_tax_year, CitizenResult& c) {
  const Statement statement = make_statement(engine, c.id, last_tax_year);
  const auto check = [&](const Decimal& from_statement, Measure m) {
    if (from_statement != c.value(m)) throw_differs(c, m, from_statement, "the statement's");
  };
  check(statement.lifetime.contributions, Measure::contributions);
  check(statement.lifetime.benefits_charged, Measure::benefits_charged);
  check(statement.lifetime.service_use, Measure::service_use);
  check(statement.social_account.closing_balance, Measure::closing_balance);
  check(statement.care_pot.closing_balance, Measure::care_pot);
  c.settled = statement.pension.settled;
  c.state_pension_age_date = statement.pension.state_pension_age_date;
  c[Measure::weekly_supplement] = hundredths(statement.pension.weekly_supplement);
  add_derived_measures(c);
}

std::vector<YearFlows> empty_flows(const ParameterSet& parameters, int start_year, int years) {
  std::vector<YearFlows> flows(static_cast<std::size_t>(years));
  for (int t = 0; t < years; ++t) flows[static_cast<std::size_t>(t)].tax_year = TaxYear(start_year + t, parameters.tax_year_start).label();
  return flows;
}

[[noreturn]] void throw_outside_run(std::string_view what) {
  throw Error(ErrorCode::invalid_argument, "simulation: " + std::string(what) + " falls outside the run");
}

// The tax years of a run by day number: the run's year (0 = the first) of a day.
class RunYears {
 public:
  RunYears(const ParameterSet& parameters, int start_year, int years) {
    for (int t = 0; t < years; ++t) last_days_.push_back(day_number(TaxYear(start_year + t, parameters.tax_year_start).last_day()));
    first_day_ = day_number(TaxYear(start_year, parameters.tax_year_start).first_day());
  }
  // None outside the run.
  std::optional<std::size_t> of(int day) const {
    const auto year = std::lower_bound(last_days_.begin(), last_days_.end(), day);
    if (day < first_day_ || year == last_days_.end()) return std::nullopt;
    return static_cast<std::size_t>(year - last_days_.begin());
  }
  int first_day(std::size_t year) const { return year == 0 ? first_day_ : last_days_[year - 1] + 1; }
  int last_day(std::size_t year) const { return last_days_[year]; }
  std::size_t count() const { return last_days_.size(); }

 private:
  int first_day_ = 0;
  std::vector<int> last_days_;
};

// The run's year of each day asked for, remembering the last one (a life's entries come in date order).
class YearCursor {
 public:
  explicit YearCursor(const RunYears& years) : years_(years) {}
  std::size_t of(const Date& day, const auto& what) {
    const int number = day_number(day);
    if (number < first_ || number > last_) {
      const std::optional<std::size_t> year = years_.of(number);
      if (!year) throw_outside_run(what());
      year_ = *year;
      first_ = years_.first_day(year_);
      last_ = years_.last_day(year_);
    }
    return year_;
  }

 private:
  const RunYears& years_;
  std::size_t year_ = 0;
  int first_ = 1, last_ = 0;  // none yet
};

// A thread's flows by tax year, in hundredths, summed per weight before weighting: weight x (a + b)
// is weight x a + weight x b exactly, so adding each sum to YearFlows once gives the same exact
// totals (and scales) as adding every amount.
class FlowTotals {
 public:
  explicit FlowTotals(std::size_t years) : years_(years) {}
  // Where the flows of citizens of this weight are summed.
  std::size_t slot_for(const Weight& weight) {
    for (std::size_t slot = 0; slot < weights_.size(); ++slot) {
      if (weights_[slot] == weight) return slot;
    }
    weights_.push_back(weight);
    sums_.resize(sums_.size() + years_ * flow_count);
    touched_.resize(touched_.size() + years_ * flow_count, 0);
    return weights_.size() - 1;
  }
  void add(std::size_t slot, std::size_t year, Flow flow, std::int64_t hundredths) {
    const std::size_t cell = (slot * years_ + year) * flow_count + static_cast<std::size_t>(flow);
    add_checked(sums_[cell], hundredths);
    touched_[cell] = 1;
  }
  void add_to(std::vector<YearFlows>& flows) const {
    for (std::size_t slot = 0; slot < weights_.size(); ++slot) {
      for (std::size_t year = 0; year < years_; ++year) {
        for (std::size_t f = 0; f < flow_count; ++f) {
          const std::size_t cell = (slot * years_ + year) * flow_count + f;
          if (!touched_[cell]) continue;
          const Decimal amount = Decimal::from_coefficient(sums_[cell], 2);
          flows[year].weighted[f].add(weights_[slot], amount);
          flows[year].simulated[f] += amount;
        }
      }
    }
  }

 private:
  std::size_t years_;
  std::vector<Weight> weights_;
  std::vector<std::int64_t> sums_;  // by slot, year, flow
  std::vector<unsigned char> touched_;  // whether anything was added (a sum may come back to zero); bytes, not bits
};

// Where add_posting() and add_tax() put one citizen's flows of one tax year.
struct FlowsInYear {
  FlowTotals& flows;
  std::size_t slot, year;
  void operator()(Flow flow, std::int64_t hundredths) const { flows.add(slot, year, flow, hundredths); }
};

// A text the rules emitted, written out (a buffer on the stack for the usual short ones).
class TextBuffer {
 public:
  std::string_view write(const Text& text) {
    const std::size_t size = text.size();
    if (size <= short_.size()) {
      text.copy_to(short_.data());
      return {short_.data(), size};
    }
    long_ = text.str();
    return long_;
  }

 private:
  std::array<char, 96> short_{};
  std::string long_;
};

// The rules' entries for one simulated citizen at a time, summed straight into
// its figures and its flows: no journal, no entry kept. Each posting is
// classified exactly as read_results() classifies a journal's (add_posting).
class MeasureSink final : public EntrySink {
 public:
  MeasureSink(const RunYears& years, FlowTotals& flows) : years_(years), flows_(flows) {}

  void begin(CitizenResult& citizen) {
    citizen_ = &citizen;
    plain_id_ = colon_in(citizen.id) == std::string_view::npos;
    slot_ = flows_.slot_for(citizen.weight);
  }
  void add_tax_event(const Event& event) {
    add_tax(event, *citizen_, FlowsInYear{flows_, slot_, years_.of(event.date, [&] { return event.id; })});
  }
  void entry(const Text& key, const Date& day, const Text& code, const Text&, std::span<const PostingText> postings) override {
    ++entries_;
    const std::string_view rule = rule_of(code);
    EntryYear year{key, day};  // one day for all its postings, found at the first posting that needs it
    for (const PostingText& posting : postings) add(rule, posting.account, posting.amount, year);
  }
  void transfer(const Text& key, const Date& day, const Text& code, const Text&, const Text& to, const Text& from,
                const Amount& credit) override {
    ++entries_;
    const std::string_view rule = rule_of(code);
    const std::int64_t v = hundredths(credit.value());
    EntryYear year{key, day};
    add(rule, to, v, year);
    add(rule, from, -v, year);  // hundredths() keeps v above INT64_MIN
  }
  std::size_t entries() const { return entries_; }

 private:
  // One posting, if it is to one of the citizen's accounts.
  // The run's year of an entry's day, looked up once (only if one of its postings is the citizen's).
  struct EntryYear {
    const Text& key;
    const Date& day;
    std::size_t year = 0;
    bool found = false;
  };
  void add(std::string_view rule, const Text& account, const Amount& amount, EntryYear& year) {
    const auto owner = owner_of(account);
    if (!owner || !same_text(owner->citizen, citizen_->id)) return;
    add(rule, *owner, hundredths(amount.value()), year);  // the amounts of other accounts are not read
  }
  void add(std::string_view rule, const Text& account, std::int64_t hundredths, EntryYear& year) {
    const auto owner = owner_of(account);
    if (!owner || !same_text(owner->citizen, citizen_->id)) return;
    add(rule, *owner, hundredths, year);
  }
  void add(std::string_view rule, const AccountOwner& owner, std::int64_t hundredths, EntryYear& year) {
    if (!year.found) {
      year.year = years_.of(year.day, [&] { return year.key.str(); });
      year.found = true;
    }
    add_posting(rule, owner, hundredths, *citizen_, FlowsInYear{flows_, slot_, year.year});
  }

  // What rule_of() and owner_of() find in the text written out, read from its pieces where they
  // decide it alone (a code's first piece holding its rule; accounts::parts::citizen and memo_citizen).
  std::string_view rule_of(const Text& code) {
    const std::string_view first = code.part_count() == 0 ? std::string_view() : code.part(0);
    const std::size_t colon = colon_in(first);
    if (code.part_count() <= 1 || colon != std::string_view::npos) return first.substr(0, colon);
    return simulation::rule_of(code_.write(code));
  }
  [[gnu::always_inline]] std::optional<AccountOwner> owner_of(const Text& account) {
    if (account.part_count() == 1) return simulation::owner_of(account.part(0));
    if (account.part_count() == 4 && is(account.part(2), ":") && is(account.part(0), "memo:") &&
        !account.part(1).starts_with("citizen")) {
      return std::nullopt;  // a total, "memo:taxes:income_tax": written out it could not start "memo:citizen:" either
    }
    // The citizen's own id (no ':' in it, checked in begin()) needs no search for one.
    if (account.part_count() == 4 && is(account.part(2), ":") && !account.part(1).empty() &&
        ((plain_id_ && same_text(account.part(1), citizen_->id)) || colon_in(account.part(1)) == std::string_view::npos)) {
      const std::string_view prefix = account.part(0);
      if (is(prefix, "citizen:")) return AccountOwner{account.part(1), account.part(3), false};
      if (is(prefix, "memo:citizen:")) return AccountOwner{account.part(1), account.part(3), true};
      if (is(prefix, "memo:") && !is(account.part(1), "citizen")) return std::nullopt;  // a total, "memo:taxes:income_tax"
    }
    return simulation::owner_of(account_.write(account));
  }

  YearCursor years_;
  FlowTotals& flows_;
  CitizenResult* citizen_ = nullptr;
  bool plain_id_ = false;  // the citizen's id has no ':'
  std::size_t slot_ = 0;
  std::size_t entries_ = 0;
  TextBuffer code_, account_;
};

// The running balances the rules kept must be what the entries say; then the derived measures.
void complete_from_rules(const CitizenState& state, CitizenResult& c) {
  const auto check = [&](const Decimal& balance, Measure m) {
    if (balance != c.value(m)) throw_differs(c, m, balance, "the rules' running");
  };
  check(state.social, Measure::closing_balance);
  check(state.care, Measure::care_pot);
  check(state.time, Measure::volunteer_hours);
  c.settled = state.settled;
  c.state_pension_age_date = state.settlement_date;
  c[Measure::weekly_supplement] = hundredths(state.weekly_supplement);
  add_derived_measures(c);
}

// One thread's citizens, one at a time, through the scheme's rules into their results.
class CitizenRunner {
 public:
  CitizenRunner(const Scheme& scheme, const Population& population, const RunYears& years, FlowTotals& flows)
      : scheme_(scheme), population_(population), clock_(population.assumptions().last_day()),
        lookup_(scheme.parameters()), sink_(years, flows) {}

  // Citizen `index` into row; returns how many events the rules applied.
  std::size_t run(std::size_t index, CitizenResult& row) {
    population_.citizen(index, citizen_);
    const SyntheticCitizen& s = citizen_;
    row.index = index;
    row.id = s.citizen.id;
    row.birth_date = s.citizen.birth_date;
    row.death_date = s.citizen.death_date;
    row.female = s.female;
    row.region = s.region;
    row.cohort = s.cohort;
    row.weight = s.weight;
    row[Measure::earnings] = s.earnings_pence;
    sink_.begin(row);
    replay_.reset(1);
    const CitizenState& state = replay_.add_citizen(scheme_, row.id, s.citizen, clock_);
    std::uint64_t sequence = 0;
    for (Event& event : citizen_.events) {
      event.sequence = ++sequence;  // as an import numbers them: same-day events in the generator's order
      sink_.add_tax_event(event);
      replay_.add_event(event);
    }
    RuleContext context(scheme_.parameters(), no_providers_, replay_.states(), sink_, &lookup_);
    replay_.run(scheme_, context);
    complete_from_rules(state, row);
    return s.events.size();
  }
  std::size_t entries() const { return sink_.entries(); }

 private:
  const Scheme& scheme_;
  const Population& population_;
  const std::optional<Date> clock_;
  const ProviderRegistry no_providers_;  // simulated citizens spend no personal budgets or learning accounts
  ParameterLookup lookup_;
  LifeReplay replay_;
  MeasureSink sink_;
  SyntheticCitizen citizen_;  // one buffer for the thread's citizens, one after another
};

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
  const auto year_of = [&](const Date& day, const std::string& what) {
    const int year = TaxYear::containing(day, start).start_year() - first_tax_year;
    if (year < 0 || year >= static_cast<int>(flows.size())) throw_outside_run(what);
    return static_cast<std::size_t>(year);
  };
  const auto flow_adder = [&](const CitizenResult& c, std::size_t year) {
    return [&c, &year_flows = flows[year]](Flow f, std::int64_t v) {
      const Decimal amount = Decimal::from_coefficient(v, 2);
      year_flows.weighted[static_cast<std::size_t>(f)].add(c.weight, amount);
      year_flows.simulated[static_cast<std::size_t>(f)] += amount;
    };
  };
  for (const Entry& entry : engine.journal().entries()) {
    for (const Posting& posting : entry.postings) {
      const auto owner = owner_of(posting.account);
      if (!owner) continue;
      const auto found = by_id.find(owner->citizen);
      if (found == by_id.end()) continue;
      CitizenResult& c = *found->second;
      add_posting(rule_of(entry.code), *owner, hundredths(posting.amount.value()), c,
                  flow_adder(c, year_of(entry.effective_date, entry.id)));
    }
  }
  for (CitizenResult* c : citizens) {
    for (const Event* event : engine.surviving_events(c->id)) add_tax(*event, *c, flow_adder(*c, year_of(event->date, event->id)));
    complete_from_statement(engine, last_tax_year, *c);
  }
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
  const RunYears years(parameters, config.start_year, config.years);
  std::atomic<std::size_t> next{0}, events{0}, entries{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex merge_lock;

  const auto work = [&] {
    FlowTotals flows(years.count());
    try {
      CitizenRunner runner(scheme, population, years, flows);
      std::size_t applied = 0;
      for (std::size_t b = next++; b < batches && !failed; b = next++) {
        const std::size_t first = first_citizen + b * batch_size, last = std::min(end_citizen, first + batch_size);
        for (std::size_t i = first; i < last; ++i) applied += runner.run(i, result.citizens[i - first_citizen]);
      }
      events += applied;
      entries += runner.entries();
    } catch (...) {
      std::lock_guard<std::mutex> guard(merge_lock);
      if (!failure) failure = std::current_exception();
      failed = true;
      return;
    }
    std::lock_guard<std::mutex> guard(merge_lock);
    flows.add_to(result.flows);
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

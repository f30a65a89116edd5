// The synthetic population generator (population.hpp, docs/simulation.md).
#include "commonweal/simulation/population.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "commonweal/core/age.hpp"
#include "commonweal/policy/rules/r9_settlement.hpp"
#include "commonweal/simulation/mersenne_twister.hpp"

namespace commonweal::simulation {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Draws: raw 64-bit outputs. chance() and below() reduce them modulo n; the
// bias (n / 2^64, under 10^-13 here) is far below anything a run can show.
bool chance(std::uint64_t draw, std::int64_t ppm) { return static_cast<std::int64_t>(draw % per_million) < ppm; }
std::int64_t below(std::uint64_t draw, std::int64_t n) { return n <= 1 ? 0 : static_cast<std::int64_t>(draw % static_cast<std::uint64_t>(n)); }

// n bytes from in to out, 8 at a time, inline (the texts here are a few dozen bytes: no library call).
// The last piece by one copy of 8 (or two of 4) bytes overlapping the piece before, never a byte loop.
[[gnu::always_inline]] inline char* copy_short(char* out, const char* in, std::size_t n) {
  char* const end = out + n;
  if (n >= 8) {
    for (; n > 8; n -= 8, in += 8, out += 8) std::memcpy(out, in, 8);
    std::memcpy(end - 8, in + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(out, in, 4);
    std::memcpy(end - 4, in + n - 4, 4);
  } else {
    for (; n > 0; --n) *out++ = *in++;
  }
  return end;
}

// first then second into s, in place: most ids, codes and sources have the length the slot's last
// one had (no reallocation, no copy aside).
[[gnu::always_inline]] inline void overwrite(std::string& s, std::string_view first, std::string_view second = {}) {
  if (s.size() != first.size() + second.size()) s.resize(first.size() + second.size());
  copy_short(copy_short(s.data(), first.data(), first.size()), second.data(), second.size());
}

std::int64_t scale_ppm(std::int64_t value, std::int64_t ppm) {
  return static_cast<std::int64_t>(static_cast<__int128>(value) * ppm / per_million);
}

// Prime-age earnings at a rank (ppm), linearly interpolated, rounded down to the penny.
std::int64_t earnings_at_rank(const YearAssumptions& y, std::int64_t rank) {
  const auto& points = y.earnings_percentiles;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const auto [p0, v0] = points[i];
    const auto [p1, v1] = points[i + 1];
    if (rank < p1) return v0 + static_cast<std::int64_t>(static_cast<__int128>(v1 - v0) * (rank - p0) / (p1 - p0));
  }
  return points.back().second;
}

// Draws a citizen uses once, at birth, and each simulated year: fixed blocks (common random numbers).
enum BirthDraw { birth_day, sex, region, rank, rank_graduate, student, state_school, birth_draws };
// Children born before the run: one draw for each age from 15 to 44 (its high bits give the day).
constexpr int history_first_age = 15, history_ages = 30;
enum YearDraw {
  death, death_day, rank_redraw, rank_new, inactive, unemployed, unemployed_months, retire, child, child_day,
  volunteer, volunteer_hours, gp_visits, hospital, social_care, spare, year_draws
};

class Life {
 public:
  // Writes citizen `index` into out, reusing out's storage (its events' strings keep their room).
  Life(const Population& population, std::size_t index, SyntheticCitizen& out)
      : population_(population), a_(population.assumptions()),
        random_(splitmix64(population.spec().seed ^ splitmix64(index))), out_(out) {
    out_.index = index;
    write_citizen_id(index);
    out_.citizen.death_date.reset();
    out_.earnings_pence = 0;
    out_.region = 0;
    std::array<std::uint64_t, birth_draws> d;
    random_.fill(d.data(), d.size());
    const auto& cohorts = a_.cohorts();
    out_.cohort = index % cohorts.size();
    out_.weight = population.cohort_weight(out_.cohort);
    const Cohort& cohort = cohorts[out_.cohort];
    const int first = day_number(make_date(cohort.first_year, 1, 1));
    const int span = day_number(make_date(cohort.end_year - 1, 12, 31)) - first + 1;
    out_.citizen.birth_date = date_from_day_number(first + static_cast<int>(below(d[birth_day], span)));
    out_.female = chance(d[sex], a_.female_ppm());
    std::int64_t r = below(d[region], a_.region_population_total());
    for (std::size_t i = 0; i < a_.regions().size(); ++i) {
      r -= a_.regions()[i].population;
      if (r < 0) {
        out_.region = i;
        break;
      }
    }
    out_.citizen.region = a_.regions()[out_.region].name;
    const YearAssumptions& y0 = a_.year(0);
    student_ = chance(d[student], y0.student_participation_ppm);
    rank_ = below(d[rank], per_million);
    if (student_) rank_ = std::max(rank_, below(d[rank_graduate], per_million));  // graduates: the better of two ranks
    state_school_ = chance(d[state_school], y0.state_school_ppm);
    out_.state_pension_age_date = rules::state_pension_age_date(out_.citizen, population.parameters());
    std::array<std::uint64_t, history_ages> history;
    random_.fill(history.data(), history.size());
    if (out_.female) children_before_run(history);
  }

  void run() {
    // After death no draw is used: the years left are not drawn (the same lives, fewer draws).
    for (int t = 0; t < a_.year_count() && !dead_; ++t) {
      std::array<std::uint64_t, year_draws> d;
      random_.fill(d.data(), d.size());
      year(a_.year(t), d);
    }
    keep_spare_events();
  }

 private:
  const Date& birth() const { return out_.citizen.birth_date; }

  // Population::citizen_id(index) ("P" and index + 1 in at least 7 digits) into out_, in place.
  void write_citizen_id(std::size_t index) {
    std::array<char, 24> digits{};
    char* end = std::to_chars(digits.data(), digits.data() + digits.size(), index + 1).ptr;
    const std::size_t size = static_cast<std::size_t>(end - digits.data());
    static constexpr std::string_view zeros = "0000000";
    const std::string_view padding = zeros.substr(0, size < 7 ? 7 - size : 0);
    std::string& id = out_.citizen.id;
    id.resize(1 + padding.size() + size);
    id[0] = 'P';
    copy_short(copy_short(id.data() + 1, padding.data(), padding.size()), digits.data(), size);
  }

  void emit(const YearAssumptions& y, const Date& day, EventKind kind, std::string_view code, std::int64_t hundredths,
            std::string_view tag) {
    if (hundredths <= 0 || day < birth() || day < y.first_day || day > y.last_day) return;
    if (out_.citizen.death_date && day > *out_.citizen.death_date) return;
    Event& event = next_event();
    if (id_year_ != y.start_year) {  // "P0000001.2031.", written once a year
      char* end = copy_short(id_text_.data(), out_.citizen.id.data(), out_.citizen.id.size());
      *end++ = '.';
      end = std::to_chars(end, id_text_.data() + id_text_.size(), y.start_year).ptr;
      *end++ = '.';
      id_prefix_ = static_cast<std::size_t>(end - id_text_.data());
      id_year_ = y.start_year;
    }
    overwrite(event.id, {id_text_.data(), id_prefix_}, tag);  // "P0000001.2031.it"
    event.date = day;
    overwrite(event.citizen, out_.citizen.id);  // a slot holds an earlier citizen's
    event.kind = kind;
    overwrite(event.code, code);
    event.amount = Decimal::from_coefficient(hundredths, 2);
    event.counterparty.clear();
    event.corrects.clear();
    event.sequence = 0;
    overwrite(event.source, "simulation:", out_.citizen.id);
  }

  // The next event of out_, in a slot an earlier citizen left (its strings keep their room) when there is one.
  Event& next_event() {
    if (event_count_ == out_.events.size()) {
      if (out_.spare_events.empty()) {
        out_.events.emplace_back();
      } else {
        out_.events.push_back(std::move(out_.spare_events.back()));
        out_.spare_events.pop_back();
      }
    }
    return out_.events[event_count_++];
  }

  // Events beyond this citizen's go back to the spares, with their room.
  void keep_spare_events() {
    while (out_.events.size() > event_count_) {
      out_.spare_events.push_back(std::move(out_.events.back()));
      out_.events.pop_back();
    }
  }

  // The mother's children born before the run starts (the first year's fertility rates), so that
  // Child Benefit in the run's first years counts them.
  void children_before_run(const std::array<std::uint64_t, history_ages>& draws) {
    const YearAssumptions& y0 = a_.year(0);
    for (int i = 0; i < history_ages && children_.size() < 6; ++i) {
      const int age = history_first_age + i;
      const Date from = date_reaching_age(birth(), age);
      const Date child_birth = add_days(from, static_cast<int>(below(draws[static_cast<std::size_t>(i)] >> 32, 365)));
      if (child_birth >= y0.first_day) break;
      if (chance(draws[static_cast<std::size_t>(i)], y0.fertility_ppm.at(age))) children_.push_back(child_birth);
    }
  }

  bool before_spa(const Date& day) const { return !out_.state_pension_age_date || day < *out_.state_pension_age_date; }

  void year(const YearAssumptions& y, const std::array<std::uint64_t, year_draws>& d) {
    if (birth() > y.last_day) return;  // not born yet
    const Date from = std::max(y.first_day, birth());
    const int age = age_on(birth(), from);
    const AgeTable& mortality = out_.female ? y.female_mortality_ppm : y.male_mortality_ppm;
    if (chance(d[death], mortality.at(age))) {
      const int span = day_number(y.last_day) - day_number(from) + 1;
      out_.citizen.death_date = add_days(from, static_cast<int>(below(d[death_day], span)));
      dead_ = true;
    }
    const Date to = dead_ ? *out_.citizen.death_date : y.last_day;
    const auto day = [&](int offset) { return y.day(offset); };

    // Children: the mother's Child Benefit and parental leave.
    std::optional<Date> child_born;
    if (out_.female && children_.size() < 6 && chance(d[child], y.fertility_ppm.at(age))) {
      const int span = day_number(to) - day_number(from) + 1;
      child_born = add_days(from, static_cast<int>(below(d[child_day], span)));
      children_.push_back(*child_born);
    }
    // Work: from the working age, outside study, before early retirement and state pension age.
    const bool studying = student_ && age >= y.student_start_age && age < y.student_start_age + y.student_years;
    if (studying) emit(y, day(170), EventKind::benefit, "student_grant", y.student_grant_pence, "sg");
    if (chance(d[rank_redraw], y.rank_redraw_ppm)) {
      rank_ = below(d[rank_new], per_million);
      if (student_) rank_ = std::max(rank_, below(d[rank_new] >> 32, per_million));
    }
    const bool working_age = age >= y.work_start_age && !studying && before_spa(y.first_day);
    if (working_age && !retired_ && age >= y.early_retirement_age && chance(d[retire], y.early_retirement_ppm)) retired_ = true;
    if (working_age && retired_) emit(y, day(30), EventKind::benefit, "early_retirement", before_spa(day(30)) ? y.early_retirement_pence : 0, "er");
    const bool works = working_age && !retired_ && !chance(d[inactive], y.inactive_ppm);
    if (works) work(y, d, age, to, child_born);
    // State pension from state pension age, for the whole weeks of the year on or after it.
    if (out_.state_pension_age_date && *out_.state_pension_age_date <= to) {
      const Date pension_from = std::max(from, *out_.state_pension_age_date);
      const int weeks = (day_number(to) - day_number(pension_from) + 1) / 7;
      emit(y, to, EventKind::benefit, "state_pension", weeks * y.state_pension_week_pence, "sp");
    }
    child_benefit(y, day(180));
    if (age >= 16 && chance(d[volunteer], y.volunteering_ppm)) {
      const std::int64_t hours = 100 + below(d[volunteer_hours], (y.volunteering_hours_max - 1) * 100 + 1);
      emit(y, day(200), EventKind::volunteer, "community", hours, "vo");
    }
    services(y, d, age, day);
  }

  void work(const YearAssumptions& y, const std::array<std::uint64_t, year_draws>& d, int age, const Date& to,
            const std::optional<Date>& child_born) {
    const Region& region = a_.regions()[out_.region];
    std::int64_t annual = earnings_at_rank(y, rank_);
    annual = scale_ppm(annual, y.age_factor_ppm.at(age));
    annual = scale_ppm(annual, region.earnings_factor_ppm);
    annual = scale_ppm(annual, y.earnings_index_ppm);
    int months_off = 0;
    if (chance(d[unemployed], y.unemployment_ppm)) {
      const int months = 1 + static_cast<int>(below(d[unemployed_months], 12));
      months_off += months;
      const std::int64_t weekly = age < 25 ? y.jsa_under_25_week_pence : y.jsa_week_pence;
      emit(y, y.day(60), EventKind::benefit, "jobseekers_allowance",
           std::min<std::int64_t>(13 * months / 3, y.jsa_max_weeks) * weekly, "ja");
    }
    if (child_born) {
      months_off += 9;
      const std::int64_t weekly = annual / 52;
      const std::int64_t share = scale_ppm(weekly, y.parental_share_ppm);
      const std::int64_t pay = y.parental_share_weeks * share + y.parental_flat_weeks * std::min(share, y.parental_flat_week_pence);
      emit(y, *child_born, EventKind::benefit, "parental_leave", pay, "pl");
    }
    // Earnings for the months in work and the days before state pension age (and death).
    Date work_end = to;
    if (out_.state_pension_age_date && *out_.state_pension_age_date <= work_end) work_end = add_days(*out_.state_pension_age_date, -1);
    if (work_end < y.first_day) return;
    const int days = day_number(work_end) - day_number(y.first_day) + 1;
    std::int64_t earnings = annual * (12 - std::min(12, months_off)) / 12;
    earnings = static_cast<std::int64_t>(static_cast<__int128>(earnings) * days / y.days);
    if (earnings <= 0) return;
    out_.earnings_pence += earnings;
    emit(y, work_end, EventKind::tax, "income_tax", y.income_tax.tax_pence(earnings), "it");
    emit(y, work_end, EventKind::tax, "national_insurance", y.national_insurance.tax_pence(earnings), "ni");
    if (age_on(birth(), work_end) >= y.care_levy_age) {
      emit(y, work_end, EventKind::tax, "care_levy", scale_ppm(earnings, y.care_levy_ppm), "cl");
    }
  }

  void child_benefit(const YearAssumptions& y, const Date& day) {
    std::int64_t eligible = 0;
    for (const Date& child_birth : children_) {
      if (child_birth <= day && age_on(child_birth, day) < y.child_benefit_until_age) ++eligible;
    }
    if (eligible == 0) return;
    const std::int64_t weekly = y.child_benefit_eldest_week_pence + (eligible - 1) * y.child_benefit_additional_week_pence;
    emit(y, day, EventKind::benefit, "child_benefit", 52 * weekly, "cb");
  }

  template <class Day>
  void services(const YearAssumptions& y, const std::array<std::uint64_t, year_draws>& d, int age, const Day& day) {
    const std::int64_t visits = below(d[gp_visits], 2 * y.gp_visits_mean.at(age) + 1);
    emit(y, day(100), EventKind::service, "gp_visit", visits * y.gp_visit_pence, "gp");
    if (chance(d[hospital], y.hospital_ppm.at(age))) emit(y, day(250), EventKind::service, "hospital", y.hospital_pence, "ho");
    if (state_school_ && age >= y.school_from_age && age <= y.school_to_age) {
      emit(y, day(150), EventKind::service, "school", y.school_pence, "sc");
    }
    if (chance(d[social_care], y.social_care_ppm.at(age))) {
      emit(y, day(300), EventKind::service, "social_care", y.social_care_pence, "ca");
    }
  }

  const Population& population_;
  const Assumptions& a_;
  MersenneTwister64 random_;  // std::mt19937_64's draws, cheaper
  SyntheticCitizen& out_;
  std::size_t event_count_ = 0;
  bool student_ = false, state_school_ = false, retired_ = false, dead_ = false;
  std::int64_t rank_ = 0;
  std::vector<Date> children_;
  // The start of this year's event ids: an id has at most 21 characters ("P" and the 20 digits of an index).
  std::array<char, 64> id_text_{};
  std::size_t id_prefix_ = 0;
  int id_year_ = -1;  // none yet
};

}  // namespace

std::string Population::citizen_id(std::size_t index) { return fmt::format("P{:07}", index + 1); }

Population::Population(const ParameterSet& parameters, PopulationSpec spec)
    : parameters_(parameters), spec_(spec), assumptions_(Assumptions::read(parameters, spec.start_year, spec.years)) {
  if (spec_.size == 0) throw Error(ErrorCode::invalid_argument, "a population needs at least one citizen");
  const std::size_t k = assumptions_.cohorts().size();
  for (std::size_t c = 0; c < k; ++c) {
    const std::size_t n = spec_.size / k + (c < spec_.size % k ? 1 : 0);
    cohort_sizes_.push_back(n);
    cohort_weights_.push_back(n == 0 ? Weight::one()
                                     : Weight::of(Decimal::divide(assumptions_.cohorts()[c].population,
                                                                  Decimal(static_cast<std::int64_t>(n)), Weight::scale_max,
                                                                  RoundingMode::half_even)));
  }
}

SyntheticCitizen Population::citizen(std::size_t index) const {
  SyntheticCitizen citizen;
  this->citizen(index, citizen);
  return citizen;
}

void Population::citizen(std::size_t index, SyntheticCitizen& out) const {
  if (index >= spec_.size) throw Error(ErrorCode::invalid_argument, "citizen index beyond the population");
  Life(*this, index, out).run();
}

}  // namespace commonweal::simulation

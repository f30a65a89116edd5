// Reading the population assumptions from a parameter set (assumptions.hpp).
#include "commonweal/simulation/assumptions.hpp"

#include <algorithm>

#include "commonweal/core/tax_year.hpp"

namespace commonweal::simulation {
namespace {

Error missing(const std::string& name, const Date& day) {
  return Error(ErrorCode::invalid_input,
               "simulation assumptions: parameter " + name + " has no value on " + format_date(day));
}

Decimal number(const ParameterSet& parameters, const std::string& name, const Date& day) {
  const auto value = parameters.number_at(name, day);
  if (!value) throw missing(name, day);
  return *value;
}

// value x 10^scale as a whole number, or an error naming the parameter.
std::int64_t scaled(const Decimal& value, int scale, const std::string& name, const char* what) {
  const Decimal at_scale = value.rounded(scale, RoundingMode::down);
  if (at_scale != value) {
    throw Error(ErrorCode::invalid_input, "simulation assumptions: parameter " + name + " = " + value.to_string() +
                                              " has more decimals than " + what + " allow");
  }
  // rounded() to a larger scale scales the coefficient up: it is value x 10^scale.
  const detail::int128 whole = at_scale.coefficient();
  if (at_scale.scale() != scale || whole > INT64_MAX || whole < INT64_MIN) {
    throw Error(ErrorCode::invalid_input, "simulation assumptions: parameter " + name + " is too large");
  }
  return static_cast<std::int64_t>(whole);
}

std::int64_t ppm(const Decimal& value, const std::string& name) { return scaled(value, 6, name, "parts per million"); }
std::int64_t pence(const Decimal& value, const std::string& name) { return scaled(value, 2, name, "pence"); }
int whole(const Decimal& value, const std::string& name) { return static_cast<int>(scaled(value, 0, name, "whole numbers")); }

std::int64_t ppm_at(const ParameterSet& p, const std::string& name, const Date& day) { return ppm(number(p, name, day), name); }
std::int64_t pence_at(const ParameterSet& p, const std::string& name, const Date& day) { return pence(number(p, name, day), name); }
int whole_at(const ParameterSet& p, const std::string& name, const Date& day) { return whole(number(p, name, day), name); }

struct Bracket {
  Decimal threshold, value;
};

// NAME.brackets.0.., in order; value is .rate or .amount.
std::vector<Bracket> brackets(const ParameterSet& parameters, const std::string& name, const Date& day) {
  std::vector<Bracket> out;
  for (std::size_t i = 0;; ++i) {
    const std::string prefix = name + ".brackets." + std::to_string(i);
    if (!parameters.find(prefix + ".threshold")) break;
    const Decimal threshold = number(parameters, prefix + ".threshold", day);
    const std::string value_name = parameters.find(prefix + ".rate") ? prefix + ".rate" : prefix + ".amount";
    if (!out.empty() && threshold <= out.back().threshold) {
      throw Error(ErrorCode::invalid_input, "simulation assumptions: scale " + name + ": thresholds must increase");
    }
    out.push_back({threshold, number(parameters, value_name, day)});
  }
  if (out.empty()) throw missing(name + ".brackets", day);
  return out;
}

// A step scale by age; `as` converts each value.
template <class Convert>
AgeTable age_table(const ParameterSet& parameters, const std::string& name, const Date& day, Convert as) {
  std::vector<std::int64_t> by_age(age_max + 1, 0);
  const auto scale = brackets(parameters, name, day);
  for (std::size_t i = 0; i < scale.size(); ++i) {
    const int from = std::max(0, whole(scale[i].threshold, name));
    const int to = i + 1 < scale.size() ? std::min(age_max + 1, whole(scale[i + 1].threshold, name)) : age_max + 1;
    const std::int64_t value = as(scale[i].value, name);
    for (int age = from; age < to; ++age) by_age[static_cast<std::size_t>(age)] = value;
  }
  return AgeTable{std::make_shared<const std::vector<std::int64_t>>(std::move(by_age))};
}

RateScale rate_scale(const ParameterSet& parameters, const std::string& name, const Date& day) {
  RateScale scale;
  for (const Bracket& bracket : brackets(parameters, name, day)) {
    scale.bands.push_back({pence(bracket.threshold, name), ppm(bracket.value, name)});
  }
  return scale;
}

// A year's age tables that equal the year before's become that year's copies.
void share_equal_tables(const YearAssumptions& before, YearAssumptions& year) {
  year.age_factor_ppm.share_if_equal(before.age_factor_ppm);
  year.male_mortality_ppm.share_if_equal(before.male_mortality_ppm);
  year.female_mortality_ppm.share_if_equal(before.female_mortality_ppm);
  year.fertility_ppm.share_if_equal(before.fertility_ppm);
  year.gp_visits_mean.share_if_equal(before.gp_visits_mean);
  year.hospital_ppm.share_if_equal(before.hospital_ppm);
  year.social_care_ppm.share_if_equal(before.social_care_ppm);
}

YearAssumptions read_year(const ParameterSet& p, int start_year, std::int64_t earnings_index_ppm) {
  YearAssumptions y;
  const TaxYear tax_year(start_year, p.tax_year_start);
  y.start_year = start_year;
  y.first_day = tax_year.first_day();
  y.last_day = tax_year.last_day();
  y.days = day_number(y.last_day) - day_number(y.first_day) + 1;
  for (int offset = 0; offset < y.days; ++offset) y.dates.push_back(add_days(y.first_day, offset));
  const Date& d = y.first_day;
  y.earnings_index_ppm = earnings_index_ppm;
  for (const Bracket& b : brackets(p, "labour.earnings_percentile", d)) {
    y.earnings_percentiles.push_back({ppm(b.threshold, "labour.earnings_percentile") / 100, pence(b.value, "labour.earnings_percentile")});
  }
  y.age_factor_ppm = age_table(p, "labour.age_factor", d, ppm);
  y.male_mortality_ppm = age_table(p, "mortality.male", d, ppm);
  y.female_mortality_ppm = age_table(p, "mortality.female", d, ppm);
  y.fertility_ppm = age_table(p, "fertility", d, ppm);
  y.gp_visits_mean = age_table(p, "services.gp_visit.visits", d, [](const Decimal& v, const std::string& n) -> std::int64_t { return whole(v, n); });
  y.hospital_ppm = age_table(p, "services.hospital.probability", d, ppm);
  y.social_care_ppm = age_table(p, "services.social_care.probability", d, ppm);
  y.work_start_age = whole_at(p, "labour.start_age", d);
  y.rank_redraw_ppm = ppm_at(p, "labour.rank_redraw_probability", d);
  y.inactive_ppm = ppm_at(p, "labour.inactive_probability", d);
  y.unemployment_ppm = ppm_at(p, "labour.unemployment_probability", d);
  y.early_retirement_age = whole_at(p, "early_retirement.from_age", d);
  y.early_retirement_ppm = ppm_at(p, "early_retirement.probability", d);
  y.early_retirement_pence = pence_at(p, "early_retirement.annual_amount", d);
  y.income_tax = rate_scale(p, "income_tax", d);
  y.national_insurance = rate_scale(p, "national_insurance", d);
  y.care_levy_ppm = ppm_at(p, "care_levy.rate", d);
  y.care_levy_age = whole_at(p, "care_levy.age", d);
  y.child_benefit_eldest_week_pence = pence_at(p, "child_benefit.eldest_per_week", d);
  y.child_benefit_additional_week_pence = pence_at(p, "child_benefit.additional_per_week", d);
  y.child_benefit_until_age = whole_at(p, "child_benefit.until_age", d);
  y.parental_share_ppm = ppm_at(p, "parental_leave.earnings_share", d);
  y.parental_share_weeks = whole_at(p, "parental_leave.earnings_weeks", d);
  y.parental_flat_week_pence = pence_at(p, "parental_leave.flat_weekly", d);
  y.parental_flat_weeks = whole_at(p, "parental_leave.flat_weeks", d);
  y.student_participation_ppm = ppm_at(p, "student_grant.participation", d);
  y.student_grant_pence = pence_at(p, "student_grant.amount", d);
  y.student_years = whole_at(p, "student_grant.years", d);
  y.student_start_age = whole_at(p, "student_grant.start_age", d);
  y.jsa_week_pence = pence_at(p, "jobseekers_allowance.weekly", d);
  y.jsa_under_25_week_pence = pence_at(p, "jobseekers_allowance.weekly_under_25", d);
  y.jsa_max_weeks = whole_at(p, "jobseekers_allowance.max_weeks", d);
  y.state_pension_week_pence = pence_at(p, "state_pension.weekly", d);
  y.volunteering_ppm = ppm_at(p, "volunteering.probability", d);
  y.volunteering_hours_max = whole_at(p, "volunteering.hours_max", d);
  y.gp_visit_pence = pence_at(p, "services.gp_visit.cost", d);
  y.hospital_pence = pence_at(p, "services.hospital.cost", d);
  y.school_pence = pence_at(p, "services.school.cost", d);
  y.social_care_pence = pence_at(p, "services.social_care.cost", d);
  y.state_school_ppm = ppm_at(p, "services.school.state_school_share", d);
  y.school_from_age = whole_at(p, "services.school.from_age", d);
  y.school_to_age = whole_at(p, "services.school.to_age", d);
  return y;
}

}  // namespace

std::int64_t RateScale::tax_pence(std::int64_t income_pence) const {
  // Sum of rate_ppm x pence in the band: exact in 128 bits, divided once (rounding down).
  __int128 total = 0;
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (income_pence <= bands[i].threshold_pence) break;
    const std::int64_t top = i + 1 < bands.size() ? std::min(income_pence, bands[i + 1].threshold_pence) : income_pence;
    total += static_cast<__int128>(top - bands[i].threshold_pence) * bands[i].rate_ppm;
  }
  return static_cast<std::int64_t>(total / per_million);
}

Assumptions Assumptions::read(const ParameterSet& parameters, int start_year, int years) {
  if (years < 1 || years > 200) throw Error(ErrorCode::invalid_argument, "a simulation runs for 1 to 200 years");
  Assumptions result;
  std::int64_t index = per_million;
  for (int offset = 0; offset < years; ++offset) {
    const int year = start_year + offset;
    const Date first = TaxYear(year, parameters.tax_year_start).first_day();
    const std::int64_t growth = ppm_at(parameters, "labour.earnings_growth", first);
    // Compounded from 2024-25 to this year, whole parts per million, rounded down each year.
    if (offset == 0) {
      for (int y = 2024; y < year; ++y) index = index * (per_million + growth) / per_million;
    } else {
      index = index * (per_million + growth) / per_million;
    }
    YearAssumptions assumptions = read_year(parameters, year, index);
    if (offset > 0) share_equal_tables(result.years_.back(), assumptions);
    result.years_.push_back(std::move(assumptions));
  }
  const Date& first = result.years_.front().first_day;
  const Date& last = result.years_.back().last_day;
  const auto cohorts = brackets(parameters, "population.cohorts", first);
  for (std::size_t i = 0; i + 1 < cohorts.size(); ++i) {
    const int from = whole(cohorts[i].threshold, "population.cohorts");
    const int to = whole(cohorts[i + 1].threshold, "population.cohorts");
    if (to - 1 > static_cast<int>(last.year()) || (to - 1 == static_cast<int>(last.year()) && make_date(to - 1, 12, 31) > last)) {
      break;  // not born entirely within the run
    }
    if (cohorts[i].value.sign() <= 0) continue;
    result.cohorts_.push_back({from, to, cohorts[i].value, std::to_string(from) + "-" + std::to_string(to - 1)});
  }
  if (result.cohorts_.empty()) throw Error(ErrorCode::invalid_input, "simulation assumptions: no cohort is born within the run");
  result.female_ppm_ = ppm_at(parameters, "population.female_share", first);
  for (const auto& [name, parameter] : parameters.parameters()) {
    const std::string prefix = "region.", suffix = ".population";
    if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() + suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    Region region;
    region.name = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    region.population = whole_at(parameters, name, first);
    region.earnings_factor_ppm = ppm_at(parameters, prefix + region.name + ".earnings_factor", first);
    result.region_total_ += region.population;
    result.regions_.push_back(std::move(region));
  }
  if (result.regions_.empty() || result.region_total_ <= 0) {
    throw Error(ErrorCode::invalid_input, "simulation assumptions: no region.NAME.population given");
  }
  return result;
}

}  // namespace commonweal::simulation

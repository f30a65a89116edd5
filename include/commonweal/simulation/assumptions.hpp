// commonweal::simulation::Assumptions: the population assumptions of a run
// (examples/simulation/uk-assumptions.yaml), read once from the run's
// parameters into whole numbers the generator can use without lookups.
//
// Guarantees
// - Every figure comes from the parameter set, at the first day of each
//   simulated tax year (population and region figures at the first year's);
//   nothing is a constant in code. Missing parameters are refused, naming them.
// - Probabilities and shares become whole parts per million, money whole
//   pence; a value that does not convert exactly (more than 6 or 2 decimals)
//   is refused, naming the parameter. No binary floating point anywhere.
// - Scales are read in OpenFisca's layout as the parameter reader stores
//   them (NAME.brackets.N.threshold and .rate or .amount).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commonweal/core/date.hpp"
#include "commonweal/policy/parameter_set.hpp"

namespace commonweal::simulation {

inline constexpr std::int64_t per_million = 1'000'000;
inline constexpr int age_max = 120;

// A value for each age 0..age_max (a step scale by age, 0 below its first threshold).
// A value for each age 0..age_max. Years with the same table share one copy (share_if_equal),
// so that a life running through the years reads the same few kilobytes.
struct AgeTable {
  std::shared_ptr<const std::vector<std::int64_t>> by_age;
  std::int64_t at(int age) const { return (*by_age)[static_cast<std::size_t>(age < 0 ? 0 : age > age_max ? age_max : age)]; }
  void share_if_equal(const AgeTable& other) {
    if (*other.by_age == *by_age) by_age = other.by_age;
  }
};

// A marginal-rate scale: each band's rate applies to the part of income above
// its threshold and below the next one. tax_pence rounds down to the penny, once.
struct RateScale {
  struct Band {
    std::int64_t threshold_pence;
    std::int64_t rate_ppm;
  };
  std::vector<Band> bands;
  std::int64_t tax_pence(std::int64_t income_pence) const;
};

// Everything the generator needs in one simulated tax year.
struct YearAssumptions {
  int start_year = 0;  // the tax year start_year-(start_year+1)
  Date first_day, last_day;
  int days = 365;
  std::vector<Date> dates;  // first_day, first_day + 1, ..., last_day: the generator's fixed days, made once
  // first_day + offset.
  Date day(int offset) const {
    return offset >= 0 && offset < static_cast<int>(dates.size()) ? dates[static_cast<std::size_t>(offset)] : add_days(first_day, offset);
  }
  std::int64_t earnings_index_ppm = per_million;  // real earnings level against 2024-25
  std::vector<std::pair<std::int64_t, std::int64_t>> earnings_percentiles;  // (percentile x 10^4 i.e. ppm of rank, pence)
  AgeTable age_factor_ppm, male_mortality_ppm, female_mortality_ppm, fertility_ppm;
  AgeTable gp_visits_mean, hospital_ppm, social_care_ppm;
  int work_start_age = 18;
  std::int64_t rank_redraw_ppm = 0, inactive_ppm = 0, unemployment_ppm = 0;
  int early_retirement_age = 55;
  std::int64_t early_retirement_ppm = 0, early_retirement_pence = 0;
  RateScale income_tax, national_insurance;
  std::int64_t care_levy_ppm = 0;
  int care_levy_age = 45;
  std::int64_t child_benefit_eldest_week_pence = 0, child_benefit_additional_week_pence = 0;
  int child_benefit_until_age = 16;
  std::int64_t parental_share_ppm = 0, parental_flat_week_pence = 0;
  int parental_share_weeks = 0, parental_flat_weeks = 0;
  std::int64_t student_participation_ppm = 0, student_grant_pence = 0;
  int student_years = 3, student_start_age = 18;
  std::int64_t jsa_week_pence = 0, jsa_under_25_week_pence = 0;
  int jsa_max_weeks = 26;
  std::int64_t state_pension_week_pence = 0;
  std::int64_t volunteering_ppm = 0, volunteering_hours_max = 0;
  std::int64_t gp_visit_pence = 0, hospital_pence = 0, school_pence = 0, social_care_pence = 0;
  std::int64_t state_school_ppm = 0;
  int school_from_age = 5, school_to_age = 15;
};

struct Cohort {
  int first_year = 0, end_year = 0;  // born in [first_year, end_year)
  Decimal population;
  std::string label;                 // "1960-1964"
};

struct Region {
  std::string name;
  std::int64_t population = 0;
  std::int64_t earnings_factor_ppm = per_million;
};

class Assumptions {
 public:
  // For the tax years start_year .. start_year + years - 1 of parameters'
  // tax-year start (6 April in the UK).
  static Assumptions read(const ParameterSet& parameters, int start_year, int years);

  const YearAssumptions& year(int offset) const { return years_.at(static_cast<std::size_t>(offset)); }
  int year_count() const { return static_cast<int>(years_.size()); }
  int start_year() const { return years_.front().start_year; }
  const Date& first_day() const { return years_.front().first_day; }
  const Date& last_day() const { return years_.back().last_day; }
  // Cohorts born entirely on or before last_day(), oldest first.
  const std::vector<Cohort>& cohorts() const { return cohorts_; }
  const std::vector<Region>& regions() const { return regions_; }
  std::int64_t region_population_total() const { return region_total_; }
  std::int64_t female_ppm() const { return female_ppm_; }

 private:
  std::vector<YearAssumptions> years_;
  std::vector<Cohort> cohorts_;
  std::vector<Region> regions_;
  std::int64_t region_total_ = 0;
  std::int64_t female_ppm_ = 0;
};

}  // namespace commonweal::simulation

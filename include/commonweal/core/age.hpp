// Ages and birthdays (reference scheme section 2).
//
// Guarantees
// - age_on(birth, day) is the number of full years from birth to day.
// - Someone born on 29 February has their birthday on 1 March in common
//   years: they turn 18 on 1 March of a common year.
// Constraints
// - day must not be before birth (Error(invalid_argument)).
#pragma once

#include "commonweal/core/date.hpp"

namespace commonweal {

inline Date birthday_in_year(const Date& birth, int year) {
  const Date candidate{date::year{year}, birth.month(), birth.day()};
  if (candidate.ok()) return candidate;
  return make_date(year, 3, 1);  // 29 February in a common year
}

inline int age_on(const Date& birth, const Date& day) {
  if (day < birth) {
    throw Error(ErrorCode::invalid_argument,
                "age on " + format_date(day) + " asked for someone born later, on " + format_date(birth));
  }
  const int year = static_cast<int>(day.year());
  const int years = year - static_cast<int>(birth.year());
  return day < birthday_in_year(birth, year) ? years - 1 : years;
}

// The day on which someone born on birth reaches age years.
inline Date date_reaching_age(const Date& birth, int years) {
  return birthday_in_year(birth, static_cast<int>(birth.year()) + years);
}

}  // namespace commonweal

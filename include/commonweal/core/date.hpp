// commonweal::Date: a calendar day (Howard Hinnant's date::year_month_day),
// read and written as ISO 8601 "YYYY-MM-DD".
//
// Guarantees
// - parse_date() accepts exactly "YYYY-MM-DD" with a day that exists
//   (2024-02-29 yes, 2023-02-29 and 2024-02-31 no) and years 1000-9999;
//   anything else is refused with the reason.
// - format_date(parse_date(s)) == s for every accepted s.
// - day_number() counts days since 1970-01-01, for ordering and indexing.
// Constraints
// - No time zones and no time_t: a Date is a day, not a moment (see moment.hpp).
#pragma once

#include <string>
#include <string_view>

#include <date/date.h>

#include "commonweal/core/error.hpp"

namespace commonweal {

using Date = date::year_month_day;

inline Date make_date(int year, unsigned month, unsigned day) {
  const Date result{date::year{year}, date::month{month}, date::day{day}};
  if (!result.ok()) {
    throw Error(ErrorCode::invalid_argument, "there is no day " + std::to_string(year) + "-" +
                                                 std::to_string(month) + "-" + std::to_string(day));
  }
  return result;
}

// Returns nullptr and sets out, or returns the reason and leaves out alone.
inline const char* try_parse_date(std::string_view text, Date& out) noexcept {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return "a date is written YYYY-MM-DD";
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (std::size_t i = 0; i < lengths[f]; ++i) {
      const char c = text[starts[f] + i];
      if (c < '0' || c > '9') return "a date is written YYYY-MM-DD, with digits only";
      fields[f] = fields[f] * 10 + (c - '0');
    }
  }
  if (fields[0] < 1000) return "the year must be between 1000 and 9999";
  if (fields[1] < 1 || fields[1] > 12) return "the month must be between 01 and 12";
  const Date result{date::year{fields[0]}, date::month{static_cast<unsigned>(fields[1])},
                    date::day{static_cast<unsigned>(fields[2])}};
  if (!result.ok()) return "that month has no such day";
  out = result;
  return nullptr;
}

inline Date parse_date(std::string_view text) {
  Date result;
  if (const char* reason = try_parse_date(text, result)) {
    throw Error(ErrorCode::invalid_text, "'" + std::string(text) + "' is not a date: " + reason);
  }
  return result;
}

inline std::string format_date(const Date& day) {
  char buffer[11];
  const int year = static_cast<int>(day.year());
  const unsigned month = static_cast<unsigned>(day.month());
  const unsigned day_of_month = static_cast<unsigned>(day.day());
  buffer[0] = static_cast<char>('0' + year / 1000 % 10);
  buffer[1] = static_cast<char>('0' + year / 100 % 10);
  buffer[2] = static_cast<char>('0' + year / 10 % 10);
  buffer[3] = static_cast<char>('0' + year % 10);
  buffer[4] = '-';
  buffer[5] = static_cast<char>('0' + month / 10);
  buffer[6] = static_cast<char>('0' + month % 10);
  buffer[7] = '-';
  buffer[8] = static_cast<char>('0' + day_of_month / 10);
  buffer[9] = static_cast<char>('0' + day_of_month % 10);
  return std::string(buffer, 10);
}

inline int day_number(const Date& day) {
  return static_cast<int>(date::sys_days(day).time_since_epoch().count());
}

inline Date date_from_day_number(int days) { return Date(date::sys_days(date::days(days))); }

inline Date add_days(const Date& day, int days) { return date_from_day_number(day_number(day) + days); }

}  // namespace commonweal

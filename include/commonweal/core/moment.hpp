// commonweal::Moment: a UTC instant, to the microsecond, when the ledger
// learned something (an entry's recorded moment, an "as known at" query).
//
// Guarantees
// - parse_moment() accepts "YYYY-MM-DDTHH:MM:SSZ" with optional fractional
//   seconds (up to 6 digits) and only UTC ("Z"); format_moment() writes the
//   same form, with fractions only when they are not zero.
// - parse_as_known_at() also accepts a bare date, meaning the end of that
//   day, UTC (reference scheme section 2).
// Constraints
// - No local times and no offsets other than Z: a moment must be unambiguous.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "commonweal/core/date.hpp"

namespace commonweal {

using Moment = date::sys_time<std::chrono::microseconds>;

inline Moment start_of_day(const Date& day) { return Moment(date::sys_days(day)); }

inline Moment end_of_day(const Date& day) {
  return start_of_day(add_days(day, 1)) - std::chrono::microseconds(1);
}

inline Moment parse_moment(std::string_view text) {
  const auto refuse = [&](const char* reason) {
    return Error(ErrorCode::invalid_text, "'" + std::string(text) + "' is not a UTC moment: " + reason);
  };
  Date day;
  if (text.size() < 20 || text[10] != 'T' || try_parse_date(text.substr(0, 10), day) != nullptr) {
    throw refuse("expected YYYY-MM-DDTHH:MM:SSZ");
  }
  if (text.back() != 'Z') throw refuse("only UTC moments, ending in Z, are accepted");
  const auto two_digits = [&](std::size_t at) {
    const char a = text[at], b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') throw refuse("expected YYYY-MM-DDTHH:MM:SSZ");
    return (a - '0') * 10 + (b - '0');
  };
  if (text[13] != ':' || text[16] != ':') throw refuse("expected YYYY-MM-DDTHH:MM:SSZ");
  const int hours = two_digits(11), minutes = two_digits(14), seconds = two_digits(17);
  if (hours > 23 || minutes > 59 || seconds > 59) throw refuse("the time of day is out of range");
  long long micros = 0;
  const std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 7) {
      throw refuse("fractional seconds are '.' and 1 to 6 digits");
    }
    for (std::size_t i = 1; i < 7; ++i) {
      const char c = i < fraction.size() ? fraction[i] : '0';
      if (c < '0' || c > '9') throw refuse("fractional seconds are '.' and 1 to 6 digits");
      micros = micros * 10 + (c - '0');
    }
  }
  return start_of_day(day) + std::chrono::hours(hours) + std::chrono::minutes(minutes) +
         std::chrono::seconds(seconds) + std::chrono::microseconds(micros);
}

inline Moment parse_as_known_at(std::string_view text) {
  Date day;
  if (try_parse_date(text, day) == nullptr) return end_of_day(day);
  return parse_moment(text);
}

inline std::string format_moment(const Moment& moment) {
  const auto day = date::floor<date::days>(moment);
  const long long micros_of_day = (moment - day).count();
  const long long seconds_of_day = micros_of_day / 1'000'000;
  const long long micros = micros_of_day % 1'000'000;
  char buffer[32];
  int length = std::snprintf(buffer, sizeof buffer, "T%02lld:%02lld:%02lld", seconds_of_day / 3600,
                             seconds_of_day / 60 % 60, seconds_of_day % 60);
  if (micros != 0) {
    length += std::snprintf(buffer + length, sizeof buffer - length, ".%06lld", micros);
    while (buffer[length - 1] == '0') --length;
  }
  return format_date(Date(day)) + std::string(buffer, static_cast<std::size_t>(length)) + "Z";
}

inline Moment now_utc() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace commonweal

// commonweal::TaxYear: a year starting on a configurable day, and its label.
//
// Guarantees
// - Every date lies in exactly one tax year; first_day() <= d <= last_day().
// - Labels: "2024-25" for a year starting 2024-04-06 (two-digit end year, so
//   "1999-00"); "2024" when the year starts on 01-01. parse_label() is the
//   inverse of label() for the same start.
// Constraints
// - The start day is "MM-DD" and may not be 02-29 (it must exist every year).
#pragma once

#include <string>
#include <string_view>

#include "commonweal/core/date.hpp"

namespace commonweal {

struct TaxYearStart {
  unsigned month = 4;
  unsigned day = 6;

  static TaxYearStart parse(std::string_view text) {
    Date probe;
    const std::string as_date = "2023-" + std::string(text);  // 2023: a common year
    if (text.size() != 5 || try_parse_date(as_date, probe) != nullptr) {
      throw Error(ErrorCode::invalid_text,
                  "tax year start '" + std::string(text) + "' is not a day written MM-DD that every year has");
    }
    return {static_cast<unsigned>(probe.month()), static_cast<unsigned>(probe.day())};
  }
  bool is_calendar_year() const { return month == 1 && day == 1; }
  friend bool operator==(const TaxYearStart&, const TaxYearStart&) = default;
};

inline constexpr TaxYearStart uk_tax_year_start{4, 6};

class TaxYear {
 public:
  TaxYear(int start_year, TaxYearStart start) : start_year_(start_year), start_(start) {}

  static TaxYear containing(const Date& day, TaxYearStart start) {
    const int year = static_cast<int>(day.year());
    const TaxYear same_year(year, start);
    return day < same_year.first_day() ? TaxYear(year - 1, start) : same_year;
  }

  static TaxYear parse_label(std::string_view label, TaxYearStart start) {
    const auto refuse = [&](const char* reason) {
      return Error(ErrorCode::invalid_text, "'" + std::string(label) + "' is not a tax year label: " + reason);
    };
    const auto digits = [](std::string_view text) {
      int value = 0;
      for (char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
      }
      return value;
    };
    const int year = label.size() >= 4 ? digits(label.substr(0, 4)) : -1;
    if (year < 1000) throw refuse("it must start with a four-digit year");
    const TaxYear result(year, start);
    if (label != result.label()) {
      throw refuse(start.is_calendar_year() ? "expected YYYY" : "expected YYYY-YY with the next year's last two digits");
    }
    return result;
  }

  int start_year() const { return start_year_; }
  TaxYearStart start() const { return start_; }
  Date first_day() const { return make_date(start_year_, start_.month, start_.day); }
  // The day before the next year's first day; when that is not the 1st of a month, written
  // directly (the same day, without counting days).
  Date last_day() const {
    if (start_.day > 1) {
      const Date last{date::year{start_year_ + 1}, date::month{start_.month}, date::day{start_.day - 1}};
      const Date start{date::year{start_year_ + 1}, date::month{start_.month}, date::day{start_.day}};
      if (start.ok()) return last;  // else make_date() below says why
    }
    return add_days(next().first_day(), -1);
  }
  bool contains(const Date& day) const { return first_day() <= day && day <= last_day(); }
  TaxYear next() const { return TaxYear(start_year_ + 1, start_); }
  TaxYear previous() const { return TaxYear(start_year_ - 1, start_); }

  std::string label() const {
    std::string text = std::to_string(start_year_);
    if (start_.is_calendar_year()) return text;
    const int end_two_digits = (start_year_ + 1) % 100;
    text += '-';
    text += static_cast<char>('0' + end_two_digits / 10);
    text += static_cast<char>('0' + end_two_digits % 10);
    return text;
  }

  friend bool operator==(const TaxYear&, const TaxYear&) = default;

 private:
  int start_year_;
  TaxYearStart start_;
};

}  // namespace commonweal

// Dates, tax years, ages and moments (reference scheme section 2).
#include <doctest/doctest.h>

#include "commonweal/core/age.hpp"
#include "commonweal/core/moment.hpp"
#include "commonweal/core/tax_year.hpp"

using namespace commonweal;

namespace {
std::string date_reason(std::string_view text) {
  Date ignored;
  const char* reason = try_parse_date(text, ignored);
  return reason ? reason : "";
}
}  // namespace

TEST_CASE("ISO dates: exact form, real days only") {
  CHECK(format_date(parse_date("2024-02-29")) == "2024-02-29");
  CHECK(format_date(parse_date("1000-01-01")) == "1000-01-01");
  CHECK(date_reason("2023-02-29") == "that month has no such day");
  CHECK(date_reason("2024-02-31") == "that month has no such day");
  CHECK(date_reason("2024-04-31") == "that month has no such day");
  CHECK(date_reason("2024-13-01") == "the month must be between 01 and 12");
  CHECK(date_reason("2024-00-10") == "the month must be between 01 and 12");
  CHECK(date_reason("2024-1-01") == "a date is written YYYY-MM-DD");
  CHECK(date_reason("2024/01/01") == "a date is written YYYY-MM-DD");
  CHECK(date_reason("24-01-01") == "a date is written YYYY-MM-DD");
  CHECK(date_reason("2024-01-0a") == "a date is written YYYY-MM-DD, with digits only");
  CHECK(date_reason("0999-01-01") == "the year must be between 1000 and 9999");
  CHECK(date_reason("") == "a date is written YYYY-MM-DD");
  CHECK_THROWS_WITH_AS(parse_date("2023-02-29"), "'2023-02-29' is not a date: that month has no such day", Error);
  CHECK(add_days(parse_date("2024-02-28"), 1) == parse_date("2024-02-29"));
  CHECK(date_from_day_number(day_number(parse_date("1975-06-01"))) == parse_date("1975-06-01"));
}

TEST_CASE("tax years: UK start, labels, boundaries") {
  const TaxYear year = TaxYear::containing(parse_date("2024-04-06"), uk_tax_year_start);
  CHECK(year.label() == "2024-25");
  CHECK(year.first_day() == parse_date("2024-04-06"));
  CHECK(year.last_day() == parse_date("2025-04-05"));
  CHECK(TaxYear::containing(parse_date("2024-04-05"), uk_tax_year_start).label() == "2023-24");
  CHECK(TaxYear::containing(parse_date("1999-12-31"), uk_tax_year_start).label() == "1999-00");
  CHECK(TaxYear::parse_label("1999-00", uk_tax_year_start).first_day() == parse_date("1999-04-06"));
  CHECK(TaxYear::parse_label("2024-25", uk_tax_year_start) == year);
  CHECK_THROWS_AS(TaxYear::parse_label("2024-26", uk_tax_year_start), Error);
  CHECK_THROWS_AS(TaxYear::parse_label("2024", uk_tax_year_start), Error);
  CHECK_THROWS_AS(TaxYear::parse_label("24-25", uk_tax_year_start), Error);
  CHECK(year.next().label() == "2025-26");
  CHECK(year.previous().label() == "2023-24");
  CHECK(year.contains(parse_date("2025-04-05")));
  CHECK(!year.contains(parse_date("2025-04-06")));
}

TEST_CASE("tax years: a calendar-year start is labelled by its year") {
  const TaxYearStart january = TaxYearStart::parse("01-01");
  const TaxYear year = TaxYear::containing(parse_date("2024-12-31"), january);
  CHECK(year.label() == "2024");
  CHECK(year.last_day() == parse_date("2024-12-31"));
  CHECK(TaxYear::parse_label("2024", january) == year);
  CHECK_THROWS_AS(TaxYear::parse_label("2024-25", january), Error);
  CHECK_THROWS_AS(TaxYearStart::parse("02-29"), Error);
  CHECK_THROWS_AS(TaxYearStart::parse("4-6"), Error);
  CHECK(TaxYearStart::parse("04-06") == uk_tax_year_start);
}

TEST_CASE("ages: full years, and 29 February birthdays on 1 March in common years") {
  const Date birth = parse_date("1990-06-01");
  CHECK(age_on(birth, parse_date("2024-05-31")) == 33);
  CHECK(age_on(birth, parse_date("2024-06-01")) == 34);
  CHECK(date_reaching_age(birth, 67) == parse_date("2057-06-01"));
  const Date leap = parse_date("2000-02-29");
  CHECK(age_on(leap, parse_date("2001-02-28")) == 0);
  CHECK(age_on(leap, parse_date("2001-03-01")) == 1);
  CHECK(age_on(leap, parse_date("2004-02-29")) == 4);
  CHECK(age_on(leap, parse_date("2004-02-28")) == 3);
  CHECK(date_reaching_age(leap, 66) == parse_date("2066-03-01"));  // 2066 is common
  CHECK(date_reaching_age(leap, 68) == parse_date("2068-02-29"));  // 2068 is leap
  CHECK(age_on(birth, birth) == 0);
  CHECK_THROWS_AS(age_on(birth, parse_date("1990-05-31")), Error);
}

TEST_CASE("moments: UTC only, microseconds, bare dates as known at end of day") {
  const Moment moment = parse_moment("2026-01-31T09:15:00Z");
  CHECK(format_moment(moment) == "2026-01-31T09:15:00Z");
  CHECK(format_moment(parse_moment("2026-01-31T09:15:00.250Z")) == "2026-01-31T09:15:00.25Z");
  CHECK(format_moment(parse_moment("2026-01-31T23:59:59.999999Z")) == "2026-01-31T23:59:59.999999Z");
  CHECK(parse_as_known_at("2026-01-31") == parse_moment("2026-01-31T23:59:59.999999Z"));
  CHECK(parse_as_known_at("2026-01-31T09:15:00Z") == moment);
  CHECK(start_of_day(parse_date("2026-02-01")) - end_of_day(parse_date("2026-01-31")) == std::chrono::microseconds(1));
  CHECK_THROWS_AS(parse_moment("2026-01-31T09:15:00+01:00"), Error);
  CHECK_THROWS_AS(parse_moment("2026-01-31 09:15:00Z"), Error);
  CHECK_THROWS_AS(parse_moment("2026-01-31T24:00:00Z"), Error);
  CHECK_THROWS_AS(parse_moment("2026-01-31T09:15:00.1234567Z"), Error);
  CHECK_THROWS_AS(parse_moment("2026-02-30T09:15:00Z"), Error);
}

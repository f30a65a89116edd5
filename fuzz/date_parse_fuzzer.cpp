// libFuzzer target for commonweal dates and moments: try_parse_date,
// parse_date, format_date, parse_moment, parse_as_known_at, format_moment.
//
// The whole input is fed to every parser. Each answer is checked against a
// reference parser written here from the documented grammar (and a
// days-from-civil count written here), so a wrongly accepted or refused text,
// a wrong day or moment, or a failed round trip aborts with a description.
// Only commonweal::Error(invalid_text) may be thrown by the parsers.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "commonweal/core/date.hpp"
#include "commonweal/core/moment.hpp"

namespace {

using commonweal::Date;
using commonweal::Error;
using commonweal::ErrorCode;
using commonweal::Moment;

using fuzz_support::fail;
using fuzz_support::printable;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

int number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool leap(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : days[month - 1];
}

// Days from 1970-01-01 to year-month-day (years 1000-9999), counted year by
// year (a table built once) and month by month.
long long reference_day_number(int year, int month, int day) {
  static const std::vector<long long> year_starts = [] {
    std::vector<long long> starts(10000 - 1000 + 1);
    long long days = 0;
    for (int y = 1000; y < 1970; ++y) days -= leap(y) ? 366 : 365;
    for (int y = 1000; y <= 10000; ++y) {
      starts[static_cast<std::size_t>(y - 1000)] = days;
      days += leap(y) ? 366 : 365;
    }
    return starts;
  }();
  if (year < 1000 || year > 10000) fail("reference_day_number: year out of range");
  long long days = year_starts[static_cast<std::size_t>(year - 1000)];
  for (int m = 1; m < month; ++m) days += days_in_month(year, m);
  return days + day - 1;
}

struct ReferenceDate {
  int year, month, day;
};

std::optional<ReferenceDate> reference_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  const ReferenceDate date{number(y), number(m), number(d)};
  if (date.year < 1000 || date.month < 1 || date.month > 12) return std::nullopt;
  if (date.day < 1 || date.day > days_in_month(date.year, date.month)) return std::nullopt;
  return date;
}

constexpr long long micros_per_day = 86'400'000'000LL;

struct ReferenceMoment {
  long long micros;       // since 1970-01-01T00:00:00Z
  std::string canonical;  // what format_moment must write
};

std::optional<ReferenceMoment> reference_moment(std::string_view text) {
  if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
  const auto date = reference_date(text.substr(0, 10));
  if (!date || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const std::string_view hh = text.substr(11, 2), mm = text.substr(14, 2), ss = text.substr(17, 2);
  if (!all_digits(hh) || !all_digits(mm) || !all_digits(ss)) return std::nullopt;
  if (number(hh) > 23 || number(mm) > 59 || number(ss) > 59) return std::nullopt;
  std::string_view fraction = text.substr(19, text.size() - 20);
  long long micros = 0;
  if (!fraction.empty()) {
    if (fraction[0] != '.') return std::nullopt;
    fraction.remove_prefix(1);
    if (fraction.empty() || fraction.size() > 6 || !all_digits(fraction)) return std::nullopt;
    std::string six(fraction);
    six.resize(6, '0');
    micros = number(six);
  }
  std::string canonical(text.substr(0, 19));
  if (micros != 0) {
    std::string digits(fraction);
    while (digits.back() == '0') digits.pop_back();
    canonical += "." + digits;
  }
  canonical += "Z";
  const long long day_micros =
      reference_day_number(date->year, date->month, date->day) * micros_per_day;
  return ReferenceMoment{
      day_micros + ((number(hh) * 60LL + number(mm)) * 60 + number(ss)) * 1'000'000 + micros,
      canonical};
}

long long micros_of(const Moment& moment) { return moment.time_since_epoch().count(); }

// Runs a parser expected to succeed with `expected` micros or to throw Error(invalid_text).
template <class Parser>
std::optional<Moment> check_moment_parser(const std::string& context,
                                          const std::optional<long long>& expected, Parser parser) {
  try {
    const Moment moment = parser();
    FUZZ_CHECK(expected.has_value(),
               context + " accepted invalid text as " + commonweal::format_moment(moment));
    FUZZ_CHECK(micros_of(moment) == *expected, context + " gave " +
                                                   std::to_string(micros_of(moment)) +
                                                   " us, expected " + std::to_string(*expected));
    return moment;
  } catch (const Error& error) {
    FUZZ_CHECK(!expected.has_value(),
               context + " refused valid text: " + std::string(error.what()));
    FUZZ_CHECK(error.code() == ErrorCode::invalid_text,
               context + " threw a code other than invalid_text: " + std::string(error.what()));
  } catch (const std::exception& other) {
    fail(context + ": a non-commonweal exception escaped: " + other.what());
  } catch (...) {
    fail(context + ": an unknown exception escaped");
  }
  return std::nullopt;
}

void check_date(std::string_view text) {
  const std::string context = "date '" + printable(text) + "'";
  const auto reference = reference_date(text);

  const Date sentinel{date::year{1234}, date::month{5}, date::day{6}};
  Date out = sentinel;
  const char* reason = commonweal::try_parse_date(text, out);
  if (reason != nullptr) {
    FUZZ_CHECK(!reference.has_value(),
               context + " refused (" + reason + ") but it is a valid date");
    FUZZ_CHECK(out == sentinel, context + ": try_parse_date changed out on failure");
    FUZZ_CHECK(*reason != '\0', context + ": empty reason");
  } else {
    FUZZ_CHECK(reference.has_value(), context + " accepted as " + commonweal::format_date(out));
  }

  try {
    const Date day = commonweal::parse_date(text);
    FUZZ_CHECK(reference.has_value(), context + ": parse_date accepted invalid text");
    FUZZ_CHECK(day == out, context + ": parse_date and try_parse_date disagree");
    FUZZ_CHECK(day.ok(), context + ": parsed a day that is not ok()");
    FUZZ_CHECK(static_cast<int>(day.year()) == reference->year &&
                   static_cast<unsigned>(day.month()) == static_cast<unsigned>(reference->month) &&
                   static_cast<unsigned>(day.day()) == static_cast<unsigned>(reference->day),
               context + ": parsed fields differ");
    const std::string formatted = commonweal::format_date(day);
    FUZZ_CHECK(formatted == text, context + ": format_date gave '" + formatted + "'");
    const int number_of_day = commonweal::day_number(day);
    FUZZ_CHECK(
        number_of_day == reference_day_number(reference->year, reference->month, reference->day),
        context + ": day_number gave " + std::to_string(number_of_day));
    FUZZ_CHECK(commonweal::date_from_day_number(number_of_day) == day,
               context + ": date_from_day_number(day_number) is not the day");
    FUZZ_CHECK(micros_of(commonweal::end_of_day(day)) - micros_of(commonweal::start_of_day(day)) ==
                   micros_per_day - 1,
               context + ": end_of_day - start_of_day is not a day less 1 us");
    FUZZ_CHECK(commonweal::make_date(reference->year, static_cast<unsigned>(reference->month),
                                     static_cast<unsigned>(reference->day)) == day,
               context + ": make_date disagrees");
  } catch (const Error& error) {
    FUZZ_CHECK(!reference.has_value(),
               context + ": parse_date refused: " + std::string(error.what()));
    FUZZ_CHECK(error.code() == ErrorCode::invalid_text,
               context + ": parse_date threw a code other than invalid_text");
  } catch (const std::exception& other) {
    fail(context + ": parse_date let a non-commonweal exception escape: " + other.what());
  } catch (...) {
    fail(context + ": parse_date let an unknown exception escape");
  }
}

void check_moment(std::string_view text) {
  const std::string context = "moment '" + printable(text) + "'";
  const auto reference = reference_moment(text);
  const std::optional<long long> expected =
      reference ? std::optional<long long>(reference->micros) : std::nullopt;

  const auto moment = check_moment_parser(context + " parse_moment", expected,
                                          [&] { return commonweal::parse_moment(text); });
  if (moment) {
    const std::string formatted = commonweal::format_moment(*moment);
    FUZZ_CHECK(formatted == reference->canonical, context + ": format_moment gave '" + formatted +
                                                      "', expected '" + reference->canonical + "'");
    const Moment again = commonweal::parse_moment(formatted);
    FUZZ_CHECK(again == *moment,
               context + ": format_moment '" + formatted + "' re-parses differently");
    FUZZ_CHECK(commonweal::format_moment(again) == formatted, context + ": second format differs");
  }

  // parse_as_known_at: a bare date means the last microsecond of that day.
  std::optional<long long> known_at = expected;
  if (const auto day = reference_date(text)) {
    known_at =
        reference_day_number(day->year, day->month, day->day) * micros_per_day + micros_per_day - 1;
  }
  const auto as_known = check_moment_parser(context + " parse_as_known_at", known_at,
                                            [&] { return commonweal::parse_as_known_at(text); });
  if (as_known) {
    const std::string formatted = commonweal::format_moment(*as_known);
    FUZZ_CHECK(commonweal::parse_moment(formatted) == *as_known,
               context + ": parse_as_known_at result '" + formatted + "' does not round-trip");
  }
}

// Any day in 1000-01-01 .. 9999-12-31 formats and parses back.
void check_day_number(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return;
  const std::uint32_t raw =
      static_cast<std::uint32_t>(data[0]) | static_cast<std::uint32_t>(data[1]) << 8 |
      static_cast<std::uint32_t>(data[2]) << 16 | static_cast<std::uint32_t>(data[3]) << 24;
  static const long long first = reference_day_number(1000, 1, 1);
  static const long long last = reference_day_number(9999, 12, 31);
  const int number_of_day =
      static_cast<int>(first + static_cast<long long>(raw % (last - first + 1)));
  const Date day = commonweal::date_from_day_number(number_of_day);
  const std::string formatted = commonweal::format_date(day);
  const std::string context =
      "day number " + std::to_string(number_of_day) + " ('" + formatted + "')";
  Date parsed;
  FUZZ_CHECK(commonweal::try_parse_date(formatted, parsed) == nullptr, context + " does not parse");
  FUZZ_CHECK(parsed == day && commonweal::day_number(parsed) == number_of_day,
             context + " does not round-trip");
  FUZZ_CHECK(commonweal::add_days(day, 1) == commonweal::date_from_day_number(number_of_day + 1),
             context + ": add_days disagrees");
  const Moment start = commonweal::start_of_day(day);
  FUZZ_CHECK(commonweal::parse_moment(commonweal::format_moment(start)) == start,
             context + ": start_of_day does not round-trip");
  const Moment end = commonweal::end_of_day(day);
  FUZZ_CHECK(commonweal::format_moment(end) == formatted + "T23:59:59.999999Z",
             context + ": end_of_day formats as " + commonweal::format_moment(end));
  FUZZ_CHECK(commonweal::parse_as_known_at(formatted) == end,
             context + ": parse_as_known_at differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_date(text);
  check_moment(text);
  check_day_number(data, size);
  return 0;
}

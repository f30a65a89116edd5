// Dates, tax years, ages and moments.
#include <fmt/format.h>

#include "commonweal/core/age.hpp"
#include "commonweal/core/moment.hpp"
#include "commonweal/core/tax_year.hpp"

using namespace commonweal;

int main() {
  const TaxYear year = TaxYear::containing(parse_date("2024-05-31"), uk_tax_year_start);
  fmt::print("2024-05-31 is in tax year {}, {} to {}\n", year.label(), format_date(year.first_day()),
             format_date(year.last_day()));
  fmt::print("with a 01-01 start it is in {}\n",
             TaxYear::containing(parse_date("2024-05-31"), TaxYearStart::parse("01-01")).label());
  const Date leapling = parse_date("2000-02-29");
  fmt::print("born 2000-02-29: aged {} on 2001-02-28, {} on 2001-03-01; reaches 67 on {}\n",
             age_on(leapling, parse_date("2001-02-28")), age_on(leapling, parse_date("2001-03-01")),
             format_date(date_reaching_age(leapling, 67)));
  fmt::print("as known at 2026-01-31 means {}\n", format_moment(parse_as_known_at("2026-01-31")));
  try {
    parse_date("2023-02-29");
  } catch (const Error& error) {
    fmt::print("refused: {}\n", error.what());
  }
}

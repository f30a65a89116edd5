// One citizen's 2024-25 year, posted by hand into an in-memory journal: the
// worked example of the reference scheme (section 8) before the rules engine
// exists to derive it. Each rounding is written where it happens.
//
// Run: build/examples/cpp/citizen_year
#include <iostream>

#include <fmt/format.h>

#include "commonweal/core/hours.hpp"
#include "commonweal/core/tax_year.hpp"
#include "commonweal/ledger/journal.hpp"

using namespace commonweal;

int main() {
  const Unit gbp = Unit::parse("GBP");
  const Moment recorded = parse_moment("2025-04-06T09:00:00Z");
  Journal journal;
  journal.open_account({"citizen:C1:social", gbp});  // may go into deficit
  journal.open_account({"citizen:C1:time", Unit::hour(), Decimal(-10)});
  journal.open_account({"fund:social", gbp});
  journal.open_account({"org:food-bank", Unit::hour()});

  const auto credit = [&](const char* id, const char* day, const char* memo, const Money& amount) {
    journal.post(Entry{id, parse_date(day), recorded, "example", memo,
                       {{"citizen:C1:social", amount.to_amount()}, {"fund:social", (-amount).to_amount()}}, ""});
  };
  // 10% of income tax paid is credited, rounded half-even once.
  credit("E1", "2024-05-31", "10% of 1234.55 income tax",
         Money::parse("1234.55", gbp).times(Decimal::parse("0.10"), RoundingMode::half_even));
  credit("E2", "2024-06-30", "child benefit charged", -Money::parse("102.40", gbp));
  // 2.10 hours volunteered, rounded up to the quarter hour, valued at 11.44 an hour; half is credited.
  const Hours hours = Hours::parse("2.10").rounded_up_to_step(Decimal::parse("0.25"));
  journal.post(Entry{"E3", parse_date("2024-07-01"), recorded, "example", "food bank volunteering",
                     {{"citizen:C1:time", hours.to_amount()}, {"org:food-bank", (-hours).to_amount()}}, ""});
  const Money value = hours.valued_at(Money::parse("11.44", gbp), RoundingMode::half_even);
  credit("E3.credit", "2024-07-01", "half the value of volunteering", value.times(Decimal::parse("0.5"), RoundingMode::half_even));
  credit("E4", "2024-08-15", "10% co-payment on 333.35 social care",
         -Money::parse("333.35", gbp).times(Decimal::parse("0.10"), RoundingMode::half_even));

  const TaxYear year = TaxYear::parse_label("2024-25", uk_tax_year_start);
  const Decimal before_indexation = journal.balance("citizen:C1:social", year.last_day());
  credit("R8", "2025-04-05", "2% indexation",
         Money(before_indexation, gbp).times(Decimal::parse("0.02"), RoundingMode::half_even));

  fmt::print("Citizen C1, tax year {} ({} to {})\n", year.label(), format_date(year.first_day()),
             format_date(year.last_day()));
  fmt::print("  volunteered {} (valued at {} GBP)\n", hours.to_string(), value.value());
  fmt::print("  social account before indexation {:>8} GBP\n", before_indexation);
  fmt::print("  social account closing balance   {:>8} GBP\n", journal.balance("citizen:C1:social"));
  fmt::print("  time credits                     {:>8} HOUR\n", journal.balance("citizen:C1:time"));
  fmt::print("  fund:social                      {:>8} GBP\n", journal.balance("fund:social"));
  const bool all_hold = journal.check_invariants().empty();
  fmt::print("  {} entries; every entry balances and every limit holds: {}\n", journal.entry_count(),
             all_hold ? "yes" : "NO");
  return all_hold ? 0 : 1;
}

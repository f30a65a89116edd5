// commonweal::Statement: a citizen's annual statement (reference scheme
// section 6), read from the journal as known at a moment.
//
// Guarantees
// - Every figure comes from journal entries effective in the period (or,
//   for opening balances and lifetime sums, before its end) and recorded at
//   or before as_known_at: asking again "as known at" the same moment gives
//   the same statement, whatever was imported since.
// - closing_balance = opening_balance + sum(contributions) + social_credits
//   - sum(benefits_charged) - sum(copayments) + indexation + settlement,
//   exactly; make_statement() checks it and throws if it ever failed.
// - Maps hold only codes whose total for the period is not zero.
// - history has one row per tax year, oldest first, ending with the
//   statement's own year (always there); it starts at the first year whose
//   row is not all zeros, so a citizen's first recorded activity starts it
//   and an event corrected away (its entries and reversal net to zero) does
//   not. Its last row repeats the year's figures: contributions =
//   sum(social_account.contributions), benefits_charged =
//   sum(social_account.benefits_charged), service_use = sum(service_use),
//   closing_balance = social_account.closing_balance; and the rows'
//   contributions, benefits_charged and service_use sum to the lifetime
//   figures. It is read in the same single pass over the postings as the
//   rest of the statement.
// - to_json() writes the contract's field names, amounts as strings with
//   exactly two decimals.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commonweal/lifecycle/engine.hpp"

namespace commonweal {

struct Statement {
  using Totals = std::map<std::string, Decimal>;  // code -> amount

  std::string citizen;
  std::string tax_year;
  Date period_start;
  Date period_end;
  Moment as_known_at;
  std::string currency;
  struct {
    Decimal opening_balance;
    Totals contributions;
    Decimal social_credits;
    Totals benefits_charged;
    Totals copayments;
    Decimal indexation;
    Decimal settlement;
    Decimal closing_balance;
  } social_account;
  Totals taxes_paid;
  Totals benefits_not_charged;
  Totals service_use;
  struct {
    Decimal opening_balance, contributions, closing_balance;
  } care_pot;
  struct {
    Decimal opening_balance, earned, spent, other, closing_balance;
  } time_credits;
  struct {
    Decimal hours, value;
  } volunteering;
  struct {
    Decimal contributions, benefits_charged, service_use, volunteer_hours;
  } lifetime;
  struct {
    std::optional<Date> state_pension_age_date;
    bool settled = false;
    Decimal weekly_supplement, projected_weekly_supplement;
  } pension;
  // One tax year of the lifetime picture, as known at the statement's moment.
  struct HistoryYear {
    std::string tax_year;     // its label, "2024-25"
    Decimal contributions;    // R1 credits to the social account (care levy excluded)
    Decimal benefits_charged; // R2 debits
    Decimal service_use;      // R3 costs
    Decimal closing_balance;  // the social account at the year's last day
  };
  std::vector<HistoryYear> history;  // oldest first; the last row is this statement's year

  std::string to_json() const;
  // "social_account.contributions.income_tax" -> "123.46", every field flattened (for tests and tables);
  // history rows as "history.2024-25.closing_balance".
  std::map<std::string, std::string> flatten() const;
};

// The statement of citizen for tax_year (its label, e.g. "2024-25"); without
// as_known_at, everything recorded so far counts and as_known_at is the
// last recorded moment.
Statement make_statement(const Engine& engine, const std::string& citizen, const std::string& tax_year,
                         std::optional<Moment> as_known_at = std::nullopt);

}  // namespace commonweal

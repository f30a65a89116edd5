// commonweal::BudgetStatement: a citizen's personal budget (rule R6) over one
// calendar month: each transaction with a running balance, council money and
// the citizen's own money shown apart.
//
// Guarantees
// - Read from the journal's postings to citizen:<id>:budget:council and
//   citizen:<id>:budget:own, effective in the month and recorded at or before
//   as_known_at: the same question gives the same statement, whatever was
//   imported since.
// - One line per event (journal key): its entries, adjustments and reversals
//   netted, so an event corrected away (its entries and reversal net to zero)
//   shows nothing, and the surviving event shows under its own date.
// - closing = opening + the sum of the lines, for council money, own money
//   and their total, exactly; each line's running balances are the opening
//   plus the lines up to it. make_budget_statement() checks that the closing
//   balances equal the journal's balances as of the month's last day.
// - Lines are in date order, then in the order the journal first held them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commonweal/lifecycle/engine.hpp"

namespace commonweal {

struct BudgetStatement {
  struct Line {
    Date date;
    std::string event;         // the event id behind the line
    std::string kind;          // "grant", "topup", "spend"
    std::string code;          // the event's code (council, how paid, what for)
    std::string counterparty;  // "council:LEEDS", "world", "provider:HOME1"
    Decimal council, own;      // this line's movements (spends are negative)
    Decimal council_balance, own_balance, balance;  // after this line
  };

  std::string citizen;
  std::string month;  // "2024-07"
  Date period_start, period_end;
  Moment as_known_at;
  std::string currency;
  Decimal opening_council, opening_own, opening_balance;
  std::vector<Line> lines;
  Decimal closing_council, closing_own, closing_balance;

  std::string to_text() const;
  std::string to_json() const;  // amounts as strings with exactly two decimals
};

// The statement of citizen for month ("2024-07"); without as_known_at,
// everything recorded so far counts. Throws Error(not_found) for an unknown
// citizen and Error(invalid_argument) for a month that is not YYYY-MM.
BudgetStatement make_budget_statement(const Engine& engine, const std::string& citizen, const std::string& month,
                                      std::optional<Moment> as_known_at = std::nullopt);

}  // namespace commonweal

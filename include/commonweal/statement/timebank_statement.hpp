// commonweal::TimeBankStatement: one member's (or organisation's, or the
// chest's) hours in a named time bank over a period (docs/timebanks.md).
//
// Guarantees
// - Read from the journal's postings to timebank:<bank>:<member>, effective
//   on or before the period's end and recorded at or before as_known_at:
//   the same question gives the same statement, whatever was imported since.
// - given: hours earned by giving a service (exchanges, sessions as the
//   provider); received: hours paid for services received; granted: starter
//   hours from the chest (for the chest itself, minus what it granted);
//   donated_in, donated_out: donations to and from the member. Adjustments
//   and reversals count under their event's role, so a corrected event
//   leaves only what survives.
// - closing = opening + given - received + granted + donated_in - donated_out,
//   exactly, and equals the journal's balance as of the period's end
//   (make_timebank_statement() checks it).
#pragma once

#include <optional>
#include <string>

#include "commonweal/lifecycle/engine.hpp"

namespace commonweal {

struct TimeBankStatement {
  std::string bank;
  std::string member;
  std::string kind;  // "person", "organisation" or "chest"
  Date period_start, period_end;
  Moment as_known_at;
  std::optional<Decimal> credit_limit_hours;  // in force at the period's end; none for the chest
  Decimal opening_balance, given, received, granted, donated_in, donated_out, closing_balance;

  std::string to_text() const;
  std::string to_json() const;  // hours as strings with exactly two decimals
};

// The statement of member ("chest" for the community chest) in bank from
// period_start to period_end, both inclusive; without as_known_at,
// everything recorded so far counts. Throws Error(not_found) for an unknown
// bank or member, Error(invalid_argument) when the period ends before it starts.
TimeBankStatement make_timebank_statement(const Engine& engine, const std::string& bank, const std::string& member,
                                          const Date& period_start, const Date& period_end,
                                          std::optional<Moment> as_known_at = std::nullopt);

}  // namespace commonweal

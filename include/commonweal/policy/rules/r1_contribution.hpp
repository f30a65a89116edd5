// R1 contribution: a tax paid credits a share of it to the social account.
//
// `tax`, code c, amount A: credit citizen:<id>:social with
// round(contribution_share.c x A) (one rounding, half-even, to pennies)
// against fund:social, unless the account is settled. Code `care_levy`
// credits all of A to citizen:<id>:care against fund:care, settled or not.
// Every tax also posts a memo pair (memo:citizen:<id>:taxes against
// memo:taxes:<c>) so that statements show taxes paid, credited or not, from
// the journal alone.
#pragma once

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class Contribution final : public EventRule {
 public:
  std::string_view name() const override { return "R1"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    const Unit currency = context.currency();
    const std::string& id = event.citizen;
    if (event.amount.is_zero()) return;
    context.begin(event_key(event, "R1.memo"), "R1");
    context.emit_transfer(event_key(event, "R1.memo"), event.date, {"R1.memo:", event.code}, event.id,
                          accounts::parts::memo_citizen(id, "taxes"), accounts::parts::memo_total("taxes", event.code),
                          event.amount, currency);
    if (event.code == "care_levy") {
      context.begin(event_key(event, "R1.care"), "R1");
      if (context.explaining()) {
        context.note_input("care levy paid " + event.amount.to_string() + ": all of it goes to the care pot");
      }
      context.emit_transfer(event_key(event, "R1.care"), event.date, "R1.care", event.id, accounts::parts::care(id),
                            accounts::fund_care, event.amount, currency);
      state.care += event.amount;
      return;
    }
    if (state.settled) return;
    context.begin(event_key(event, "R1"), "R1");
    if (context.explaining()) {
      context.note_input("tax " + event.code + " paid " + event.amount.to_string() + " on " + format_date(event.date));
    }
    const auto share = context.number({"contribution_share.", event.code}, event.date);
    if (!share) return;
    const Decimal credit = context.multiply(*share, event.amount, currency.scale(), RoundingMode::half_even);
    if (credit.is_zero()) return;
    context.emit_transfer(event_key(event, "R1"), event.date, {"R1:", event.code}, event.id, accounts::parts::social(id),
                          accounts::fund_social, credit, currency);
    state.social += credit;
  }
};

}  // namespace commonweal::rules

// R5 time-bank exchange: hours move from the member served to the member
// who served.
//
// `exchange`, code = time bank, citizen = who gave the service, counterparty
// = who received it. Hours, rounded up to volunteer_hours_step as in R4,
// move from citizen:<counterparty>:time to citizen:<citizen>:time. The payer
// may not go below minus time_credit_limit (no value: limit zero), checked
// on the replayed ledger at the exchange's date; otherwise the event is refused.
#pragma once

#include "commonweal/policy/rules/r4_volunteering.hpp"

namespace commonweal::rules {

class Exchange final : public EventRule {
 public:
  std::string_view name() const override { return "R5"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.counterparty == event.citizen) refuse(event, "a member cannot exchange hours with themselves");
    CitizenState* payer = context.states().find(event.counterparty);
    if (payer == nullptr) refuse(event, "the counterparty " + event.counterparty + " is not a known citizen");
    context.begin(event_key(event, "R5"), "R5");
    if (context.explaining()) {
      context.note_input(event.citizen + " gave " + event.amount.to_string() + " hours to " + event.counterparty +
                         " through " + event.code + " on " + format_date(event.date));
    }
    const Decimal hours = hours_rounded_to_step(event.amount, event.date, context);
    if (hours.is_zero()) return;
    const Decimal limit = context.number("time_credit_limit", event.date).value_or(Decimal());
    const Decimal payer_after = payer->time - hours;
    if (payer_after < -limit) {
      refuse(event, event.counterparty + " would have " + payer_after.rounded(2, RoundingMode::down).to_string() +
                        " hours, below the credit limit of " + (-limit).rounded(2, RoundingMode::down).to_string());
    }
    context.emit_transfer(event_key(event, "R5"), event.date, {"R5:", event.code}, event.id,
                          accounts::parts::time(event.citizen), accounts::parts::time(event.counterparty), hours,
                          Unit::hour());
    state.time += hours;
    payer->time -= hours;
  }
};

}  // namespace commonweal::rules

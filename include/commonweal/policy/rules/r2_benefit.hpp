// R2 benefit: a debitable benefit is charged to the social account.
//
// `benefit`, code b, amount A: if debitable.b is true and the account is not
// settled, debit citizen:<id>:social by A against fund:social ("benefits
// charged"), never refused for lack of balance: the account may go into
// deficit. Otherwise a memo pair memo:citizen:<id>:benefits against
// memo:benefits:<b> ("benefits not charged"). No rounding.
#pragma once

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class Benefit final : public EventRule {
 public:
  std::string_view name() const override { return "R2"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.amount.is_zero()) return;
    const std::string& id = event.citizen;
    context.begin(event_key(event, "R2"), "R2");
    if (context.explaining()) {
      context.note_input("benefit " + event.code + " received " + event.amount.to_string() + " on " +
                         format_date(event.date) + (state.settled ? " (account settled)" : ""));
    }
    if (!state.settled && context.flag({"debitable.", event.code}, event.date)) {
      context.emit_transfer(event_key(event, "R2"), event.date, {"R2:", event.code}, event.id, accounts::fund_social,
                            accounts::parts::social(id), event.amount, context.currency());
      state.social -= event.amount;
      return;
    }
    context.emit_transfer(event_key(event, "R2"), event.date, {"R2.memo:", event.code}, event.id,
                          accounts::parts::memo_citizen(id, "benefits"), accounts::parts::memo_total("benefits", event.code),
                          event.amount, context.currency());
  }
};

}  // namespace commonweal::rules

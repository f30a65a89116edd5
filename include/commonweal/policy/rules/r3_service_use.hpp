// R3 service use: every service used is shown; some carry a co-payment.
//
// `service`, code s, amount = cost: a memo pair memo:citizen:<id>:services
// against memo:services:<s>. If copayment_rate.s > 0 and the account is not
// settled, also debit citizen:<id>:social by round(copayment_rate.s x cost)
// (half-even, to pennies) against fund:social.
#pragma once

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class ServiceUse final : public EventRule {
 public:
  std::string_view name() const override { return "R3"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.amount.is_zero()) return;
    const std::string& id = event.citizen;
    context.begin(event_key(event, "R3.memo"), "R3");
    context.emit_transfer(event_key(event, "R3.memo"), event.date, {"R3.memo:", event.code}, event.id,
                          accounts::parts::memo_citizen(id, "services"), accounts::parts::memo_total("services", event.code),
                          event.amount, context.currency());
    if (state.settled) return;
    context.begin(event_key(event, "R3"), "R3");
    if (context.explaining()) {
      context.note_input("service " + event.code + " costing " + event.amount.to_string() + " on " + format_date(event.date));
    }
    const auto rate = context.number({"copayment_rate.", event.code}, event.date);
    if (!rate || rate->sign() <= 0) return;
    const Decimal copayment = context.multiply(*rate, event.amount, context.currency().scale(), RoundingMode::half_even);
    if (copayment.is_zero()) return;
    context.emit_transfer(event_key(event, "R3"), event.date, {"R3:", event.code}, event.id, accounts::fund_social,
                          accounts::parts::social(id), copayment, context.currency());
    state.social -= copayment;
  }
};

}  // namespace commonweal::rules

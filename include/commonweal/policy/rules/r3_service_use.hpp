// R3 service use: every service used is shown; some carry a co-payment.
//
// `service`, code s, amount = cost: a memo pair memo:citizen:<id>:services
// against memo:services:<s>. If copayment_rate.s > 0 and the account is not
// settled, also debit citizen:<id>:social by round(copayment_rate.s x cost)
// (half-even, to pennies) against fund:social. One entry per service (key
// "<citizen>/<event>/R3", code "R3:<s>"): the memo pair and the co-payment
// are its postings.
#pragma once

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class ServiceUse final : public EventRule {
 public:
  std::string_view name() const override { return "R3"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.amount.is_zero()) return;
    const std::string& id = event.citizen;
    const Unit currency = context.currency();
    context.begin(event_key(event, "R3"), "R3");
    if (context.explaining()) {
      context.note_input("service " + event.code + " costing " + event.amount.to_string() + " on " + format_date(event.date));
    }
    const Decimal copayment = state.settled ? Decimal() : copayment_of(event, context);
    const RuleContext::PostingText postings[] = {
        {accounts::parts::memo_citizen(id, "services"), Amount(event.amount, currency)},
        {accounts::parts::memo_total("services", event.code), Amount(-event.amount, currency)},
        {accounts::fund_social, Amount(copayment, currency)},
        {accounts::parts::social(id), Amount(-copayment, currency)}};
    context.emit(event_key(event, "R3"), event.date, {"R3:", event.code}, event.id,
                 std::span(postings).first(copayment.is_zero() ? 2 : 4));
    state.social -= copayment;
  }

 private:
  // round(copayment_rate.s x cost); zero without a positive rate on the event's date.
  static Decimal copayment_of(const Event& event, RuleContext& context) {
    const auto rate = context.number({"copayment_rate.", event.code}, event.date);
    if (!rate || rate->sign() <= 0) return Decimal();
    return context.multiply(*rate, event.amount, context.currency().scale(), RoundingMode::half_even);
  }
};

}  // namespace commonweal::rules

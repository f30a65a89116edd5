// R4 volunteering: hours given earn time credits and a social credit.
//
// `volunteer`, code = organisation, amount = hours. Three rounding points:
// 1. hours are rounded up to a multiple of volunteer_hours_step (no step: as given);
// 2. V = round(hours x valuation_rate_per_hour), half-even, to pennies;
// 3. S = round(V x social_credit_share), half-even, to pennies.
// Credit citizen:<id>:time with the hours against org:<code>; V is shown on
// the statement (a memo pair memo:citizen:<id>:volunteering against
// memo:volunteering:<code>); if S > 0 and the account is not settled, credit
// citizen:<id>:social with S against fund:social. One entry per event (key
// "<citizen>/<event>/R4", code "R4:<code>"): the hours, the value's memo pair
// and the credit are its postings (hours and pounds each balance on their own).
#pragma once

#include "commonweal/core/hours.hpp"
#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

// Hours rounded up to a multiple of step (no step, or not positive: as given); the one
// rounding of hours, shared by R4, R5, the default wallet's grants and donations and named banks.
inline Decimal hours_rounded_up_to_step(const Decimal& hours, const std::optional<Decimal>& step) {
  if (!step || step->sign() <= 0) return hours;
  return Hours(hours).rounded_up_to_step(*step).value();
}

// Hours rounded up to the volunteer_hours_step in force on day (R4, R5 and the default wallet).
inline Decimal hours_rounded_to_step(const Decimal& hours, const Date& day, RuleContext& context) {
  return hours_rounded_up_to_step(hours, context.number("volunteer_hours_step", day));
}

class Volunteering final : public EventRule {
 public:
  std::string_view name() const override { return "R4"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    const std::string& id = event.citizen;
    const Unit currency = context.currency();
    context.begin(event_key(event, "R4"), "R4");
    if (context.explaining()) {
      context.note_input("volunteered " + event.amount.to_string() + " hours for " + event.code + " on " +
                         format_date(event.date));
    }
    const Decimal hours = hours_rounded_to_step(event.amount, event.date, context);
    if (hours.is_zero()) return;
    const Decimal rate = context.number("valuation_rate_per_hour", event.date).value_or(Decimal());
    const Decimal value = context.multiply(hours, rate, currency.scale(), RoundingMode::half_even);
    const Decimal credit = value.is_zero() || state.settled ? Decimal() : social_credit_of(value, event, context);
    const RuleContext::PostingText postings[] = {
        {accounts::parts::time(id), Amount(hours, Unit::hour())},
        {accounts::parts::organisation(event.code), Amount(-hours, Unit::hour())},
        {accounts::parts::memo_citizen(id, "volunteering"), Amount(value, currency)},
        {accounts::parts::memo_total("volunteering", event.code), Amount(-value, currency)},
        {accounts::parts::social(id), Amount(credit, currency)},
        {accounts::fund_social, Amount(-credit, currency)}};
    const std::size_t count = value.is_zero() ? 2 : credit.is_zero() ? 4 : 6;
    context.emit(event_key(event, "R4"), event.date, {"R4:", event.code}, event.id, std::span(postings).first(count));
    state.time += hours;
    state.social += credit;
  }

 private:
  // S = round(V x social_credit_share); only a positive S is credited.
  static Decimal social_credit_of(const Decimal& value, const Event& event, RuleContext& context) {
    const Decimal share = context.number("social_credit_share", event.date).value_or(Decimal());
    const Decimal credit = context.multiply(value, share, context.currency().scale(), RoundingMode::half_even);
    return credit.sign() > 0 ? credit : Decimal();
  }
};

}  // namespace commonweal::rules

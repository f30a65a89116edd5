// R1 contribution: a tax paid credits a share of it to the social account.
//
// `tax`, code c, amount A: credit citizen:<id>:social with
// round(contribution_share.c x A) (one rounding, half-even, to pennies)
// against fund:social, unless the account is settled. Code `care_levy`
// credits all of A to citizen:<id>:care against fund:care, settled or not.
// Every tax also carries a memo pair (memo:citizen:<id>:taxes against
// memo:taxes:<c>) so that statements show taxes paid, credited or not, from
// the journal alone. One entry per tax (key "<citizen>/<event>/R1", code
// "R1:<c>", or "R1.care:care_levy"): the credit and the memo pair are its
// postings, so a tax costs the journal one entry, not two.
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
    context.begin(event_key(event, "R1"), "R1");
    const RuleContext::PostingText memo_pair[] = {
        {accounts::parts::memo_citizen(id, "taxes"), Amount(event.amount, currency)},
        {accounts::parts::memo_total("taxes", event.code), Amount(-event.amount, currency)}};
    if (event.code == "care_levy") {
      if (context.explaining()) {
        context.note_input("care levy paid " + event.amount.to_string() + ": all of it goes to the care pot");
      }
      const RuleContext::PostingText postings[] = {{accounts::parts::care(id), Amount(event.amount, currency)},
                                                   {accounts::fund_care, Amount(-event.amount, currency)},
                                                   memo_pair[0], memo_pair[1]};
      context.emit(event_key(event, "R1"), event.date, {"R1.care:", event.code}, event.id, postings);
      state.care += event.amount;
      return;
    }
    const Decimal credit = state.settled ? Decimal() : credit_of(event, context);
    if (credit.is_zero()) {
      context.emit(event_key(event, "R1"), event.date, {"R1:", event.code}, event.id, memo_pair);
      return;
    }
    const RuleContext::PostingText postings[] = {{accounts::parts::social(id), Amount(credit, currency)},
                                                 {accounts::fund_social, Amount(-credit, currency)},
                                                 memo_pair[0], memo_pair[1]};
    context.emit(event_key(event, "R1"), event.date, {"R1:", event.code}, event.id, postings);
    state.social += credit;
  }

 private:
  // round(contribution_share.c x A), zero when the share has no value on the event's date.
  static Decimal credit_of(const Event& event, RuleContext& context) {
    if (context.explaining()) {
      context.note_input("tax " + event.code + " paid " + event.amount.to_string() + " on " + format_date(event.date));
    }
    const auto share = context.number({"contribution_share.", event.code}, event.date);
    if (!share) return Decimal();
    return context.multiply(*share, event.amount, context.currency().scale(), RoundingMode::half_even);
  }
};

}  // namespace commonweal::rules

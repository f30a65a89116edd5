// R6 personal budgets: council grants, own top-ups, spending at providers.
//
// `budget_grant` credits citizen:<id>:budget:council from council:<code>;
// `budget_topup` credits citizen:<id>:budget:own from world; `budget_spend`
// pays provider:<counterparty> (no accreditation needed), drawing on
// budget:council first, then budget:own. Spending more than both hold is
// refused. No rounding.
#pragma once

#include <boost/container/static_vector.hpp>

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class PersonalBudget final : public EventRule {
 public:
  std::string_view name() const override { return "R6"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.amount.is_zero()) return;
    const std::string& id = event.citizen;
    const Unit currency = context.currency();
    context.begin(event_key(event, "R6"), "R6");
    if (context.explaining()) {
      context.note_input(std::string(to_string(event.kind)) + " " + event.code + " " + event.amount.to_string() +
                         " on " + format_date(event.date));
    }
    if (event.kind == EventKind::budget_grant) {
      context.emit_transfer(event_key(event, "R6"), event.date, {"R6.grant:", event.code}, event.id,
                            accounts::parts::budget_council(id), accounts::parts::council(event.code), event.amount,
                            currency);
      state.budget_council += event.amount;
      return;
    }
    if (event.kind == EventKind::budget_topup) {
      context.emit_transfer(event_key(event, "R6"), event.date, {"R6.topup:", event.code}, event.id,
                            accounts::parts::budget_own(id), accounts::world, event.amount, currency);
      state.budget_own += event.amount;
      return;
    }
    spend(event, state, context);
  }

 private:
  static void spend(const Event& event, CitizenState& state, RuleContext& context) {
    const Decimal held = state.budget_council + state.budget_own;
    if (event.amount > held) {
      // Shown in pence: the balances hold at most 2 decimals, so this rescaling is exact.
      refuse(event, "spending " + event.amount.to_string() + " at " + event.counterparty + " needs more than the budget holds (" +
                        state.budget_council.rounded(2, RoundingMode::half_even).to_string() + " council money, " +
                        state.budget_own.rounded(2, RoundingMode::half_even).to_string() + " own money)");
    }
    const Decimal from_council = event.amount < state.budget_council ? event.amount : state.budget_council;
    const Decimal from_own = event.amount - from_council;
    const Unit currency = context.currency();
    boost::container::static_vector<RuleContext::PostingText, 3> postings;
    postings.push_back({accounts::parts::provider(event.counterparty), Amount(event.amount, currency)});
    if (!from_council.is_zero()) {
      postings.push_back({accounts::parts::budget_council(event.citizen), Amount(-from_council, currency)});
    }
    if (!from_own.is_zero()) postings.push_back({accounts::parts::budget_own(event.citizen), Amount(-from_own, currency)});
    context.emit(event_key(event, "R6"), event.date, {"R6.spend:", event.code}, event.id,
                 std::span<const RuleContext::PostingText>(postings.data(), postings.size()));
    state.budget_council -= from_council;
    state.budget_own -= from_own;
  }
};

}  // namespace commonweal::rules

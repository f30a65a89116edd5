// R7 learning accounts: grants, and spending only at accredited providers.
//
// `learning_grant` credits citizen:<id>:learning from fund:learning;
// `learning_spend` pays provider:<counterparty> only if that provider is
// accredited on the event date and the balance covers it; otherwise the
// event is refused, naming the provider and the date. No rounding.
//
// learning_max_spends_per_provider_per_month (a whole number, looked up at
// the spend's date) caps how many learning spends ONE provider may take in a
// calendar month across ALL citizens: the spend whose place in its
// provider's month (ProviderMonthCounter, built by the engine over the whole
// ledger in date order, then import order) is above it is refused. No value
// on that date means no cap (unlike other limits, whose absence means zero:
// schemes written before this parameter existed keep accepting spends).
#pragma once

#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class LearningAccount final : public EventRule {
 public:
  std::string_view name() const override { return "R7"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    if (event.amount.is_zero()) return;
    const std::string& id = event.citizen;
    const Unit currency = context.currency();
    context.begin(event_key(event, "R7"), "R7");
    if (context.explaining()) {
      context.note_input(std::string(to_string(event.kind)) + " " + event.code + " " + event.amount.to_string() +
                         " on " + format_date(event.date));
    }
    if (event.kind == EventKind::learning_grant) {
      context.emit_transfer(event_key(event, "R7"), event.date, {"R7.grant:", event.code}, event.id,
                            accounts::parts::learning(id), accounts::fund_learning, event.amount, currency);
      state.learning += event.amount;
      return;
    }
    if (!context.providers().accredited_on(event.counterparty, event.date)) {
      refuse(event, "provider " + event.counterparty + " is not accredited on " + format_date(event.date));
    }
    check_monthly_limit(event, context);
    if (event.amount > state.learning) {
      refuse(event, "the learning account holds " + state.learning.to_string() + ", less than " + event.amount.to_string() +
                        " to pay provider " + event.counterparty);
    }
    context.emit_transfer(event_key(event, "R7"), event.date, {"R7.spend:", event.code}, event.id,
                          accounts::parts::provider(event.counterparty), accounts::parts::learning(id), event.amount,
                          currency);
    state.learning -= event.amount;
  }

 private:
  static void check_monthly_limit(const Event& event, RuleContext& context) {
    const ProviderMonthCounter* spends = context.learning_spends();
    if (spends == nullptr) return;
    const std::optional<Decimal> limit = context.number("learning_max_spends_per_provider_per_month", event.date);
    if (!limit) return;
    const std::uint32_t place = spends->ordinal(event.id);
    if (place == 0 || !(Decimal(place) > *limit)) return;
    refuse(event, "provider " + event.counterparty + " has already taken " + std::to_string(place - 1) +
                      " learning spends in " + ProviderMonthCounter::month_of(event.date) +
                      ", the most learning_max_spends_per_provider_per_month allows (" + limit->to_string() + ")");
  }
};

}  // namespace commonweal::rules

// R8 indexation: on the last day of each tax year, after that day's events,
// the social balance grows (or, for deficits where the scheme says so,
// shrinks) by the indexation rate.
//
// For each citizen alive that day and not settled: with B the social
// balance, post round(B x indexation_rate) (half-even, to pennies) against
// fund:social. indexation_rate and index_deficits are looked up at the tax
// year's first day; if B < 0 and index_deficits is not true, nothing is posted.
#pragma once

#include "commonweal/core/tax_year.hpp"
#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

class Indexation final : public ScheduledRule {
 public:
  std::string_view name() const override { return "R8"; }

  void schedule(const CitizenState& state, const ParameterSet& parameters, const Date& clock,
                std::vector<ScheduledOperation>& out) const override {
    const Citizen& citizen = *state.citizen;
    Date last = clock;
    if (citizen.death_date && *citizen.death_date < last) last = *citizen.death_date;
    for (TaxYear year = TaxYear::containing(citizen.birth_date, parameters.tax_year_start);; year = year.next()) {
      const Date year_end = year.last_day();
      if (last < year_end) break;
      out.push_back({year_end, ScheduledOperation::Phase::end_of_day, this});
    }
  }

  void apply(const ScheduledOperation& operation, CitizenState& state, RuleContext& context) const override {
    if (state.settled) return;
    // Nothing to index (the years before a citizen's first event): skip the lookups unless explaining them.
    if (state.social.is_zero() && !context.explaining()) return;
    const TaxYear year = TaxYear::containing(operation.date, context.parameters().tax_year_start);
    const std::string& id = state.citizen->id;
    const std::string label = year.label();
    const Text key{id, "/R8/", label};
    const Decimal balance = state.social;
    context.begin(key, "R8");
    if (context.explaining()) {
      context.note_input("social balance " + balance.rounded(2, RoundingMode::down).to_string() + " at the end of " +
                         format_date(operation.date));
    }
    const Decimal rate = context.number("indexation_rate", year.first_day()).value_or(Decimal());
    if (balance.sign() < 0 && !context.flag("index_deficits", year.first_day())) return;
    const Decimal amount = context.multiply(balance, rate, context.currency().scale(), RoundingMode::half_even);
    if (amount.is_zero()) return;
    context.emit_transfer(key, operation.date, "R8", {"indexation ", label}, accounts::parts::social(id),
                          accounts::fund_social, amount, context.currency());
    state.social += amount;
  }
};

}  // namespace commonweal::rules

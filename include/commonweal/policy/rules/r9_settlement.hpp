// R9 settlement at state pension age: the account closes into the pension.
//
// state_pension_age (whole years) is looked up at the citizen's birth date.
// At the start of the birthday D on which the citizen reaches it, if alive,
// the account is settled (a state, reached even when nothing is posted).
// With B the social balance from events dated before D:
// - B > 0: B moves to fund:pension, and the weekly supplement to the basic
//   state pension is round(B / (annuity_divisor x 52)), half-even, to
//   pennies, the divisor looked up at D (none: an error naming it);
// - B < 0: the deficit is written off against fund:writeoff.
// From D on the social account takes no entries (the other rules check
// CitizenState::settled).
#pragma once

#include "commonweal/core/age.hpp"
#include "commonweal/policy/rule.hpp"

namespace commonweal::rules {

// The day the citizen reaches state pension age, or none if the scheme gives no age.
inline std::optional<Date> state_pension_age_date(const Citizen& citizen, const ParameterSet& parameters) {
  const auto age = parameters.number_at("state_pension_age", citizen.birth_date);
  if (!age) return std::nullopt;
  if (age->rounded(0, RoundingMode::down) != *age || age->sign() < 0) {
    throw Error(ErrorCode::invalid_input,
                "state_pension_age must be a whole number of years, not " + age->to_string());
  }
  return date_reaching_age(citizen.birth_date, static_cast<int>(age->coefficient() / detail::pow10_int128[age->scale()]));
}

// R9's weekly supplement, in one place for the rule and for the statement's
// projection (statement.cpp): the balance settled divided by annuity_divisor
// x 52, with the divisor in force on the day due, rounded half-even to the
// currency's smallest unit.
inline constexpr int weeks_in_a_year = 52;

// annuity_divisor x 52 in force on day; none if annuity_divisor has no positive value then.
inline std::optional<Decimal> annuity_divisor_in_weeks(const std::optional<Decimal>& annuity_divisor) {
  if (!annuity_divisor || annuity_divisor->sign() <= 0) return std::nullopt;
  return *annuity_divisor * Decimal(weeks_in_a_year);
}
inline std::optional<Decimal> annuity_divisor_in_weeks(const ParameterSet& parameters, const Date& day) {
  return annuity_divisor_in_weeks(parameters.number_at("annuity_divisor", day));
}

// The weekly supplement a balance pays; with a context, the rounding is recorded for explanations.
inline Decimal weekly_supplement(const Decimal& balance, const Decimal& divisor_in_weeks, Unit currency,
                                 RuleContext* context = nullptr) {
  constexpr RoundingMode mode = RoundingMode::half_even;
  return context != nullptr ? context->divide(balance, divisor_in_weeks, currency.scale(), mode)
                            : Decimal::divide(balance, divisor_in_weeks, currency.scale(), mode);
}

class Settlement final : public ScheduledRule {
 public:
  std::string_view name() const override { return "R9"; }

  void schedule(const CitizenState& state, const ParameterSet&, const Date& clock,
                std::vector<ScheduledOperation>& out) const override {
    if (!state.settlement_date || clock < *state.settlement_date) return;
    if (!state.citizen->alive_on(*state.settlement_date)) return;
    out.push_back({*state.settlement_date, ScheduledOperation::Phase::start_of_day, this});
  }

  void apply(const ScheduledOperation& operation, CitizenState& state, RuleContext& context) const override {
    const std::string& id = state.citizen->id;
    const Text key{id, "/R9"};
    const Decimal balance = state.social;
    const Unit currency = context.currency();
    state.settled = true;
    context.begin(key, "R9");
    if (context.explaining()) {
      context.note_input("social balance " + balance.rounded(2, RoundingMode::down).to_string() +
                         " at state pension age, " + format_date(operation.date));
    }
    if (balance.sign() > 0) {
      const auto divisor_in_weeks = annuity_divisor_in_weeks(context.number("annuity_divisor", operation.date));
      if (!divisor_in_weeks) {
        throw Error(ErrorCode::invalid_input, "settling citizen " + id + " on " + format_date(operation.date) +
                                                  " needs annuity_divisor, which has no positive value then");
      }
      state.weekly_supplement = weekly_supplement(balance, *divisor_in_weeks, currency, &context);
      context.emit_transfer(key, operation.date, "R9", "settled into the pension", accounts::fund_pension,
                            accounts::parts::social(id), balance, currency);
    } else if (balance.sign() < 0) {
      context.emit_transfer(key, operation.date, "R9", "deficit written off", accounts::parts::social(id),
                            accounts::fund_writeoff, -balance, currency);
    }
    state.social = Decimal();
  }
};

}  // namespace commonweal::rules

// R5 time-bank exchange: hours move from the member served to the member
// who served; and the default wallet's other movements (grants, donations).
//
// `exchange`, code = time bank, citizen = who gave the service, counterparty
// = who received it. Hours, rounded up to volunteer_hours_step as in R4,
// move from citizen:<counterparty>:time to citizen:<citizen>:time. The payer
// may not go below minus time_credit_limit (no value: limit zero), checked
// on the replayed ledger at the exchange's date; otherwise the event is refused.
//
// `time_donation` (R5.donation), code = time bank: hours, rounded up the
// same way, move from citizen:<citizen>:time (the donor, held to the same
// limit) to citizen:<counterparty>:time. `time_grant` (R5.grant), code =
// organisation: hours from org:<code> (which issues hours, no limit) to
// citizen:<citizen>:time. `time_session` (R5.session), code = time bank: a
// group session; each receiver (counterparty "C2;C3") pays the hours,
// rounded up, within the limit, and the provider (citizen) gets them all, in
// one entry, all or nothing. All three show in time_credits.other.
//
// Guarantees
// - The credit-limit check and its message are one function,
//   refuse_below_credit_limit(), shared with the named banks (timebank/).
#pragma once

#include "commonweal/policy/rules/r4_volunteering.hpp"

namespace commonweal::rules {

// Refuses the event when the payer would end below minus limit_hours, naming balance and limit.
inline void refuse_below_credit_limit(const Event& event, std::string_view payer, const Decimal& payer_after_hours,
                                      const Decimal& limit_hours) {
  if (!(payer_after_hours < -limit_hours)) return;
  refuse(event, std::string(payer) + " would have " + payer_after_hours.rounded(2, RoundingMode::down).to_string() +
                    " hours, below the credit limit of " + (-limit_hours).rounded(2, RoundingMode::down).to_string());
}

// Hours from one citizen's default wallet to another's, under the scheme's step and limit (R5, R5.donation).
inline void move_time_between_citizens(const Event& event, std::string_view rule, const std::string& payer_id,
                                       const std::string& payee_id, RuleContext& context) {
  if (event.counterparty == event.citizen) refuse(event, "a member cannot move hours to themselves");
  CitizenState* payer = context.states().find(payer_id);
  CitizenState* payee = context.states().find(payee_id);
  if (payer == nullptr || payee == nullptr) {
    refuse(event, "the counterparty " + event.counterparty + " is not a known citizen");
  }
  context.begin(event_key(event, rule), rule);
  if (context.explaining()) {
    context.note_input(event.citizen + " gave " + event.amount.to_string() + " hours to " + event.counterparty + " through " +
                       event.code + " on " + format_date(event.date));
  }
  const Decimal hours = hours_rounded_to_step(event.amount, event.date, context);
  if (hours.is_zero()) return;
  const Decimal limit = context.number("time_credit_limit", event.date).value_or(Decimal());
  refuse_below_credit_limit(event, payer_id, payer->time - hours, limit);
  context.emit_transfer(event_key(event, rule), event.date, {rule, ":", event.code}, event.id,
                        accounts::parts::time(payee_id), accounts::parts::time(payer_id), hours, Unit::hour());
  payee->time += hours;
  payer->time -= hours;
}

class Exchange final : public EventRule {
 public:
  std::string_view name() const override { return "R5"; }

  void apply(const Event& event, CitizenState&, RuleContext& context) const override {
    move_time_between_citizens(event, "R5", event.counterparty, event.citizen, context);
  }
};

class TimeDonation final : public EventRule {
 public:
  std::string_view name() const override { return "R5.donation"; }

  void apply(const Event& event, CitizenState&, RuleContext& context) const override {
    move_time_between_citizens(event, "R5.donation", event.citizen, event.counterparty, context);
  }
};

class TimeSession final : public EventRule {
 public:
  std::string_view name() const override { return "R5.session"; }

  void apply(const Event& event, CitizenState& provider, RuleContext& context) const override {
    context.begin(event_key(event, "R5.session"), "R5.session");
    if (context.explaining()) {
      context.note_input(event.citizen + " gave a session of " + event.amount.to_string() + " hours to " +
                         event.counterparty + " through " + event.code + " on " + format_date(event.date));
    }
    const Decimal hours = hours_rounded_to_step(event.amount, event.date, context);
    if (hours.is_zero()) return;
    const Decimal limit = context.number("time_credit_limit", event.date).value_or(Decimal());
    std::vector<CitizenState*> payers;
    std::vector<RuleContext::PostingText> postings;
    Decimal earned;
    for (const std::string_view receiver : session_receivers(event.counterparty)) {
      CitizenState* payer = context.states().find(receiver);
      if (payer == nullptr) refuse(event, "the counterparty " + std::string(receiver) + " is not a known citizen");
      refuse_below_credit_limit(event, receiver, payer->time - hours, limit);
      payers.push_back(payer);
      postings.push_back({accounts::parts::time(receiver), Amount(-hours, Unit::hour())});
      earned += hours;
    }
    postings.insert(postings.begin(), {accounts::parts::time(event.citizen), Amount(earned, Unit::hour())});
    context.emit(event_key(event, "R5.session"), event.date, {"R5.session:", event.code}, event.id, postings);
    for (CitizenState* payer : payers) payer->time -= hours;
    provider.time += earned;
  }
};

class TimeGrant final : public EventRule {
 public:
  std::string_view name() const override { return "R5.grant"; }

  void apply(const Event& event, CitizenState& state, RuleContext& context) const override {
    context.begin(event_key(event, "R5.grant"), "R5.grant");
    if (context.explaining()) {
      context.note_input(event.code + " granted " + event.amount.to_string() + " hours on " + format_date(event.date));
    }
    const Decimal hours = hours_rounded_to_step(event.amount, event.date, context);
    if (hours.is_zero()) return;
    context.emit_transfer(event_key(event, "R5.grant"), event.date, {"R5.grant:", event.code}, event.id,
                          accounts::parts::time(event.citizen), accounts::parts::organisation(event.code), hours,
                          Unit::hour());
    state.time += hours;
  }
};

}  // namespace commonweal::rules

// Named time banks: one bank's surviving events replayed in date, then
// import order (docs/timebanks.md).
//
// Accounts `timebank:<bank>:<member>` (HOUR) and `timebank:<bank>:chest`.
// Every movement is rounded up, once, to the bank's hours_step in force on
// the event's date (hours_rounded_up_to_step, shared with R4 and R5):
// - bank_exchange (TB.exchange): hours from the receiver (counterparty) to the giver (citizen);
// - bank_session (TB.session): each receiver pays the hours, the provider gets them all, in one entry;
// - bank_donation (TB.donation): hours from the donor (citizen) to the recipient (counterparty);
// - bank_grant (TB.grant): starter hours from the chest to the member.
//
// Guarantees
// - Zero-sum per bank: every entry's postings are all in the bank's accounts and sum to zero.
// - No payer ends below minus its limit (its override in force, else the
//   bank's; refuse_below_credit_limit, shared with R5); the chest has no limit.
// - A refused event throws Refusal and emits nothing: a session is all or nothing.
// - Keys `bank:<bank>/<event id>/TB`: stable across re-derivations.
#pragma once

#include <unordered_map>

#include "commonweal/policy/rules/r5_exchange.hpp"
#include "commonweal/timebank/timebank_registry.hpp"

namespace commonweal::rules {

inline accounts::NameParts timebank_account(std::string_view bank, std::string_view member) {
  return {"timebank:", bank, ":", member};
}
// "bank:<bank>": what a bank's entry keys start with (the engine's owner of them).
inline std::string timebank_owner(std::string_view bank) { return "bank:" + std::string(bank); }
inline Text timebank_event_key(const Event& event) { return Text{"bank:", event.code, "/", event.id, "/TB"}; }

inline std::string_view timebank_code_rule(EventKind kind) {
  switch (kind) {
    case EventKind::bank_exchange: return "TB.exchange:";
    case EventKind::bank_session: return "TB.session:";
    case EventKind::bank_donation: return "TB.donation:";
    default: return "TB.grant:";
  }
}

class TimeBankReplay {
 public:
  explicit TimeBankReplay(const TimeBankRegistry& registry) : registry_(registry) {}

  void apply(const Event& event, RuleContext& context) {
    const TimeBankTerms* terms = registry_.terms_at(event.code, event.date);
    if (terms == nullptr) refuse(event, "time bank " + event.code + " has no terms on " + format_date(event.date));
    context.begin(timebank_event_key(event), "TB");
    const Decimal hours = hours_rounded_up_to_step(event.amount, terms->hours_step);
    if (hours.is_zero()) return;
    postings_.clear();
    switch (event.kind) {
      case EventKind::bank_exchange: pay(event, event.counterparty, event.citizen, hours); break;
      case EventKind::bank_donation: pay(event, event.citizen, event.counterparty, hours); break;
      case EventKind::bank_grant: pay(event, timebank_chest_id, event.citizen, hours); break;
      case EventKind::bank_session: {
        for (const std::string_view receiver : session_receivers(event.counterparty)) pay(event, receiver, event.citizen, hours);
        break;
      }
      default: refuse(event, "not an event of a named time bank");
    }
    for (const auto& [member, change] : postings_) balance(member) += change;
    std::vector<RuleContext::PostingText> texts;
    texts.reserve(postings_.size());
    for (const auto& [member, change] : postings_) {
      texts.push_back({timebank_account(event.code, member), Amount(change, Unit::hour())});
    }
    context.emit(timebank_event_key(event), event.date, {timebank_code_rule(event.kind), event.code}, event.id, texts);
  }

  // The member's running balance (zero before their first movement).
  Decimal balance_of(std::string_view member) const {
    const auto found = balances_hours_.find(std::string(member));
    return found == balances_hours_.end() ? Decimal() : found->second;
  }

 private:
  // payer gives hours to payee, checked against the payer's limit (pending postings of the event count).
  void pay(const Event& event, std::string_view payer, std::string_view payee, const Decimal& hours) {
    Decimal& payer_change = change_of(payer);
    if (payer != timebank_chest_id) {
      const Decimal limit = registry_.credit_limit_hours(event.code, payer, event.date);
      refuse_below_credit_limit(event, payer, balance_of(payer) + payer_change - hours, limit);
    }
    payer_change -= hours;
    change_of(payee) += hours;
  }
  Decimal& change_of(std::string_view member) {
    for (auto& [name, change] : postings_) {
      if (name == member) return change;
    }
    postings_.emplace_back(member, Decimal());
    return postings_.back().second;
  }
  Decimal& balance(std::string_view member) { return balances_hours_[std::string(member)]; }

  const TimeBankRegistry& registry_;
  std::unordered_map<std::string, Decimal> balances_hours_;
  std::vector<std::pair<std::string_view, Decimal>> postings_;  // the event's change per member, in order
};

}  // namespace commonweal::rules

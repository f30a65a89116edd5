// Life events and citizens: the input the rules turn into entries
// (reference scheme section 4).
//
// Guarantees
// - An event's content is everything but where it came from and when it was
//   imported: same_content() decides whether a repeated id is a no-op.
// - sequence orders events of the same date: import order, file order within a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commonweal/core/date.hpp"
#include "commonweal/core/decimal.hpp"
#include "commonweal/timebank/timebank_registry.hpp"

namespace commonweal {

enum class EventKind {
  tax,
  benefit,
  service,
  volunteer,
  exchange,
  budget_grant,
  budget_topup,
  budget_spend,
  learning_grant,
  learning_spend,
  time_grant,     // the default wallet: hours from an organisation (org:<code>) to citizen:<id>:time
  time_donation,  // the default wallet: hours from one citizen's time account to another's
  time_session,   // the default wallet: a group session, one provider (citizen), receivers "C2;C3"
  bank_exchange,  // a named bank (code = bank): citizen = the member who gave, counterparty = who received
  bank_session,   // a named bank: one provider (citizen), several receivers (counterparty "M2;M3")
  bank_donation,  // a named bank: hours from the donor (citizen) to the recipient (counterparty)
  bank_grant,     // a named bank: starter hours from the bank's chest to the member (citizen)
};

inline constexpr std::string_view event_kind_names[] = {
    "tax",          "benefit",      "service",        "volunteer",     "exchange",
    "budget_grant", "budget_topup", "budget_spend",   "learning_grant", "learning_spend",
    "time_grant",   "time_donation", "time_session", "bank_exchange", "bank_session",  "bank_donation",
    "bank_grant"};

inline std::string_view to_string(EventKind kind) { return event_kind_names[static_cast<int>(kind)]; }

inline std::optional<EventKind> parse_event_kind(std::string_view text) {
  for (int i = 0; i < static_cast<int>(std::size(event_kind_names)); ++i) {
    if (event_kind_names[i] == text) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

// Whether the event belongs to a named time bank (code = bank; citizen and counterparty are its members).
inline bool is_bank_event(EventKind kind) {
  return kind == EventKind::bank_exchange || kind == EventKind::bank_session || kind == EventKind::bank_donation ||
         kind == EventKind::bank_grant;
}

// Whether the event moves hours between two citizens' default wallets (they are derived together).
inline bool moves_time_between_citizens(EventKind kind) {
  return kind == EventKind::exchange || kind == EventKind::time_donation || kind == EventKind::time_session;
}

// Whether the counterparty field lists several members, "M2;M3" (group sessions).
inline bool lists_counterparties(EventKind kind) {
  return kind == EventKind::time_session || kind == EventKind::bank_session;
}

// Whether the amount of this kind counts hours (else money).
inline bool counts_hours(EventKind kind) {
  return kind == EventKind::volunteer || kind == EventKind::time_grant || moves_time_between_citizens(kind) ||
         is_bank_event(kind);
}

struct Event {
  std::string id;
  Date date;
  std::string citizen;
  EventKind kind = EventKind::tax;
  std::string code;
  Decimal amount;
  std::string counterparty;  // exchange, bank_exchange: who received; time_donation, bank_donation: the recipient;
                             // time_session, bank_session: the receivers, "M2;M3"; budget_spend,
                             // learning_spend: the provider
  std::string corrects;      // the id of the event this one replaces, or empty
  std::uint64_t sequence = 0;
  std::string source;        // "FILE:LINE", for messages

  bool same_content(const Event& other) const {
    return id == other.id && date == other.date && citizen == other.citizen && kind == other.kind &&
           code == other.code && amount == other.amount && amount.scale() == other.amount.scale() &&
           counterparty == other.counterparty && corrects == other.corrects;
  }
};

// The citizens or members an event moves hours to or from, beside its citizen: the counterparty,
// or each receiver of a group session (views of event.counterparty).
inline std::vector<std::string_view> counterparties(const Event& event) {
  if (lists_counterparties(event.kind)) return session_receivers(event.counterparty);
  return {std::string_view(event.counterparty)};
}

struct Citizen {
  std::string id;
  Date birth_date;
  std::optional<Date> death_date;
  std::string region;

  // Alive up to and including the death date.
  bool alive_on(const Date& day) const { return birth_date <= day && (!death_date || day <= *death_date); }
};

}  // namespace commonweal

// A member's statement in a named time bank (see timebank_statement.hpp).
#include "commonweal/statement/timebank_statement.hpp"

#include <fmt/format.h>

#include "commonweal/policy/rules/timebank_rules.hpp"
#include "render_support.hpp"

namespace commonweal {
namespace {

// "bank:north/X1/TB~2" -> "X1".
std::string_view event_id_of(std::string_view entry_id) {
  const std::size_t slash = entry_id.find('/');
  const std::size_t second = entry_id.find('/', slash + 1);
  return entry_id.substr(slash + 1, second - slash - 1);
}

// Adds one posting of the member's account, effective in the period, to the line its event's role names.
void add_movement(const Engine& engine, const Entry& entry, const Decimal& amount, TimeBankStatement& statement) {
  const std::string_view rule = std::string_view(entry.code).substr(0, entry.code.find(':'));
  if (rule == "TB.grant") {
    statement.granted += amount;
    return;
  }
  const Event* event = engine.find_event(std::string(event_id_of(entry.id)));
  const bool by_member = event != nullptr && event->citizen == statement.member;
  if (rule == "TB.donation") {
    (by_member ? statement.donated_out : statement.donated_in) += by_member ? -amount : amount;
  } else if (by_member) {
    statement.given += amount;
  } else {
    statement.received -= amount;
  }
}

std::string member_kind(const Engine& engine, const std::string& bank, const std::string& member) {
  if (member == timebank_chest_id) return "chest";
  const auto& members = engine.timebanks().all().at(bank).members;
  const auto found = members.find(member);
  if (found == members.end()) throw Error(ErrorCode::not_found, "unknown member " + member + " of time bank " + bank);
  return std::string(to_string(found->second.front().kind));
}

}  // namespace

TimeBankStatement make_timebank_statement(const Engine& engine, const std::string& bank, const std::string& member,
                                          const Date& period_start, const Date& period_end,
                                          std::optional<Moment> as_known_at) {
  if (!engine.timebanks().knows_bank(bank)) throw Error(ErrorCode::not_found, "unknown time bank " + bank);
  if (period_end < period_start) {
    throw Error(ErrorCode::invalid_argument, "the period ends on " + format_date(period_end) + ", before it starts");
  }
  TimeBankStatement statement;
  statement.bank = bank;
  statement.member = member;
  statement.kind = member_kind(engine, bank, member);
  statement.period_start = period_start;
  statement.period_end = period_end;
  statement.as_known_at = as_known_at.value_or(engine.last_recorded_at().value_or(Moment()));
  if (member != timebank_chest_id) {
    statement.credit_limit_hours = engine.timebanks().credit_limit_hours(bank, member, period_end);
  }
  const Journal& journal = engine.journal();
  const std::string account = rules::timebank_account(bank, member).str();
  const int start_day = day_number(period_start), end_day = day_number(period_end);
  const auto entries = journal.entries();
  for (const AccountPosting& posting : journal.postings_of(account)) {
    const Entry& entry = entries[posting.entry_position];
    if (entry.recorded_at > statement.as_known_at) break;  // append order: later ones are unknown too
    if (posting.day > end_day) continue;
    statement.closing_balance += posting.amount;
    if (posting.day < start_day) {
      statement.opening_balance += posting.amount;
    } else {
      add_movement(engine, entry, posting.amount, statement);
    }
  }
  const Decimal identity = statement.opening_balance + statement.given - statement.received + statement.granted +
                           statement.donated_in - statement.donated_out;
  const Decimal held = journal.has_account(account) ? journal.balance(account, period_end, statement.as_known_at) : Decimal();
  if (!(identity == statement.closing_balance) || !(held == statement.closing_balance)) {
    throw Error(ErrorCode::invalid_argument, "time bank statement identity failed for " + member + " of " + bank);
  }
  return statement;
}

std::string TimeBankStatement::to_text() const {
  using render::plain_figure;
  const std::string who = kind == "chest" ? std::string("the chest") : kind + " " + member;
  std::string out = fmt::format("Time bank {}, {} ({} to {}), as known at {}, in HOUR\n", bank, who,
                                format_date(period_start), format_date(period_end), format_moment(as_known_at));
  const auto line = [&](std::string_view label, const Decimal& hours) {
    out += fmt::format("  {:<16}{:>12}\n", label, plain_figure(hours));
  };
  line("opening balance", opening_balance);
  line("given", given);
  line("received", received);
  line("granted", granted);
  line("donated in", donated_in);
  line("donated out", donated_out);
  line("closing balance", closing_balance);
  if (credit_limit_hours) line("credit limit", *credit_limit_hours);
  return out;
}

std::string TimeBankStatement::to_json() const {
  using render::json_text;
  const auto hours = [](const Decimal& value) { return json_text(render::plain_figure(value)); };
  std::string out = "{\n";
  out += "  \"bank\": " + json_text(bank) + ", \"member\": " + json_text(member) + ", \"kind\": " + json_text(kind) + ",\n";
  out += "  \"period\": {\"start\": " + json_text(format_date(period_start)) + ", \"end\": " +
         json_text(format_date(period_end)) + "},\n";
  out += "  \"as_known_at\": " + json_text(format_moment(as_known_at)) + ", \"unit\": \"HOUR\",\n";
  out += "  \"credit_limit\": " + (credit_limit_hours ? hours(*credit_limit_hours) : std::string("null")) + ",\n";
  out += "  \"opening_balance\": " + hours(opening_balance) + ", \"given\": " + hours(given) + ", \"received\": " +
         hours(received) + ",\n";
  out += "  \"granted\": " + hours(granted) + ", \"donated_in\": " + hours(donated_in) + ", \"donated_out\": " +
         hours(donated_out) + ",\n";
  out += "  \"closing_balance\": " + hours(closing_balance) + "\n}\n";
  return out;
}

}  // namespace commonweal

// The monthly personal budget statement (see budget_statement.hpp).
#include "commonweal/statement/budget_statement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "commonweal/policy/accounts.hpp"
#include "render_support.hpp"

namespace commonweal {
namespace {

Date parse_month(const std::string& month) {
  Date first;
  const std::string day = month + "-01";
  const char* problem = month.size() == 7 ? try_parse_date(day, first) : "it is not YYYY-MM";
  if (problem != nullptr) {
    throw Error(ErrorCode::invalid_argument, "the month " + month + " is not a calendar month like 2024-07");
  }
  return first;
}

// "R6.spend:home_care" -> {"spend", "home_care"}.
std::pair<std::string, std::string> kind_and_code(const std::string& code) {
  const std::size_t dot = code.find('.'), colon = code.find(':');
  if (dot == std::string::npos || colon == std::string::npos || colon < dot) return {code, ""};
  return {code.substr(dot + 1, colon - dot - 1), code.substr(colon + 1)};
}

using render::json_text;

std::string money(const Decimal& amount) { return amount.rounded(2, RoundingMode::half_even).to_string(); }

}  // namespace

BudgetStatement make_budget_statement(const Engine& engine, const std::string& citizen, const std::string& month,
                                      std::optional<Moment> as_known_at) {
  if (engine.find_citizen(citizen) == nullptr) throw Error(ErrorCode::not_found, "unknown citizen " + citizen);
  BudgetStatement statement;
  statement.citizen = citizen;
  statement.month = month;
  statement.period_start = parse_month(month);
  statement.period_end = Date(statement.period_start.year() / statement.period_start.month() / date::last);
  statement.as_known_at = as_known_at.value_or(engine.last_recorded_at().value_or(Moment()));
  statement.currency = engine.scheme().parameters().currency.code();
  const int start_day = day_number(statement.period_start), end_day = day_number(statement.period_end);

  struct Net {
    std::uint32_t first_position;
    int day;
    std::string code, counterparty;
    Decimal council, own;
  };
  std::map<std::string, Net> by_key;  // key (the entry id before '~') -> its net in the month
  const Journal& journal = engine.journal();
  const auto entries = journal.entries();
  const std::string council_account = accounts::budget_council(citizen), own_account = accounts::budget_own(citizen);
  for (const std::string* account : {&council_account, &own_account}) {
    for (const AccountPosting& posting : journal.postings_of(*account)) {
      const Entry& entry = entries[posting.entry_position];
      if (entry.recorded_at > statement.as_known_at) break;  // append order: later ones are unknown too
      if (posting.day > end_day) continue;
      const bool council = account == &council_account;
      if (posting.day < start_day) {
        (council ? statement.opening_council : statement.opening_own) += posting.amount;
        continue;
      }
      const std::string key = entry.id.substr(0, entry.id.find('~'));
      auto [net, added] = by_key.try_emplace(key, Net{posting.entry_position, posting.day, {}, {}, {}, {}});
      if (!added && posting.entry_position < net->second.first_position) net->second.first_position = posting.entry_position;
      (council ? net->second.council : net->second.own) += posting.amount;
      if (entry.reverses.empty()) net->second.code = entry.code;
      for (const Posting& other : entry.postings) {
        if (other.account != council_account && other.account != own_account) net->second.counterparty = other.account;
      }
    }
  }
  std::vector<const std::pair<const std::string, Net>*> order;
  for (const auto& item : by_key) {
    if (!item.second.council.is_zero() || !item.second.own.is_zero()) order.push_back(&item);
  }
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return std::tie(a->second.day, a->second.first_position) < std::tie(b->second.day, b->second.first_position);
  });
  Decimal council = statement.opening_council, own = statement.opening_own;
  for (const auto* item : order) {
    const Net& net = item->second;
    const std::string& key = item->first;
    const std::size_t slash = key.find('/'), second = key.find('/', slash + 1);
    auto [kind, code] = kind_and_code(net.code);
    council += net.council;
    own += net.own;
    statement.lines.push_back({date_from_day_number(net.day), key.substr(slash + 1, second - slash - 1), kind, code,
                               net.counterparty, net.council, net.own, council, own, council + own});
  }
  statement.opening_balance = statement.opening_council + statement.opening_own;
  statement.closing_council = council;
  statement.closing_own = own;
  statement.closing_balance = council + own;
  const auto held = [&](const std::string& account) {
    return journal.has_account(account) ? journal.balance(account, statement.period_end, statement.as_known_at) : Decimal();
  };
  if (!(held(council_account) == council) || !(held(own_account) == own)) {
    throw Error(ErrorCode::invalid_argument, "budget statement identity failed: the statement of " + citizen + " for " + month +
                                         " does not close on the journal's balances");
  }
  return statement;
}

std::string BudgetStatement::to_text() const {
  std::string out = fmt::format("Personal budget of {}, {} ({} to {}), as known at {}, in {}\n", citizen, month,
                                format_date(period_start), format_date(period_end), format_moment(as_known_at), currency);
  const auto row = [&](std::string_view day, std::string_view event, std::string_view what, std::string_view with,
                       std::string_view council, std::string_view own, const Decimal& council_balance,
                       const Decimal& own_balance, const Decimal& balance) {
    out += fmt::format("{:<10}  {:<10} {:<22} {:<20} {:>10} {:>10}  {:>12} {:>12} {:>12}\n", day, event, what, with,
                       council, own, money(council_balance), money(own_balance), money(balance));
  };
  out += fmt::format("{:<10}  {:<10} {:<22} {:<20} {:>10} {:>10}  {:>12} {:>12} {:>12}\n", "date", "event", "what",
                     "with", "council", "own", "council held", "own held", "balance");
  row("", "", "opening balance", "", "", "", opening_council, opening_own, opening_balance);
  for (const Line& line : lines) {
    row(format_date(line.date), line.event, line.kind + " " + line.code, line.counterparty,
        line.council.is_zero() ? "" : money(line.council), line.own.is_zero() ? "" : money(line.own),
        line.council_balance, line.own_balance, line.balance);
  }
  row("", "", "closing balance", "", "", "", closing_council, closing_own, closing_balance);
  return out;
}

std::string BudgetStatement::to_json() const {
  std::string out = "{\n";
  out += "  \"citizen\": " + json_text(citizen) + ", \"month\": " + json_text(month) + ",\n";
  out += "  \"period\": {\"start\": " + json_text(format_date(period_start)) + ", \"end\": " +
         json_text(format_date(period_end)) + "},\n";
  out += "  \"as_known_at\": " + json_text(format_moment(as_known_at)) + ", \"currency\": " + json_text(currency) + ",\n";
  const auto balances = [](const Decimal& council, const Decimal& own, const Decimal& total) {
    return "{\"council\": \"" + money(council) + "\", \"own\": \"" + money(own) + "\", \"total\": \"" + money(total) + "\"}";
  };
  out += "  \"opening_balance\": " + balances(opening_council, opening_own, opening_balance) + ",\n";
  out += "  \"transactions\": [";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    out += std::string(i == 0 ? "\n" : ",\n") + "    {\"date\": " + json_text(format_date(line.date)) +
           ", \"event\": " + json_text(line.event) + ", \"kind\": " + json_text(line.kind) + ", \"code\": " +
           json_text(line.code) + ", \"counterparty\": " + json_text(line.counterparty) + ", \"council\": \"" +
           money(line.council) + "\", \"own\": \"" + money(line.own) + "\", \"balance\": " +
           balances(line.council_balance, line.own_balance, line.balance) + "}";
  }
  out += lines.empty() ? "],\n" : "\n  ],\n";
  out += "  \"closing_balance\": " + balances(closing_council, closing_own, closing_balance) + "\n}\n";
  return out;
}

}  // namespace commonweal

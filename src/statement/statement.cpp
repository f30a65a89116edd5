// Builds the annual statement from the journal, and writes it as JSON.
#include "commonweal/statement/statement.hpp"

#include <fmt/format.h>

namespace commonweal {
namespace {

// The part of an entry code before ':' ("R1" of "R1:income_tax") and after it.
std::string_view code_rule(const std::string& code) { return std::string_view(code).substr(0, code.find(':')); }
std::string code_detail(const std::string& code) {
  const std::size_t colon = code.find(':');
  return colon == std::string::npos ? std::string() : code.substr(colon + 1);
}
bool entry_is_citizens(const Entry& entry, const std::string& citizen) {
  return entry.id.size() > citizen.size() && entry.id.compare(0, citizen.size(), citizen) == 0 &&
         entry.id[citizen.size()] == '/';
}

struct Window {
  int start_day;
  int end_day;
  Moment known_at;
};

// Visits the account's postings known at the moment and effective on or before the period's end.
template <class Visit>
void for_each_known(const Journal& journal, const std::string& account, const Window& window, Visit visit) {
  const auto entries = journal.entries();
  for (const AccountPosting& posting : journal.postings_of(account)) {
    const Entry& entry = entries[posting.entry_position];
    if (entry.recorded_at > window.known_at) break;  // append order: later ones are unknown too
    if (posting.day > window.end_day) continue;
    visit(entry, posting, posting.day >= window.start_day);
  }
}

// The lifetime history's per-year flows, filled while the statement's postings are read.
// A posting's tax year comes from a table of the years' first days (day numbers), so
// no posting needs a calendar conversion.
class HistoryBuilder {
 public:
  struct Flows {
    Decimal contributions, benefits_charged, service_use, social;
  };

  explicit HistoryBuilder(const TaxYear& statement_year) : statement_year_(statement_year) {
    first_days_back_.push_back(day_number(statement_year.first_day()));
  }

  // The flows of the tax year holding day (on or before the statement period's end).
  Flows& at(int day) {
    const std::size_t back = years_back(day);
    if (flows_back_.size() <= back) flows_back_.resize(back + 1);
    return flows_back_[back];
  }

  // Rows from the first one that is not all zeros to the statement's year, oldest first.
  std::vector<Statement::HistoryYear> rows() const {
    if (flows_back_.empty()) return {{statement_year_.label(), {}, {}, {}, {}}};
    std::vector<Statement::HistoryYear> out;
    out.reserve(flows_back_.size());
    Decimal balance;
    for (std::size_t back = flows_back_.size(); back-- > 0;) {
      const Flows& flows = flows_back_[back];
      balance += flows.social;
      const bool zero_row = flows.contributions.is_zero() && flows.benefits_charged.is_zero() &&
                            flows.service_use.is_zero() && balance.is_zero();
      if (out.empty() && zero_row && back > 0) continue;
      const TaxYear year(statement_year_.start_year() - static_cast<int>(back), statement_year_.start());
      out.push_back({year.label(), flows.contributions, flows.benefits_charged, flows.service_use, balance});
    }
    return out;
  }

 private:
  // How many tax years before the statement's year day falls: a year has at most 366
  // days, so ceil(distance / 366) years back is never too far, and one more step at
  // most (a year short by one day per year needs 366 years to add up to a whole year).
  std::size_t years_back(int day) {
    const int distance = first_days_back_[0] - day;
    if (distance <= 0) return 0;
    std::size_t back = static_cast<std::size_t>((distance + 365) / 366);
    while (first_day_back(back) > day) ++back;
    return back;
  }
  int first_day_back(std::size_t back) {
    while (first_days_back_.size() <= back) {
      const TaxYear year(statement_year_.start_year() - static_cast<int>(first_days_back_.size()), statement_year_.start());
      first_days_back_.push_back(day_number(year.first_day()));
    }
    return first_days_back_[back];
  }

  TaxYear statement_year_;
  std::vector<int> first_days_back_;  // [0]: the statement year's first day, [1]: the year before's, ...
  std::vector<Flows> flows_back_;     // the same indexing
};

void add_to(Statement::Totals& totals, const std::string& code, const Decimal& amount) { totals[code] += amount; }

void drop_zeros(Statement::Totals& totals) {
  std::erase_if(totals, [](const auto& item) { return item.second.is_zero(); });
}

Decimal sum_of(const Statement::Totals& totals) {
  Decimal sum;
  for (const auto& item : totals) sum += item.second;
  return sum;
}

std::string money(const Decimal& value) { return value.rounded(2, RoundingMode::down).to_string(); }

void read_social(const Journal& journal, const std::string& id, const Window& window, Statement& statement,
                 HistoryBuilder& history) {
  auto& social = statement.social_account;
  for_each_known(journal, accounts::social(id), window, [&](const Entry& entry, const AccountPosting& posting, bool in_period) {
    const std::string_view rule = code_rule(entry.code);
    HistoryBuilder::Flows& year = history.at(posting.day);
    year.social += posting.amount;
    if (rule == "R1") {
      statement.lifetime.contributions += posting.amount;
      year.contributions += posting.amount;
    } else if (rule == "R2") {
      statement.lifetime.benefits_charged -= posting.amount;
      year.benefits_charged -= posting.amount;
    }
    if (!in_period) {
      social.opening_balance += posting.amount;
      return;
    }
    if (rule == "R1") add_to(social.contributions, code_detail(entry.code), posting.amount);
    else if (rule == "R2") add_to(social.benefits_charged, code_detail(entry.code), -posting.amount);
    else if (rule == "R3") add_to(social.copayments, code_detail(entry.code), -posting.amount);
    else if (rule == "R4") social.social_credits += posting.amount;
    else if (rule == "R8") social.indexation += posting.amount;
    else if (rule == "R9") social.settlement += posting.amount;
    else throw Error(ErrorCode::invalid_argument, "statement: entry " + entry.id + " has an unknown code " + entry.code);
    social.closing_balance += posting.amount;
  });
  social.closing_balance += social.opening_balance;
  drop_zeros(social.contributions);
  drop_zeros(social.benefits_charged);
  drop_zeros(social.copayments);
  const Decimal identity = social.opening_balance + sum_of(social.contributions) + social.social_credits -
                           sum_of(social.benefits_charged) - sum_of(social.copayments) + social.indexation +
                           social.settlement;
  if (identity != social.closing_balance) {
    throw Error(ErrorCode::invalid_argument, "statement identity failed for citizen " + id);
  }
}

void read_memos(const Journal& journal, const std::string& id, const Window& window, Statement& statement,
                HistoryBuilder& history) {
  const auto by_code = [&](const char* what, Statement::Totals& totals, Decimal* lifetime) {
    for_each_known(journal, accounts::memo_citizen(id, what), window,
                   [&](const Entry& entry, const AccountPosting& posting, bool in_period) {
                     if (lifetime) {
                       *lifetime += posting.amount;
                       history.at(posting.day).service_use += posting.amount;
                     }
                     if (in_period) add_to(totals, code_detail(entry.code), posting.amount);
                   });
    drop_zeros(totals);
  };
  by_code("taxes", statement.taxes_paid, nullptr);
  by_code("benefits", statement.benefits_not_charged, nullptr);
  by_code("services", statement.service_use, &statement.lifetime.service_use);
  for_each_known(journal, accounts::memo_citizen(id, "volunteering"), window,
                 [&](const Entry&, const AccountPosting& posting, bool in_period) {
                   if (in_period) statement.volunteering.value += posting.amount;
                 });
}

void read_care(const Journal& journal, const std::string& id, const Window& window, Statement& statement) {
  auto& care = statement.care_pot;
  for_each_known(journal, accounts::care(id), window, [&](const Entry& entry, const AccountPosting& posting, bool in_period) {
    if (!in_period) {
      care.opening_balance += posting.amount;
    } else if (code_rule(entry.code) == "R1.care") {
      care.contributions += posting.amount;
    }
    care.closing_balance += posting.amount;
  });
}

void read_time(const Journal& journal, const std::string& id, const Window& window, Statement& statement) {
  auto& time = statement.time_credits;
  for_each_known(journal, accounts::time(id), window, [&](const Entry& entry, const AccountPosting& posting, bool in_period) {
    const std::string_view rule = code_rule(entry.code);
    if (rule == "R4") statement.lifetime.volunteer_hours += posting.amount;
    time.closing_balance += posting.amount;
    if (!in_period) {
      time.opening_balance += posting.amount;
      return;
    }
    if (rule == "R4") {
      time.earned += posting.amount;
      statement.volunteering.hours += posting.amount;
    } else if (rule == "R5") {
      // Whose exchange it is (the key's citizen gave the service) decides earned or spent.
      if (entry_is_citizens(entry, id)) {
        time.earned += posting.amount;
      } else {
        time.spent -= posting.amount;
      }
    } else {
      time.other += posting.amount;
    }
  });
}

void read_pension(const Engine& engine, const Citizen& citizen, const Window& window, Statement& statement) {
  const ParameterSet& parameters = engine.scheme().parameters();
  auto& pension = statement.pension;
  pension.state_pension_age_date = rules::state_pension_age_date(citizen, parameters);
  const std::optional<Date> clock = engine.clock_as_known_at(window.known_at);
  const Date period_end = date_from_day_number(window.end_day);
  if (!pension.state_pension_age_date) return;
  const Date due = *pension.state_pension_age_date;
  // R9's divisor, looked up at the date due (rules/r9_settlement.hpp); none if it has no positive value.
  const std::optional<Decimal> divisor_weeks = rules::annuity_divisor_in_weeks(parameters, due);
  pension.settled = due <= period_end && clock && due <= *clock && citizen.alive_on(due);
  if (pension.settled) {
    Decimal settled_amount;
    for_each_known(engine.journal(), accounts::social(citizen.id), window,
                   [&](const Entry& entry, const AccountPosting& posting, bool) {
                     if (code_rule(entry.code) == "R9") settled_amount -= posting.amount;
                   });
    if (settled_amount.sign() > 0 && divisor_weeks) {
      pension.weekly_supplement = rules::weekly_supplement(settled_amount, *divisor_weeks, parameters.currency);
    }
    return;
  }
  const bool died = citizen.death_date && *citizen.death_date <= period_end;
  const Decimal& balance = statement.social_account.closing_balance;
  if (!died && balance.sign() > 0 && divisor_weeks) {
    pension.projected_weekly_supplement = rules::weekly_supplement(balance, *divisor_weeks, parameters.currency);
  }
}

// ------------------------------------------------------------------ JSON

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string totals_json(const Statement::Totals& totals) {
  std::string out = "{";
  for (const auto& [code, amount] : totals) {
    if (out.size() > 1) out += ", ";
    out += json_string(code) + ": " + json_string(money(amount));
  }
  return out + "}";
}

// The history rows, appended in place: a statement holds one per year of a life.
void append_history_json(std::string& out, const std::vector<Statement::HistoryYear>& history) {
  out.reserve(out.size() + 150 * history.size() + 8);
  const auto field = [&out](const char* name, const Decimal& value) {
    out += name;
    out += money(value);
    out += '"';
  };
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Statement::HistoryYear& row = history[i];
    out += i == 0 ? "\n    {\"tax_year\": " : ",\n    {\"tax_year\": ";
    out += json_string(row.tax_year);
    field(", \"contributions\": \"", row.contributions);
    field(", \"benefits_charged\": \"", row.benefits_charged);
    field(", \"service_use\": \"", row.service_use);
    field(", \"closing_balance\": \"", row.closing_balance);
    out += '}';
  }
  out += history.empty() ? "]\n" : "\n  ]\n";
}

}  // namespace

Statement make_statement(const Engine& engine, const std::string& citizen_id, const std::string& tax_year,
                         std::optional<Moment> as_known_at) {
  if (engine.find_citizen(citizen_id) == nullptr) throw Error(ErrorCode::not_found, "unknown citizen " + citizen_id);
  const ParameterSet& parameters = engine.scheme().parameters();
  const TaxYear year = TaxYear::parse_label(tax_year, parameters.tax_year_start);
  Statement statement;
  statement.citizen = citizen_id;
  statement.tax_year = year.label();
  statement.period_start = year.first_day();
  statement.period_end = year.last_day();
  statement.as_known_at = as_known_at.value_or(engine.last_recorded_at().value_or(Moment()));
  statement.currency = std::string(parameters.currency.code());
  const Window window{day_number(statement.period_start), day_number(statement.period_end), statement.as_known_at};
  HistoryBuilder history(year);
  read_social(engine.journal(), citizen_id, window, statement, history);
  read_memos(engine.journal(), citizen_id, window, statement, history);
  statement.history = history.rows();
  read_care(engine.journal(), citizen_id, window, statement);
  read_time(engine.journal(), citizen_id, window, statement);
  read_pension(engine, *engine.citizen_as_known_at(citizen_id, statement.as_known_at), window, statement);
  return statement;
}

std::string Statement::to_json() const {
  const auto& s = social_account;
  std::string out;
  out.reserve(1536 + 150 * history.size());
  out += "{\n";
  out += "  \"citizen\": " + json_string(citizen) + ", \"tax_year\": " + json_string(tax_year) + ",\n";
  out += "  \"period\": {\"start\": " + json_string(format_date(period_start)) + ", \"end\": " + json_string(format_date(period_end)) + "},\n";
  out += "  \"as_known_at\": " + json_string(format_moment(as_known_at)) + ", \"currency\": " + json_string(currency) + ",\n";
  out += "  \"social_account\": {\n";
  out += "    \"opening_balance\": " + json_string(money(s.opening_balance)) + ",\n";
  out += "    \"contributions\": " + totals_json(s.contributions) + ",\n";
  out += "    \"social_credits\": " + json_string(money(s.social_credits)) + ",\n";
  out += "    \"benefits_charged\": " + totals_json(s.benefits_charged) + ",\n";
  out += "    \"copayments\": " + totals_json(s.copayments) + ",\n";
  out += "    \"indexation\": " + json_string(money(s.indexation)) + ",\n";
  out += "    \"settlement\": " + json_string(money(s.settlement)) + ",\n";
  out += "    \"closing_balance\": " + json_string(money(s.closing_balance)) + "\n  },\n";
  out += "  \"taxes_paid\": " + totals_json(taxes_paid) + ",\n";
  out += "  \"benefits_not_charged\": " + totals_json(benefits_not_charged) + ",\n";
  out += "  \"service_use\": " + totals_json(service_use) + ",\n";
  out += "  \"care_pot\": {\"opening_balance\": " + json_string(money(care_pot.opening_balance)) + ", \"contributions\": " +
         json_string(money(care_pot.contributions)) + ", \"closing_balance\": " + json_string(money(care_pot.closing_balance)) + "},\n";
  out += "  \"time_credits\": {\"opening_balance\": " + json_string(money(time_credits.opening_balance)) + ", \"earned\": " +
         json_string(money(time_credits.earned)) + ", \"spent\": " + json_string(money(time_credits.spent)) + ",\n";
  out += "                   \"other\": " + json_string(money(time_credits.other)) + ", \"closing_balance\": " +
         json_string(money(time_credits.closing_balance)) + "},\n";
  out += "  \"volunteering\": {\"hours\": " + json_string(money(volunteering.hours)) + ", \"value\": " + json_string(money(volunteering.value)) + "},\n";
  out += "  \"lifetime\": {\"contributions\": " + json_string(money(lifetime.contributions)) + ", \"benefits_charged\": " +
         json_string(money(lifetime.benefits_charged)) + ",\n";
  out += "               \"service_use\": " + json_string(money(lifetime.service_use)) + ", \"volunteer_hours\": " +
         json_string(money(lifetime.volunteer_hours)) + "},\n";
  out += "  \"pension\": {\"state_pension_age_date\": " +
         (pension.state_pension_age_date ? json_string(format_date(*pension.state_pension_age_date)) : std::string("null")) +
         ", \"settled\": " + (pension.settled ? "true" : "false") + ",\n";
  out += "              \"weekly_supplement\": " + json_string(money(pension.weekly_supplement)) +
         ", \"projected_weekly_supplement\": " + json_string(money(pension.projected_weekly_supplement)) + "},\n";
  out += "  \"history\": [";
  append_history_json(out, history);
  return out + "}\n";
}

std::map<std::string, std::string> Statement::flatten() const {
  std::map<std::string, std::string> fields;
  const auto put_totals = [&](const std::string& prefix, const Totals& totals) {
    for (const auto& [code, amount] : totals) fields[prefix + "." + code] = money(amount);
  };
  const auto& s = social_account;
  fields["citizen"] = citizen;
  fields["tax_year"] = tax_year;
  fields["period.start"] = format_date(period_start);
  fields["period.end"] = format_date(period_end);
  fields["currency"] = currency;
  fields["social_account.opening_balance"] = money(s.opening_balance);
  put_totals("social_account.contributions", s.contributions);
  fields["social_account.social_credits"] = money(s.social_credits);
  put_totals("social_account.benefits_charged", s.benefits_charged);
  put_totals("social_account.copayments", s.copayments);
  fields["social_account.indexation"] = money(s.indexation);
  fields["social_account.settlement"] = money(s.settlement);
  fields["social_account.closing_balance"] = money(s.closing_balance);
  put_totals("taxes_paid", taxes_paid);
  put_totals("benefits_not_charged", benefits_not_charged);
  put_totals("service_use", service_use);
  fields["care_pot.opening_balance"] = money(care_pot.opening_balance);
  fields["care_pot.contributions"] = money(care_pot.contributions);
  fields["care_pot.closing_balance"] = money(care_pot.closing_balance);
  fields["time_credits.opening_balance"] = money(time_credits.opening_balance);
  fields["time_credits.earned"] = money(time_credits.earned);
  fields["time_credits.spent"] = money(time_credits.spent);
  fields["time_credits.other"] = money(time_credits.other);
  fields["time_credits.closing_balance"] = money(time_credits.closing_balance);
  fields["volunteering.hours"] = money(volunteering.hours);
  fields["volunteering.value"] = money(volunteering.value);
  fields["lifetime.contributions"] = money(lifetime.contributions);
  fields["lifetime.benefits_charged"] = money(lifetime.benefits_charged);
  fields["lifetime.service_use"] = money(lifetime.service_use);
  fields["lifetime.volunteer_hours"] = money(lifetime.volunteer_hours);
  fields["pension.state_pension_age_date"] =
      pension.state_pension_age_date ? format_date(*pension.state_pension_age_date) : "null";
  fields["pension.settled"] = pension.settled ? "true" : "false";
  fields["pension.weekly_supplement"] = money(pension.weekly_supplement);
  fields["pension.projected_weekly_supplement"] = money(pension.projected_weekly_supplement);
  for (const HistoryYear& row : history) {
    const std::string prefix = "history." + row.tax_year + ".";
    fields[prefix + "contributions"] = money(row.contributions);
    fields[prefix + "benefits_charged"] = money(row.benefits_charged);
    fields[prefix + "service_use"] = money(row.service_use);
    fields[prefix + "closing_balance"] = money(row.closing_balance);
  }
  return fields;
}

}  // namespace commonweal

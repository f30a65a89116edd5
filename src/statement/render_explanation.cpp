// Why each line of a statement is what it is: the entries behind it, and for
// each the event, rule, parameter values and roundings the engine records.
#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "commonweal/statement/render.hpp"
#include "render_support.hpp"

namespace commonweal {
namespace {

using render::append_paragraph;
using render::append_row;
using render::grouped_figure;
using render::readable_code;

std::string_view rule_of(std::string_view code) { return code.substr(0, code.find(':')); }
std::string detail_of(std::string_view code) {
  const std::size_t colon = code.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(code.substr(colon + 1));
}
// An entry's key without its version suffix: "C1/E1/R1~2" -> "C1/E1/R1".
std::string_view base_key(std::string_view id) { return id.substr(0, id.find('~')); }

// One entry key's net movement on one statement line in the period.
struct Posted {
  Date date;
  Decimal amount;  // signed as the statement shows the line (a benefit charged is positive)
};

// A statement line: its order in the statement, title, unit, and the keys behind it.
struct Line {
  std::string title;
  bool hours = false;
  std::map<std::string, Posted> by_key;  // base key -> net movement
};

class Explainer {
 public:
  Explainer(const Engine& engine, const std::string& citizen, const std::string& tax_year)
      : engine_(engine), statement_(make_statement(engine, citizen, tax_year)) {
    for (const Explanation& explanation : engine.explain(citizen)) keep(explanation);
  }

  std::string render() {
    read_lines();
    std::string out;
    header(out);
    std::string section;
    for (auto& [order, line] : lines_) {
      if (all_zero(line)) continue;
      if (section_of(order.first) != section) {
        section = section_of(order.first);
        out += "\n" + section + "\n";
      }
      explain_line(out, line);
    }
    nothing_posted(out);
    return out;
  }

 private:
  void keep(const Explanation& explanation) {
    explanations_.push_back(explanation);
  }

  // Indexes explanations by key once they are all kept (the vector no longer moves).
  const Explanation* find_explanation(const std::string& key) {
    if (index_.empty()) {
      for (const Explanation& e : explanations_) index_.emplace(e.key, &e);
    }
    auto found = index_.find(key);
    if (found != index_.end()) return found->second;
    // Ledgers written before one entry per event kept "C1/E3/R4.credit", "C1/E3/R1.memo": explained under "C1/E3/R4", "C1/E3/R1".
    const std::size_t dot = key.rfind('.');
    if (dot != std::string::npos && dot > key.rfind('/')) {
      found = index_.find(key.substr(0, dot));
      if (found != index_.end()) return found->second;
    }
    return nullptr;
  }

  static std::string section_of(int order) {
    if (order < 10) return "SOCIAL ACCOUNT";
    if (order < 20) return "TAXES, BENEFITS NOT CHARGED AND SERVICES";
    if (order < 30) return "CARE POT";
    return "TIME CREDITS AND VOLUNTEERING";
  }

  Line& line(int order, std::string code, std::string title, bool hours = false) {
    Line& found = lines_[{order, code}];
    if (found.title.empty()) {
      found.title = std::move(title);
      found.hours = hours;
    }
    return found;
  }

  // Adds every posting effective in the period, on the accounts the statement reads, to its line.
  void read_lines() {
    const std::string& id = statement_.citizen;
    const Journal& journal = engine_.journal();
    const int first = day_number(statement_.period_start), last = day_number(statement_.period_end);
    const auto read = [&](const std::string& account, auto&& place) {
      for (const AccountPosting& posting : journal.postings_of(account)) {
        if (posting.day < first || posting.day > last) continue;
        const Entry& entry = journal.entries()[posting.entry_position];
        const auto [target, sign] = place(entry);
        Posted& posted = target->by_key[std::string(base_key(entry.id))];
        posted.date = entry.effective_date;
        posted.amount += sign > 0 ? posting.amount : -posting.amount;
      }
    };
    using Placed = std::pair<Line*, int>;
    read(accounts::social(id), [&](const Entry& entry) -> Placed {
      const std::string_view rule = rule_of(entry.code);
      const std::string detail = detail_of(entry.code);
      if (rule == "R1") return {&line(1, detail, "Contributions credited: " + readable_code(detail)), 1};
      if (rule == "R4") return {&line(2, "", "Social credits for volunteering"), 1};
      if (rule == "R2") return {&line(3, detail, "Benefits charged: " + readable_code(detail)), -1};
      if (rule == "R3") return {&line(4, detail, "Co-payments: " + readable_code(detail)), -1};
      if (rule == "R8") return {&line(5, "", "Indexation"), 1};
      if (rule == "R9") return {&line(6, "", "Settlement at state pension age"), 1};
      return {&line(7, entry.code, "Other: " + entry.code), 1};
    });
    read(accounts::memo_citizen(id, "taxes"), [&](const Entry& entry) -> Placed {
      return {&line(11, detail_of(entry.code), "Taxes paid: " + readable_code(detail_of(entry.code))), 1};
    });
    read(accounts::memo_citizen(id, "benefits"), [&](const Entry& entry) -> Placed {
      return {&line(12, detail_of(entry.code), "Benefits not charged: " + readable_code(detail_of(entry.code))), 1};
    });
    read(accounts::memo_citizen(id, "services"), [&](const Entry& entry) -> Placed {
      return {&line(13, detail_of(entry.code), "Services used: " + readable_code(detail_of(entry.code))), 1};
    });
    read(accounts::care(id), [&](const Entry& entry) -> Placed {
      if (rule_of(entry.code) == "R1.care") return {&line(21, "", "Care levy paid into the pot"), 1};
      return {&line(22, "", "Other movements of the care pot"), 1};
    });
    read(accounts::time(id), [&](const Entry& entry) -> Placed {
      const std::string_view rule = rule_of(entry.code);
      const bool own = entry.id.size() > id.size() && entry.id.compare(0, id.size(), id) == 0 && entry.id[id.size()] == '/';
      if (rule == "R4" || (rule == "R5" && own)) return {&line(31, "", "Time credits earned (hours)", true), 1};
      if (rule == "R5") return {&line(32, "", "Time credits spent (hours)", true), -1};
      return {&line(33, "", "Other movements of time credits (hours)", true), 1};
    });
    read(accounts::memo_citizen(id, "volunteering"), [&](const Entry&) -> Placed {
      return {&line(34, "", "Value of volunteering"), 1};
    });
  }

  static Decimal line_total(const Line& line) {
    Decimal total;
    for (const auto& item : line.by_key) total += item.second.amount;
    return total;
  }
  static bool all_zero(const Line& line) {
    for (const auto& item : line.by_key) {
      if (!item.second.amount.is_zero()) return false;
    }
    return true;
  }

  void header(std::string& out) const {
    const Statement& s = statement_;
    append_paragraph(out, 0, fmt::format("Why the {} statement of citizen {} says what it says", s.tax_year, s.citizen));
    append_paragraph(out, 0, fmt::format("Period {} to {}; the ledger as it stands now ({}). Money in {}.",
                                         format_date(s.period_start), format_date(s.period_end),
                                         format_moment(s.as_known_at), s.currency));
    append_paragraph(out, 0, "Each line shows its total, then every entry behind it: its date, what caused it, "
                             "its amount, and the rule's inputs, parameter values (with the date each applies "
                             "from) and roundings.");
    out += std::string(80, '=') + "\n";
    append_row(out, 0, "Social account opening balance (the year before's closing balance)",
               grouped_figure(s.social_account.opening_balance));
    append_row(out, 0, "Social account closing balance", grouped_figure(s.social_account.closing_balance));
  }

  // "event E1: tax income_tax 1234.55 on 2024-05-31", or the scheduled operation a key names.
  std::string cause(const std::string& key, const Date& date) const {
    const std::size_t first = key.find('/'), second = key.find('/', first + 1);
    const std::string middle = key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (middle == "R8") return "indexation at the end of the tax year";
    if (middle == "R9") return "settlement at state pension age";
    if (const Event* event = engine_.find_event(middle)) {
      std::string text = fmt::format("event {}: {} {} {}", event->id, to_string(event->kind), event->code,
                                     event->amount.to_string());
      if (!event->counterparty.empty()) text += " with " + event->counterparty;
      if (key.compare(0, first, statement_.citizen) != 0) text += " (recorded by " + key.substr(0, first) + ")";
      return text;
    }
    return "entry " + key + " on " + format_date(date);
  }

  static std::string rule_title(const std::string& rule) {
    static const std::map<std::string, std::string, std::less<>> titles{
        {"R1", "contribution"},       {"R2", "benefit"},         {"R3", "service use"},
        {"R4", "volunteering"},       {"R5", "time-bank exchange"}, {"R5.grant", "time grant"},
        {"R5.donation", "time donation"}, {"R5.session", "group session"}, {"R6", "personal budgets"},
        {"R7", "learning accounts"},  {"R8", "indexation"},      {"R9", "settlement at state pension age"}};
    const auto found = titles.find(rule);
    return found == titles.end() ? "rule " + rule : "rule " + rule + " (" + found->second + ")";
  }

  void working(std::string& out, const Explanation& explanation) {
    append_paragraph(out, 8, rule_title(explanation.rule));
    for (const std::string& text : explanation.inputs) append_paragraph(out, 8, "input: " + text, 80, 2);
    for (const std::string& text : explanation.parameters) append_paragraph(out, 8, "parameter: " + text, 80, 2);
    for (const std::string& text : explanation.roundings) append_paragraph(out, 8, "rounding: " + text, 80, 2);
  }

  void explain_line(std::string& out, const Line& line) {
    out += "\n";
    append_row(out, 2, line.title, grouped_figure(line_total(line)));
    std::vector<std::pair<const std::string*, const Posted*>> items;
    for (const auto& [key, posted] : line.by_key) {
      if (!posted.amount.is_zero()) items.emplace_back(&key, &posted);  // a corrected-away event nets to zero
    }
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second->date < b.second->date; });
    for (const auto& [key, posted] : items) {
      append_row(out, 4, format_date(posted->date) + "  " + cause(*key, posted->date), grouped_figure(posted->amount));
      const Explanation* explanation = find_explanation(*key);
      if (explanation == nullptr) explanation = partner_explanation(*key);
      if (explanation == nullptr) {
        append_paragraph(out, 8, "no explanation recorded");
        continue;
      }
      const auto shown = shown_under_.find(explanation->key);
      if (shown != shown_under_.end()) {
        append_paragraph(out, 8, "worked out as shown under \"" + shown->second + "\"");
        continue;
      }
      shown_under_.emplace(explanation->key, line.title);
      working(out, *explanation);
    }
  }

  // An exchange's entry is keyed by the citizen who gave the time: their explanation holds it.
  const Explanation* partner_explanation(const std::string& key) {
    const std::string partner = key.substr(0, key.find('/'));
    if (partner == statement_.citizen || engine_.find_citizen(partner) == nullptr) return nullptr;
    if (!partners_read_.insert(partner).second) return nullptr;
    for (const Explanation& explanation : engine_.explain(partner)) {
      if (explanation.key.rfind(partner + "/", 0) == 0) explanations_.push_back(explanation);
    }
    index_.clear();
    return find_explanation(key);
  }

  // When an explanation's work happened: its event's date, the year's end for R8, the birthday for R9.
  std::optional<Date> date_of(const Explanation& explanation) const {
    const std::size_t first = explanation.key.find('/'), second = explanation.key.find('/', first + 1);
    const std::string middle = explanation.key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    if (middle == "R8") return statement_.period_end;  // R8 keys name their year: C1/R8/2024-25
    if (middle == "R9") return statement_.pension.state_pension_age_date;
    if (const Event* event = engine_.find_event(middle)) return event->date;
    return std::nullopt;
  }

  void nothing_posted(std::string& out) {
    std::vector<const Explanation*> quiet;
    for (const Explanation& explanation : explanations_) {
      if (shown_under_.count(explanation.key) != 0) continue;
      if (explanation.key.rfind(statement_.citizen + "/", 0) != 0) continue;
      const std::optional<Date> day = date_of(explanation);
      const bool in_period = explanation.key.find("/R8/") != std::string::npos
                                 ? explanation.key.substr(explanation.key.rfind('/') + 1) == statement_.tax_year
                                 : day && statement_.period_start <= *day && *day <= statement_.period_end;
      if (in_period) quiet.push_back(&explanation);  // not shown under any line: it posted nothing here
    }
    if (quiet.empty()) return;
    out += "\nWORKED OUT IN THE PERIOD, POSTING NOTHING ON THIS STATEMENT\n";
    for (const Explanation* explanation : quiet) {
      out += "\n";
      const std::optional<Date> day = date_of(*explanation);
      append_paragraph(out, 4, format_date(*day) + "  " + cause(explanation->key, *day));
      working(out, *explanation);
    }
  }

  const Engine& engine_;
  Statement statement_;
  std::vector<Explanation> explanations_;
  std::unordered_map<std::string, const Explanation*> index_;
  std::map<std::pair<int, std::string>, Line> lines_;
  std::map<std::string, std::string> shown_under_;  // explanation key -> the line it was shown under
  std::set<std::string> partners_read_;
};

}  // namespace

std::string render_explanation_text(const Engine& engine, const std::string& citizen, const std::string& tax_year) {
  return Explainer(engine, citizen, tax_year).render();
}

}  // namespace commonweal

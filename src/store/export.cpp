// Journal exports (export.hpp).
#include "commonweal/store/export.hpp"

#include <fmt/format.h>

#include <set>

namespace commonweal {
namespace {

std::vector<std::string_view> split_name(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = name.find(':', start);
    parts.push_back(name.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return parts;
}

bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool lower(char c) { return c >= 'a' && c <= 'z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::string beancount_part(std::string_view part) {
  std::string out;
  if (part.empty() || !((upper(part[0]) && part[0] != 'X') || digit(part[0]))) out += 'X';
  for (const char c : part) {
    if (upper(c) || lower(c) || digit(c)) {
      out += c;
    } else {
      out += fmt::format("-{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

// CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A Beancount string: in double quotes, with quotes and backslashes escaped, on one line.
std::string beancount_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out + "\"";
}

std::string one_line(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == ';') c = ' ';
  }
  return out;
}

void write_hledger(const Journal& journal, std::ostream& out) {
  out << "; commonweal journal export for hledger and ledger: one transaction per entry.\n"
         "; Tags: id (the entry id), recorded (when the ledger learned it), reverses.\n\n";
  for (const Entry& entry : journal.entries()) {
    out << format_date(entry.effective_date) << " " << one_line(entry.code);
    if (!entry.memo.empty()) out << " | " << one_line(entry.memo);
    out << "  ; id:" << entry.id << ", recorded:" << format_moment(entry.recorded_at);
    if (!entry.reverses.empty()) out << ", reverses:" << entry.reverses;
    out << "\n";
    for (const Posting& posting : entry.postings) {
      out << "    " << posting.account << "  " << posting.amount.value().to_string() << " " << posting.amount.unit().code()
          << "\n";
    }
    out << "\n";
  }
}

void write_beancount(const Journal& journal, std::ostream& out) {
  out << "; commonweal journal export for Beancount: one transaction per entry.\n"
         "; Account names are mapped as docs/export.md describes; the ledger's own name is each open's metadata.\n"
         "option \"title\" \"commonweal ledger\"\n"
         "option \"operating_currency\" \"GBP\"\n\n";
  // Each account opens on the earliest date any of its postings is effective.
  std::map<std::string, std::pair<Date, std::string>> first_use;
  std::set<std::string> units;
  for (const Entry& entry : journal.entries()) {
    for (const Posting& posting : entry.postings) {
      const auto [found, inserted] = first_use.try_emplace(posting.account, entry.effective_date, std::string(posting.amount.unit().code()));
      if (!inserted && entry.effective_date < found->second.first) found->second.first = entry.effective_date;
      units.emplace(posting.amount.unit().code());
    }
  }
  for (const std::string& unit : units) out << "1900-01-01 commodity " << unit << "\n";
  out << "\n";
  for (const auto& [name, use] : first_use) {
    out << format_date(use.first) << " open " << beancount_account_name(name) << " " << use.second << "\n"
        << "  ledger-name: " << beancount_string(name) << "\n";
  }
  out << "\n";
  for (const Entry& entry : journal.entries()) {
    out << format_date(entry.effective_date) << " * " << beancount_string(entry.code) << " " << beancount_string(entry.memo) << "\n"
        << "  entry-id: " << beancount_string(entry.id) << "\n"
        << "  recorded: " << beancount_string(format_moment(entry.recorded_at)) << "\n";
    if (!entry.reverses.empty()) out << "  reverses: " << beancount_string(entry.reverses) << "\n";
    for (const Posting& posting : entry.postings) {
      out << "  " << beancount_account_name(posting.account) << "  " << posting.amount.value().to_string() << " "
          << posting.amount.unit().code() << "\n";
    }
    out << "\n";
  }
}

void write_csv(const Journal& journal, std::ostream& out) {
  out << "position,entry_id,effective_date,recorded_at,code,memo,reverses,account,amount,unit\n";
  std::size_t position = 0;
  for (const Entry& entry : journal.entries()) {
    ++position;
    const std::string head = fmt::format("{},{},{},{},{},{},{}", position, csv_field(entry.id), format_date(entry.effective_date),
                                         format_moment(entry.recorded_at), csv_field(entry.code), csv_field(entry.memo),
                                         csv_field(entry.reverses));
    for (const Posting& posting : entry.postings) {
      out << head << "," << csv_field(posting.account) << "," << posting.amount.value().to_string() << ","
          << posting.amount.unit().code() << "\n";
    }
  }
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "hledger" || name == "ledger") return ExportFormat::hledger;
  if (name == "beancount") return ExportFormat::beancount;
  if (name == "csv") return ExportFormat::csv;
  return std::nullopt;
}

std::string beancount_account_name(std::string_view ledger_name) {
  const std::vector<std::string_view> parts = split_name(ledger_name);
  std::string out;
  std::size_t first = 1;
  if (parts[0] == "citizen") {
    out = "Assets:Citizen";
  } else if (parts[0] == "org") {
    out = "Assets:Org";
  } else if (parts[0] == "fund") {
    out = "Equity:Fund";
  } else {
    out = "Assets:Other";
    first = 0;
  }
  for (std::size_t i = first; i < parts.size(); ++i) out += ":" + beancount_part(parts[i]);
  return out;
}

void export_journal(const Journal& journal, ExportFormat format, std::ostream& out) {
  switch (format) {
    case ExportFormat::hledger: write_hledger(journal, out); break;
    case ExportFormat::beancount: write_beancount(journal, out); break;
    case ExportFormat::csv: write_csv(journal, out); break;
  }
}

}  // namespace commonweal

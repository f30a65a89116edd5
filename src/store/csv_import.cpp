// CSV rows to citizens, events and providers, with every bad row reported.
#include "commonweal/store/csv_import.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "commonweal/core/id.hpp"
#include "commonweal/core/input_errors.hpp"
#include "commonweal/store/csv_reader.hpp"

namespace commonweal {
namespace {

// Bad rows, named "FILE:LINE: column: reason".
class RowErrors {
 public:
  void add(const std::string& file, int line, std::string_view column, const std::string& reason) {
    errors_.add(file + ":" + std::to_string(line), column, reason);
  }
  bool empty() const { return errors_.empty(); }
  std::size_t count() const { return errors_.count(); }
  void throw_if_any() const { errors_.throw_if_any(); }

 private:
  InputErrors errors_;
};

// One file's rows with their columns found by header name.
class Table {
 public:
  Table(const CsvText& file, std::initializer_list<const char*> required, std::initializer_list<const char*> optional,
        RowErrors& errors)
      : file_(file), reader_(file.text), errors_(errors) {
    const std::size_t errors_before = errors_.count();  // an earlier file's errors do not stop this one
    CsvRecord header;
    try {
      if (!reader_.next(header)) {
        errors_.add(file_.name, 1, "header", "the file is empty; it needs a header row");
        return;
      }
    } catch (const CsvSyntaxError& error) {
      errors_.add(file_.name, error.line(), "header", error.what());
      return;
    }
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      if (!columns_.emplace(header.fields[i], i).second) {
        errors_.add(file_.name, 1, header.fields[i], "the column appears twice in the header");
      }
    }
    for (const char* name : required) {
      if (columns_.count(name) == 0) errors_.add(file_.name, 1, name, "the header has no such column");
    }
    width_ = header.fields.size();
    usable_ = errors_.count() == errors_before;
    (void)optional;
  }

  // The next record with the right number of fields; false at the end or on a broken file.
  bool next(CsvRecord& record) {
    if (!usable_) return false;
    while (true) {
      try {
        if (!reader_.next(record)) return false;
      } catch (const CsvSyntaxError& error) {
        errors_.add(file_.name, error.line(), "row", error.what());
        usable_ = false;
        return false;
      }
      if (record.fields.size() == width_) return true;
      errors_.add(file_.name, record.line, "row", "expected " + std::to_string(width_) + " fields, found " +
                                                      std::to_string(record.fields.size()));
    }
  }

  // The field, or empty when the column is absent.
  const std::string& field(const CsvRecord& record, const char* column) const {
    static const std::string absent;
    const auto found = columns_.find(column);
    return found == columns_.end() ? absent : record.fields[found->second];
  }
  std::string source(const CsvRecord& record) const { return file_.name + ":" + std::to_string(record.line); }
  const std::string& name() const { return file_.name; }

 private:
  const CsvText& file_;
  CsvReader reader_;
  RowErrors& errors_;
  std::map<std::string, std::size_t> columns_;
  std::size_t width_ = 0;
  bool usable_ = false;
};

// Field checks that report to errors and say whether the field was good.
struct FieldReader {
  const Table& table;
  const CsvRecord& record;
  RowErrors& errors;
  bool ok = true;

  void bad(const char* column, const std::string& reason) {
    errors.add(table.name(), record.line, column, reason);
    ok = false;
  }
  std::string identifier(const char* column, bool required) {
    const std::string& text = table.field(record, column);
    if (text.empty()) {
      if (required) bad(column, "it is empty");
      return text;
    }
    if (const char* reason = identifier_problem(text)) bad(column, "'" + text + "' is not valid: " + reason);
    return text;
  }
  std::optional<Date> date(const char* column, bool required) {
    const std::string& text = table.field(record, column);
    if (text.empty()) {
      if (required) bad(column, "it is empty");
      return std::nullopt;
    }
    Date day;
    if (const char* reason = try_parse_date(text, day)) {
      bad(column, "'" + text + "' is not a date: " + reason);
      return std::nullopt;
    }
    return day;
  }
  // A list of identifiers separated by ';' ("M2;M3"): a group session's receivers.
  std::string identifier_list(const char* column) {
    const std::string& text = table.field(record, column);
    if (text.empty()) bad(column, "it is empty");
    for (const std::string_view piece : text.empty() ? std::vector<std::string_view>{} : session_receivers(text)) {
      if (const char* reason = identifier_problem(piece)) bad(column, "'" + std::string(piece) + "' is not valid: " + reason);
    }
    return text;
  }
  Decimal amount(const char* column) {
    const std::string& text = table.field(record, column);
    Decimal value;
    if (text.empty()) {
      bad(column, "it is empty");
    } else if (const char* reason = Decimal::try_parse(text, value)) {
      bad(column, "'" + text + "' is not an amount: " + reason);
    } else if (value.sign() < 0) {
      bad(column, "amounts are zero or positive; a refund or recovery is a correction");
    } else if (value.scale() > 2) {
      bad(column, "'" + text + "' has more than 2 decimals");
    }
    return value;
  }
};

void read_citizens(const CsvText& file, ImportBatch& batch, RowErrors& errors) {
  Table table(file, {"citizen", "birth_date"}, {"death_date", "region"}, errors);
  CsvRecord record;
  while (table.next(record)) {
    FieldReader fields{table, record, errors};
    CitizenRow row;
    row.citizen.id = fields.identifier("citizen", true);
    const auto birth = fields.date("birth_date", true);
    row.citizen.death_date = fields.date("death_date", false);
    row.citizen.region = fields.identifier("region", false);
    if (birth && row.citizen.death_date && *row.citizen.death_date < *birth) {
      fields.bad("death_date", "the death date is before the birth date");
    }
    if (!fields.ok) continue;
    row.citizen.birth_date = *birth;
    row.source = table.source(record);
    batch.citizens.push_back(std::move(row));
  }
}

void read_events(const CsvText& file, ImportBatch& batch, RowErrors& errors) {
  Table table(file, {"id", "date", "citizen", "kind", "code", "amount"}, {"counterparty", "corrects"}, errors);
  CsvRecord record;
  while (table.next(record)) {
    FieldReader fields{table, record, errors};
    Event event;
    event.id = fields.identifier("id", true);
    const auto day = fields.date("date", true);
    event.citizen = fields.identifier("citizen", true);
    const std::string& kind_text = table.field(record, "kind");
    const auto kind = parse_event_kind(kind_text);
    if (!kind) {
      fields.bad("kind", "unknown kind '" + kind_text +
                             "' (tax, benefit, service, volunteer, exchange, budget_grant, budget_topup, budget_spend, "
                             "learning_grant, learning_spend, time_grant, time_donation, time_session, bank_exchange, "
                             "bank_session, bank_donation or bank_grant)");
    }
    event.code = fields.identifier("code", true);
    event.amount = fields.amount("amount");
    event.counterparty = kind && lists_counterparties(*kind) ? fields.identifier_list("counterparty")
                                                             : fields.identifier("counterparty", false);
    event.corrects = fields.identifier("corrects", false);
    if (!fields.ok) continue;
    event.date = *day;
    event.kind = *kind;
    event.source = table.source(record);
    batch.events.push_back(std::move(event));
  }
}

void read_providers(const CsvText& file, ImportBatch& batch, RowErrors& errors) {
  Table table(file, {"provider", "accredited_from"}, {"accredited_to"}, errors);
  CsvRecord record;
  while (table.next(record)) {
    FieldReader fields{table, record, errors};
    ProviderRow row;
    row.provider = fields.identifier("provider", true);
    const auto from = fields.date("accredited_from", true);
    row.range.to = fields.date("accredited_to", false);
    if (from && row.range.to && *row.range.to < *from) fields.bad("accredited_to", "the range ends before it starts");
    if (!fields.ok) continue;
    row.range.from = *from;
    row.source = table.source(record);
    batch.providers.push_back(std::move(row));
  }
}

// An hours field: zero or more, at most 2 decimals (the HOUR unit's scale).
std::optional<Decimal> hours_field(FieldReader& fields, const char* column, bool required) {
  const std::string& text = fields.table.field(fields.record, column);
  if (!required && text.empty()) return std::nullopt;
  if (!text.empty() && text[0] == '-') {
    fields.bad(column, "'" + text + "' is below zero; hours here are zero or more");
    return Decimal();
  }
  return fields.amount(column);
}

// Calls read(fields, source) for each record of the file that has the right number of fields.
template <class Read>
void read_rows(const CsvText& file, std::initializer_list<const char*> required,
               std::initializer_list<const char*> optional, RowErrors& errors, Read read) {
  Table table(file, required, optional, errors);
  CsvRecord record;
  while (table.next(record)) {
    FieldReader fields{table, record, errors};
    read(fields, table.source(record));
  }
}

void read_timebanks(const CsvText& file, ImportBatch& batch, RowErrors& errors) {
  read_rows(file, {"bank", "from", "hours_step", "credit_limit"}, {}, errors, [&](FieldReader& fields, std::string source) {
    std::string bank = fields.identifier("bank", true);
    const auto from = fields.date("from", true);
    const auto step = hours_field(fields, "hours_step", true);
    const auto limit = hours_field(fields, "credit_limit", true);
    if (fields.ok && step->sign() <= 0) fields.bad("hours_step", "the step must be more than zero");
    if (fields.ok) batch.timebanks.push_back({std::move(bank), TimeBankTerms{*from, *step, *limit}, std::move(source)});
  });
}

void read_members(const CsvText& file, ImportBatch& batch, RowErrors& errors) {
  read_rows(file, {"bank", "member", "kind", "from"}, {"credit_limit"}, errors, [&](FieldReader& fields, std::string source) {
    MemberRow row{fields.identifier("bank", true), fields.identifier("member", true), {}, std::move(source)};
    const std::string& kind_text = fields.table.field(fields.record, "kind");
    const auto kind = parse_member_kind(kind_text);
    if (!kind) fields.bad("kind", "unknown kind '" + kind_text + "' (person or organisation)");
    const auto from = fields.date("from", true);
    row.terms.credit_limit_hours = hours_field(fields, "credit_limit", false);
    if (!fields.ok) return;
    row.terms.from = *from;
    row.terms.kind = *kind;
    batch.members.push_back(std::move(row));
  });
}

CsvText read_text_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(ErrorCode::environment, "cannot read " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return CsvText{path, bytes.str()};
}

}  // namespace

ImportBatch parse_import(const std::optional<CsvText>& citizens, const std::optional<CsvText>& events,
                         const std::optional<CsvText>& providers, const std::optional<CsvText>& timebanks,
                         const std::optional<CsvText>& members) {
  ImportBatch batch;
  RowErrors errors;
  if (timebanks) read_timebanks(*timebanks, batch, errors);
  if (members) read_members(*members, batch, errors);
  if (providers) read_providers(*providers, batch, errors);
  if (citizens) read_citizens(*citizens, batch, errors);
  if (events) read_events(*events, batch, errors);
  errors.throw_if_any();
  return batch;
}

ImportBatch read_import_files(const ImportFiles& files) {
  const auto read = [](const std::optional<std::string>& path) -> std::optional<CsvText> {
    if (!path) return std::nullopt;
    return read_text_file(*path);
  };
  return parse_import(read(files.citizens), read(files.events), read(files.providers), read(files.timebanks),
                      read(files.members));
}

}  // namespace commonweal

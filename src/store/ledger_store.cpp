// The SQLite ledger store (ledger_store.hpp; schema in docs/storage.md).
#include "commonweal/store/ledger_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <tuple>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "../core/sha256.hpp"
#include "commonweal/policy/accounts.hpp"
#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/budget_statement.hpp"
#include "commonweal/statement/statement.hpp"
#include "sqlite.hpp"

namespace commonweal {
namespace {

// Schema versions, each the SQL that takes the file from the version before it.
// Forward only: a file is migrated on open; a newer file than this table is refused.
const char* const migrations[] = {
    // 1: the first schema.
    R"sql(
CREATE TABLE operations (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('create', 'import', 'advance', 'scheme')),
  recorded_at   TEXT NOT NULL,
  clock         TEXT,
  entry_count   INTEGER NOT NULL,
  entries_head  TEXT NOT NULL,
  inputs_sha256 TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE TABLE schemes (
  operation_id  INTEGER PRIMARY KEY REFERENCES operations(id),
  scheme_name   TEXT NOT NULL,
  scheme_yaml   TEXT NOT NULL,
  scheme_sha256 TEXT NOT NULL,
  reform_name   TEXT,
  reform_yaml   TEXT,
  reform_sha256 TEXT
);
CREATE TABLE citizen_records (
  citizen      TEXT NOT NULL,
  operation_id INTEGER NOT NULL REFERENCES operations(id),
  birth_date   TEXT NOT NULL,
  death_date   TEXT,
  region       TEXT NOT NULL,
  PRIMARY KEY (citizen, operation_id)
) WITHOUT ROWID;
CREATE VIEW citizens AS
  SELECT r.citizen AS id, r.birth_date, r.death_date, r.region
  FROM citizen_records r
  WHERE r.operation_id = (SELECT max(operation_id) FROM citizen_records l WHERE l.citizen = r.citizen);
CREATE TABLE providers (
  provider        TEXT NOT NULL,
  accredited_from TEXT NOT NULL,
  accredited_to   TEXT,
  operation_id    INTEGER NOT NULL REFERENCES operations(id),
  PRIMARY KEY (provider, accredited_from)
) WITHOUT ROWID;
CREATE TABLE events (
  sequence     INTEGER PRIMARY KEY,
  id           TEXT NOT NULL,
  operation_id INTEGER NOT NULL REFERENCES operations(id),
  date         TEXT NOT NULL,
  citizen      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  code         TEXT NOT NULL,
  amount       TEXT NOT NULL,
  counterparty TEXT NOT NULL,
  corrects     TEXT NOT NULL,
  source       TEXT NOT NULL
);
CREATE TABLE accounts (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  unit TEXT NOT NULL
);
CREATE TABLE entries (
  position       INTEGER PRIMARY KEY,
  id             TEXT NOT NULL,
  operation_id   INTEGER NOT NULL REFERENCES operations(id),
  effective_date TEXT NOT NULL,
  code           TEXT NOT NULL,
  memo           TEXT NOT NULL,
  reverses       TEXT NOT NULL,
  hash           BLOB NOT NULL
);
CREATE TABLE postings (
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  entry_position INTEGER NOT NULL REFERENCES entries(position),
  line           INTEGER NOT NULL,
  amount_minor   INTEGER NOT NULL,
  PRIMARY KEY (account_id, entry_position, line)
) WITHOUT ROWID;
CREATE VIEW journal AS
  SELECT e.position, e.id, e.effective_date, o.recorded_at, e.code, e.memo, e.reverses, a.name AS account,
         a.unit, p.amount_minor
  FROM entries e JOIN operations o ON o.id = e.operation_id
       JOIN postings p ON p.entry_position = e.position JOIN accounts a ON a.id = p.account_id;
)sql",
    // 2: the log of refused learning-account spends, kept outside the hash chain (docs/storage.md).
    R"sql(
CREATE TABLE refusals (
  event_id    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  citizen     TEXT NOT NULL,
  provider    TEXT NOT NULL,
  date        TEXT NOT NULL,
  amount      TEXT NOT NULL,
  source      TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (event_id, reason)
) WITHOUT ROWID;
)sql",
    // 3: named time banks' dated terms and members (docs/storage.md, docs/timebanks.md).
    R"sql(
CREATE TABLE timebanks (
  bank         TEXT NOT NULL,
  from_date    TEXT NOT NULL,
  hours_step   TEXT NOT NULL,
  credit_limit TEXT NOT NULL,
  operation_id INTEGER NOT NULL REFERENCES operations(id),
  PRIMARY KEY (bank, from_date)
) WITHOUT ROWID;
CREATE TABLE timebank_members (
  bank         TEXT NOT NULL,
  member       TEXT NOT NULL,
  from_date    TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
  credit_limit TEXT,
  operation_id INTEGER NOT NULL REFERENCES operations(id),
  PRIMARY KEY (bank, member, from_date)
) WITHOUT ROWID;
)sql",
    // 4: each entry's postings also in its own row (`lines`), so that one citizen's entries
    // are read whole (statement(), budget_statement()) without reading the rest of the file.
    R"sql(
ALTER TABLE entries ADD COLUMN lines TEXT NOT NULL DEFAULT '';
CREATE INDEX migration_4_postings_by_entry ON postings (entry_position);
UPDATE entries SET lines = coalesce((
  SELECT group_concat(line || ' ' || account_id || ' ' || amount_minor, ',')
  FROM (SELECT line, account_id, amount_minor FROM postings WHERE entry_position = entries.position ORDER BY line)), '');
DROP INDEX migration_4_postings_by_entry;
)sql",
    // 5: the pooled accounts (the funds, the world, the totals memos: is_pooled_account) keep
    // one row per (account, effective date, operation) in pooled_totals instead of a postings
    // row per posting; every entry's postings stay whole in its `lines`, now JSON
    // ([[ACCOUNT_ID, AMOUNT_MINOR], ...], line = index + 1), which the journal view reads.
    R"sql(
ALTER TABLE accounts ADD COLUMN pooled INTEGER NOT NULL DEFAULT 0 CHECK (pooled IN (0, 1));
UPDATE accounts SET pooled = commonweal_is_pooled_account(name);
CREATE TABLE pooled_totals (
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  effective_date TEXT NOT NULL,
  operation_id   INTEGER NOT NULL REFERENCES operations(id),
  amount_minor   INTEGER NOT NULL,
  posting_count  INTEGER NOT NULL,
  PRIMARY KEY (account_id, effective_date, operation_id)
) WITHOUT ROWID;
INSERT INTO pooled_totals (account_id, effective_date, operation_id, amount_minor, posting_count)
  SELECT p.account_id, e.effective_date, e.operation_id, sum(p.amount_minor), count(*)
  FROM postings p JOIN entries e ON e.position = p.entry_position
  WHERE p.account_id IN (SELECT id FROM accounts WHERE pooled = 1)
  GROUP BY p.account_id, e.effective_date, e.operation_id;
CREATE INDEX migration_5_postings_by_entry ON postings (entry_position);
UPDATE entries SET lines = (
  SELECT json_group_array(json_array(account_id, amount_minor))
  FROM (SELECT account_id, amount_minor FROM postings WHERE entry_position = entries.position ORDER BY line));
DROP INDEX migration_5_postings_by_entry;
DELETE FROM postings WHERE account_id IN (SELECT id FROM accounts WHERE pooled = 1);
DROP VIEW journal;
CREATE VIEW journal AS
  SELECT e.position, e.id, e.effective_date, o.recorded_at, e.code, e.memo, e.reverses, a.name AS account,
         a.unit, l.value ->> 1 AS amount_minor
  FROM entries e JOIN operations o ON o.id = e.operation_id
       JOIN json_each(e.lines) l JOIN accounts a ON a.id = l.value ->> 0;
)sql",
};
constexpr int latest_version = static_cast<int>(std::size(migrations));
static_assert(latest_version == LedgerStore::schema_version);

// Moments are stored with six fractional digits, so that text order is time order.
std::string stored_moment(const Moment& moment) {
  const auto day = date::floor<date::days>(moment);
  const auto micros = (moment - day).count();
  return fmt::format("{}T{:02}:{:02}:{:02}.{:06}Z", format_date(Date(day)), micros / 3'600'000'000LL,
                     micros / 60'000'000LL % 60, micros / 1'000'000LL % 60, micros % 1'000'000LL);
}

Moment now_moment() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::int64_t to_minor(const Amount& amount) {
  const Decimal value = amount.value().rounded(amount.unit().scale(), RoundingMode::down);
  const auto coefficient = value.coefficient();
  if (coefficient > INT64_MAX || coefficient < INT64_MIN) {
    throw Error(ErrorCode::overflow, "the amount " + amount.to_string() + " does not fit the ledger file's 64-bit minor units");
  }
  return static_cast<std::int64_t>(coefficient);
}

Decimal from_minor(std::int64_t minor, const Unit& unit) {
  return Decimal::from_coefficient(static_cast<Decimal::coefficient_type>(minor), unit.scale());
}


// Whether the file keeps an account's postings as daily totals (pooled_totals) rather than a
// postings row each: the accounts every citizen's entries share, which would otherwise hold
// about half of all postings (the funds, the world, the totals memos "memo:WHAT:CODE"). Every
// account of a person or a body (citizen:*, memo:citizen:*, council:*, provider:*, org:*,
// timebank:*) keeps its rows, so that one citizen's part of the file is found by its key.
// Stored in accounts.pooled when the account is first written; verify checks the two agree.
bool is_pooled_account(std::string_view name) {
  const auto starts = [&](std::string_view prefix) { return name.substr(0, prefix.size()) == prefix; };
  return starts("fund:") || name == accounts::world || (starts("memo:") && !starts("memo:citizen:"));
}

// The SQL function commonweal_is_pooled_account(name) that migration 5 calls.
void register_sql_functions(sqlite::Database& db) {
  const auto pooled = [](sqlite3_context* context, int, sqlite3_value** values) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(values[0]));
    const std::string_view name(text == nullptr ? "" : text, static_cast<std::size_t>(sqlite3_value_bytes(values[0])));
    sqlite3_result_int(context, is_pooled_account(name) ? 1 : 0);
  };
  if (sqlite3_create_function(db.handle(), "commonweal_is_pooled_account", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                              pooled, nullptr, nullptr) != SQLITE_OK) {
    throw Error(ErrorCode::environment, std::string("SQLite refused a function: ") + sqlite3_errmsg(db.handle()));
  }
}

// An entry's postings as its row's `lines` column keeps them: a JSON array of
// [ACCOUNT_ID, AMOUNT_MINOR] in line order, with no spaces ("[[17,12346],[3,-12346]]"),
// as SQLite's json_group_array(json_array(...)) writes it (migration 5).
struct StoredLine {
  std::int64_t account_id, amount_minor;
  friend bool operator==(const StoredLine&, const StoredLine&) = default;
};

void append_lines_text(std::string& text, std::span<const StoredLine> lines) {
  text += '[';
  char digits[24];
  for (const StoredLine& line : lines) {
    if (text.size() > 1) text += ',';
    text += '[';
    text.append(digits, std::to_chars(digits, digits + sizeof digits, line.account_id).ptr);
    text += ',';
    text.append(digits, std::to_chars(digits, digits + sizeof digits, line.amount_minor).ptr);
    text += ']';
  }
  text += ']';
}

std::string lines_text(std::span<const StoredLine> lines) {
  std::string text;
  append_lines_text(text, lines);
  return text;
}

// The lines of a `lines` column, appended to `lines`; Error(invalid_input) if it is not exactly that shape.
void parse_lines(std::string_view text, std::string_view entry_id, std::vector<StoredLine>& lines) {
  const auto bad = [&] { return Error(ErrorCode::invalid_input, "entry " + std::string(entry_id) + " has a damaged lines column"); };
  const char* at = text.data();
  const char* const stop = text.data() + text.size();
  const auto expect = [&](char c) {
    if (at == stop || *at != c) throw bad();
    ++at;
  };
  const auto number = [&] {
    std::int64_t value = 0;
    const auto [next, error] = std::from_chars(at, stop, value);
    if (error != std::errc()) throw bad();
    at = next;
    return value;
  };
  expect('[');
  if (at != stop && *at == ']') {
    ++at;
  } else {
    for (;;) {
      expect('[');
      StoredLine line{};
      line.account_id = number();
      expect(',');
      line.amount_minor = number();
      expect(']');
      lines.push_back(line);
      if (at != stop && *at == ',') {
        ++at;
        continue;
      }
      expect(']');
      break;
    }
  }
  if (at != stop) throw bad();
}

std::vector<StoredLine> parse_lines(std::string_view text, std::string_view entry_id) {
  std::vector<StoredLine> lines;
  parse_lines(text, entry_id, lines);
  return lines;
}

// The entry's hash: chained over the previous entry's, and over every field of it.
Digest entry_digest(Sha256& sha, const Digest& previous, std::int64_t position, const Entry& entry,
                    const std::string& recorded_at) {
  sha.update(previous).field(std::to_string(position)).field(entry.id).field(format_date(entry.effective_date));
  sha.field(recorded_at).field(entry.code).field(entry.memo).field(entry.reverses);
  sha.field(std::to_string(entry.postings.size()));
  for (const Posting& posting : entry.postings) {
    sha.field(posting.account).field(posting.amount.unit().code()).field(posting.amount.value().to_string());
  }
  return sha.finish();
}

struct OperationRow {
  std::int64_t id = 0;
  std::string kind, recorded_at, clock;
  std::int64_t entry_count = 0;
  std::string entries_head, inputs_sha256, hash;
};

std::string operation_hash(const std::string& previous_hash, const OperationRow& row) {
  Sha256 sha;
  sha.field(previous_hash).field(std::to_string(row.id)).field(row.kind).field(row.recorded_at).field(row.clock);
  sha.field(std::to_string(row.entry_count)).field(row.entries_head).field(row.inputs_sha256);
  return to_hex(sha.finish());
}

// Canonical rows of an operation's inputs, one digest per table (see docs/storage.md).
// Time bank rows count only in operations that stored some, so that files from before them verify as they did.
struct InputDigests {
  Sha256 schemes, citizens, providers, events, timebanks;
  bool has_timebanks = false;
  std::string combined() {
    Sha256 all;
    all.update(schemes.finish()).update(citizens.finish()).update(providers.finish()).update(events.finish());
    if (has_timebanks) all.update(timebanks.finish());
    return to_hex(all.finish());
  }
};

void digest_scheme(Sha256& sha, std::string_view name, std::string_view sha256, std::optional<std::string_view> reform_name,
                   std::optional<std::string_view> reform_sha256) {
  sha.field(name).field(sha256).field(reform_name.value_or("")).field(reform_sha256.value_or(""));
}
void digest_citizen(Sha256& sha, std::string_view id, std::string_view birth, std::string_view death, std::string_view region) {
  sha.field(id).field(birth).field(death).field(region);
}
void digest_provider(Sha256& sha, std::string_view provider, std::string_view from, std::string_view to) {
  sha.field(provider).field(from).field(to);
}
void digest_timebank(InputDigests& digests, std::string_view bank, std::string_view from, std::string_view step,
                     std::string_view limit) {
  digests.has_timebanks = true;
  digests.timebanks.field("bank").field(bank).field(from).field(step).field(limit);
}
void digest_member(InputDigests& digests, std::string_view bank, std::string_view member, std::string_view from,
                   std::string_view kind, std::string_view limit) {
  digests.has_timebanks = true;
  digests.timebanks.field("member").field(bank).field(member).field(from).field(kind).field(limit);
}
std::string optional_hours_text(const std::optional<Decimal>& hours) { return hours ? hours->to_string() : std::string(); }
// Events' rows as stored (date and amount as their texts), all their texts in one buffer: a
// million events' rows take about 140 MB instead of 330 MB as strings of their own, memory
// the importing thread would otherwise have the kernel zero first. The digest is over those texts.
class EventRows {
 public:
  static constexpr int text_count = 9;  // id, date, citizen, kind, code, amount, counterparty, corrects, source
  void reserve(std::size_t rows) {
    sequences_.reserve(rows);
    ends_.reserve(rows * text_count);
    text_.reserve(rows * 64);
  }
  void add(std::int64_t sequence, const Event& event) {
    sequences_.push_back(sequence);
    const auto put = [&](std::string_view piece) {
      text_.append(piece);
      ends_.push_back(text_.size());
    };
    put(event.id);
    put(format_date(event.date));
    put(event.citizen);
    put(to_string(event.kind));
    put(event.code);
    put(event.amount.to_string());
    put(event.counterparty);
    put(event.corrects);
    put(event.source);
  }
  std::size_t size() const { return sequences_.size(); }
  std::int64_t sequence(std::size_t row) const { return sequences_[row]; }
  // Text k (0 = id ... 8 = source) of a row: a view into the buffer, valid while this lives.
  std::string_view text(std::size_t row, int k) const {
    const std::size_t at = row * text_count + static_cast<std::size_t>(k);
    const std::size_t begin = at == 0 ? 0 : ends_[at - 1];
    return std::string_view(text_).substr(begin, ends_[at] - begin);
  }
  void digest(Sha256& sha, std::size_t row) const {
    sha.field(std::to_string(sequences_[row]));
    for (int k = 0; k < text_count; ++k) sha.field(text(row, k));
  }

 private:
  std::vector<std::int64_t> sequences_;
  std::vector<std::size_t> ends_;  // where each text ends in text_
  std::string text_;
};
void digest_event(Sha256& sha, std::int64_t sequence, const Event& event) {
  EventRows row;
  row.add(sequence, event);
  row.digest(sha, 0);
}

Scheme scheme_from(const SchemeText& scheme, const std::optional<SchemeText>& reform) {
  ParameterSet parameters = parse_parameter_text(scheme.yaml, scheme.name, "scheme");
  if (reform) parameters = parameters.with_reform(parse_parameter_text(reform->yaml, reform->name, "reform"));
  return Scheme::reference(std::move(parameters));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::environment, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

SchemeText SchemeText::from_file(const std::string& path) {
  return SchemeText{std::filesystem::path(path).filename().string(), read_file(path)};
}

struct LedgerStore::Impl {
  std::string path;
  sqlite::Database db;
  std::optional<Engine> engine;
  std::int64_t loaded_data_version = -1;
  std::unordered_map<std::string, std::int64_t> account_ids;
  std::vector<std::int64_t> account_id_by_name;  // by AccountName::index(): account_ids' value, 0 if not looked up yet
  std::vector<bool> account_pooled;  // by account id: accounts.pooled (is_pooled_account)
  bool pooled(std::int64_t account_id) const {
    return account_id >= 0 && static_cast<std::size_t>(account_id) < account_pooled.size() &&
           account_pooled[static_cast<std::size_t>(account_id)];
  }

  std::int64_t data_version() { return db.single_integer("PRAGMA data_version"); }

  void configure() {
    db.execute("PRAGMA journal_mode = WAL");
    db.execute("PRAGMA synchronous = NORMAL");
    db.execute("PRAGMA foreign_keys = ON");
    // 64 MiB of pages: a large import spills its dirty pages to the WAL while it runs, on the writer
    // thread, instead of holding them all until the commit (measured on a million events: import
    // 13.2 and 10.8 s against 16.3 and 13.1 s with 1 GiB, the commit 1.0 s against 3.2 s; bench/README.md).
    db.execute("PRAGMA cache_size = -65536");
    db.execute("PRAGMA temp_store = MEMORY");
    register_sql_functions(db);
  }

  void migrate() {
    sqlite::Transaction transaction(db, true);
    const int version = static_cast<int>(db.single_integer("PRAGMA user_version"));
    if (version > latest_version) {
      throw Error(ErrorCode::environment, "the ledger " + path + " has schema version " + std::to_string(version) +
                                              ", newer than this commonweal (" + std::to_string(latest_version) +
                                              "): use a newer commonweal");
    }
    if (version == latest_version) return;  // rolled back: nothing written
    for (int next = version + 1; next <= latest_version; ++next) {
      db.execute(migrations[next - 1]);
      db.execute("PRAGMA user_version = " + std::to_string(next));
    }
    transaction.commit();
  }

  SchemeText stored_text(sqlite::Statement& row, int name_column) {
    return SchemeText{std::string(row.text(name_column)), std::string(row.text(name_column + 1))};
  }

  // The scheme the file holds now.
  std::pair<SchemeText, std::optional<SchemeText>> current_scheme_texts() {
    sqlite::Statement row = db.prepare(
        "SELECT scheme_name, scheme_yaml, reform_name, reform_yaml FROM schemes ORDER BY operation_id DESC LIMIT 1");
    if (!row.next()) throw Error(ErrorCode::invalid_input, "the ledger " + path + " holds no scheme");
    SchemeText scheme = stored_text(row, 0);
    std::optional<SchemeText> reform;
    if (!row.is_null(2)) reform = stored_text(row, 2);
    row.reset();
    return {std::move(scheme), std::move(reform)};
  }

  std::vector<OperationRow> operations() {
    std::vector<OperationRow> rows;
    sqlite::Statement row = db.prepare(
        "SELECT id, kind, recorded_at, coalesce(clock, ''), entry_count, entries_head, inputs_sha256, hash "
        "FROM operations ORDER BY id");
    while (row.next()) {
      rows.push_back({row.integer(0), std::string(row.text(1)), std::string(row.text(2)), std::string(row.text(3)),
                      row.integer(4), std::string(row.text(5)), std::string(row.text(6)), std::string(row.text(7))});
    }
    return rows;
  }

  void load_accounts() {
    account_ids.clear();
    account_id_by_name.clear();
    account_pooled.clear();
    sqlite::Statement row = db.prepare("SELECT id, name, pooled FROM accounts");
    while (row.next()) {
      const std::int64_t id = row.integer(0);
      account_ids.emplace(std::string(row.text(1)), id);
      if (id >= 0 && id < 100'000'000) {
        if (account_pooled.size() <= static_cast<std::size_t>(id)) account_pooled.resize(static_cast<std::size_t>(id) + 1);
        account_pooled[static_cast<std::size_t>(id)] = row.integer(2) != 0;
      }
    }
  }

  struct Loaded {
    EngineRecord record;
    std::vector<OperationRow> operations;
    std::vector<std::int64_t> entry_operation;  // per entry
  };

  // Operations, the clock's history and the last import: the frame every read starts from.
  struct Frame {
    std::unordered_map<std::int64_t, Moment> moment_of_operation;
    Moment moment_of(std::int64_t operation) const {
      const auto found = moment_of_operation.find(operation);
      if (found == moment_of_operation.end()) {
        throw Error(ErrorCode::invalid_input, "the ledger names a missing operation " + std::to_string(operation));
      }
      return found->second;
    }
  };
  Frame read_frame(Loaded& loaded) {
    loaded.operations = operations();
    Frame frame;
    EngineRecord& record = loaded.record;
    for (const OperationRow& op : loaded.operations) {
      frame.moment_of_operation.emplace(op.id, parse_moment(op.recorded_at));
      if (op.kind == "advance") record.clock_history.emplace_back(parse_moment(op.recorded_at), parse_date(op.clock));
      if (op.kind == "import") record.last_import_at = parse_moment(op.recorded_at);
    }
    return frame;
  }

  // Each citizen's latest record (one citizen, or all), and when a death date was first recorded.
  void read_citizens(const Frame& frame, const std::string* only, EngineRecord& record) {
    sqlite::Statement row = db.prepare(
        std::string("SELECT citizen, operation_id, birth_date, death_date, region FROM citizen_records ") +
        (only ? "WHERE citizen = ?1 " : "") + "ORDER BY citizen, operation_id");
    if (only) row.bind(1, *only);
    std::map<std::string, EngineRecord::CitizenEntry> citizens;
    while (row.next()) {
      EngineRecord::CitizenEntry& entry = citizens[std::string(row.text(0))];
      const bool had_death = entry.citizen.death_date.has_value();
      entry.citizen.id = std::string(row.text(0));
      entry.citizen.birth_date = parse_date(row.text(2));
      entry.citizen.death_date.reset();
      if (!row.is_null(3)) entry.citizen.death_date = parse_date(row.text(3));
      entry.citizen.region = std::string(row.text(4));
      if (entry.citizen.death_date && !had_death) entry.death_recorded_at = frame.moment_of(row.integer(1));
    }
    for (auto& [id, entry] : citizens) record.citizens.push_back(std::move(entry));
  }

  // An entry's columns from a row of (position, id, operation_id, effective_date, code, memo, reverses).
  static Entry entry_of_row(sqlite::Statement& row, const Frame& frame) {
    Entry entry;
    entry.id = std::string(row.text(1));
    entry.recorded_at = frame.moment_of(row.integer(2));
    entry.effective_date = parse_date(row.text(3));
    entry.code = std::string(row.text(4));
    entry.memo = std::string(row.text(5));
    entry.reverses = std::string(row.text(6));
    return entry;
  }
  static constexpr const char* entry_columns = "SELECT position, id, operation_id, effective_date, code, memo, reverses FROM entries ";
  static constexpr const char* entry_columns_with_lines =
      "SELECT position, id, operation_id, effective_date, code, memo, reverses, lines FROM entries ";

  // Everything the file holds, read in the current transaction.
  Loaded read_everything() {
    Loaded loaded;
    const Frame frame = read_frame(loaded);
    EngineRecord& record = loaded.record;
    read_citizens(frame, nullptr, record);
    {
      sqlite::Statement row = db.prepare("SELECT provider, accredited_from, accredited_to FROM providers ORDER BY provider, accredited_from");
      while (row.next()) {
        AccreditationRange range{parse_date(row.text(1)), std::nullopt};
        if (!row.is_null(2)) range.to = parse_date(row.text(2));
        record.providers.push_back({std::string(row.text(0)), range, ""});
      }
    }
    {
      sqlite::Statement row = db.prepare("SELECT bank, from_date, hours_step, credit_limit FROM timebanks ORDER BY bank, from_date");
      while (row.next()) {
        record.timebanks.push_back({std::string(row.text(0)),
                                    {parse_date(row.text(1)), Decimal::parse(row.text(2)), Decimal::parse(row.text(3))}, ""});
      }
      sqlite::Statement member = db.prepare(
          "SELECT bank, member, from_date, kind, credit_limit FROM timebank_members ORDER BY bank, member, from_date");
      while (member.next()) {
        MemberRow loaded_row{std::string(member.text(0)), std::string(member.text(1)), {}, ""};
        loaded_row.terms.from = parse_date(member.text(2));
        loaded_row.terms.kind = parse_member_kind(member.text(3)).value_or(MemberKind::person);
        if (!member.is_null(4)) loaded_row.terms.credit_limit_hours = Decimal::parse(member.text(4));
        record.members.push_back(std::move(loaded_row));
      }
    }
    {
      sqlite::Statement row = db.prepare(
          "SELECT sequence, id, date, citizen, kind, code, amount, counterparty, corrects, source FROM events ORDER BY sequence");
      while (row.next()) {
        Event event;
        event.sequence = static_cast<std::uint64_t>(row.integer(0));
        event.id = std::string(row.text(1));
        event.date = parse_date(row.text(2));
        event.citizen = std::string(row.text(3));
        const auto kind = parse_event_kind(row.text(4));
        if (!kind) throw Error(ErrorCode::invalid_input, "the ledger's event " + event.id + " has an unknown kind");
        event.kind = *kind;
        event.code = std::string(row.text(5));
        event.amount = Decimal::parse(row.text(6));
        event.counterparty = std::string(row.text(7));
        event.corrects = std::string(row.text(8));
        event.source = std::string(row.text(9));
        record.events.push_back(std::move(event));
      }
    }
    // Accounts, then postings grouped by entry, then entries.
    std::unordered_map<std::int64_t, std::pair<std::string, Unit>> accounts;
    {
      sqlite::Statement row = db.prepare("SELECT id, name, unit FROM accounts");
      while (row.next()) accounts.emplace(row.integer(0), std::pair{std::string(row.text(1)), Unit::parse(row.text(2))});
    }
    const std::int64_t entry_count = db.single_integer("SELECT count(*) FROM entries");
    record.entries.reserve(static_cast<std::size_t>(entry_count));
    loaded.entry_operation.reserve(static_cast<std::size_t>(entry_count));
    {
      // Each entry whole from its own row: its postings are its `lines` (the postings and
      // pooled_totals tables hold them again, by account, for balances; verify compares).
      sqlite::Statement entries = db.prepare(std::string(entry_columns_with_lines) + "ORDER BY position");
      std::int64_t expected_position = 1;
      std::vector<StoredLine> lines;
      while (entries.next()) {
        const std::int64_t position = entries.integer(0);
        if (position != expected_position) {
          throw Error(ErrorCode::invalid_input, "the ledger's entries jump from position " +
                                                    std::to_string(expected_position - 1) + " to " + std::to_string(position));
        }
        ++expected_position;
        Entry entry = entry_of_row(entries, frame);
        loaded.entry_operation.push_back(entries.integer(2));
        lines.clear();
        parse_lines(entries.text(7), entry.id, lines);
        entry.postings.reserve(lines.size());
        for (const StoredLine& line : lines) {
          const auto account = accounts.find(line.account_id);
          if (account == accounts.end()) {
            throw Error(ErrorCode::invalid_input, "a posting of entry " + std::to_string(position) + " names a missing account");
          }
          const Unit& unit = account->second.second;
          entry.postings.push_back(Posting{account->second.first, Amount(from_minor(line.amount_minor, unit), unit)});
        }
        record.entries.push_back(std::move(entry));
      }
    }
    return loaded;
  }

  // One citizen's part of the file: their record, the clock's history and every
  // entry with a posting on one of their accounts (citizen:ID:*, memo:citizen:ID:*),
  // whole and in journal order; no events and no other citizen. Enough for the
  // statements, which read only those accounts: found through the accounts' name
  // index, the postings' key and each entry's `lines`, instead of the whole file.
  Loaded read_citizen(const std::string& citizen) {
    Loaded loaded;
    const Frame frame = read_frame(loaded);
    EngineRecord& record = loaded.record;
    read_citizens(frame, &citizen, record);
    if (record.citizens.empty()) throw Error(ErrorCode::not_found, "unknown citizen " + citizen);
    std::vector<std::int64_t> positions;
    {
      sqlite::Statement account = db.prepare("SELECT id FROM accounts WHERE name >= ?1 AND name < ?2");
      sqlite::Statement posting = db.prepare("SELECT entry_position FROM postings WHERE account_id = ?1");
      for (const std::string prefix : {"citizen:" + citizen + ":", "memo:citizen:" + citizen + ":"}) {
        std::string after = prefix;
        after.back() = ':' + 1;  // every name that starts with prefix sorts before this one
        account.bind(1, prefix);
        account.bind(2, after);
        while (account.next()) {
          posting.bind(1, account.integer(0));
          while (posting.next()) positions.push_back(posting.integer(0));
          posting.reset();
        }
        account.reset();
      }
    }
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    sqlite::Statement entry_row = db.prepare(std::string(entry_columns_with_lines) + "WHERE position = ?1");
    sqlite::Statement account_row = db.prepare("SELECT name, unit FROM accounts WHERE id = ?1");
    std::unordered_map<std::int64_t, std::pair<std::string, Unit>> accounts;  // the few this citizen's entries name
    const auto account_of = [&](std::int64_t id) -> const std::pair<std::string, Unit>& {
      auto found = accounts.find(id);
      if (found != accounts.end()) return found->second;
      account_row.bind(1, id);
      if (!account_row.next()) throw Error(ErrorCode::invalid_input, "a posting names a missing account " + std::to_string(id));
      found = accounts.emplace(id, std::pair{std::string(account_row.text(0)), Unit::parse(account_row.text(1))}).first;
      account_row.reset();
      return found->second;
    };
    record.entries.reserve(positions.size());
    for (const std::int64_t position : positions) {
      entry_row.bind(1, position);
      if (!entry_row.next()) throw Error(ErrorCode::invalid_input, "a posting names a missing entry " + std::to_string(position));
      Entry entry = entry_of_row(entry_row, frame);
      loaded.entry_operation.push_back(entry_row.integer(2));
      for (const StoredLine& line : parse_lines(entry_row.text(7), entry.id)) {
        const auto& [name, unit] = account_of(line.account_id);
        entry.postings.push_back(Posting{name, Amount(from_minor(line.amount_minor, unit), unit)});
      }
      entry_row.reset();
      record.entries.push_back(std::move(entry));
    }
    return loaded;
  }

  // When the whole ledger last learned anything (Engine::last_recorded_at, without loading it).
  std::optional<Moment> last_recorded_at(const Loaded& frame_only) {
    std::optional<Moment> latest = frame_only.record.last_import_at;
    const auto later = [&](const Moment& moment) {
      if (!latest || *latest < moment) latest = moment;
    };
    if (!frame_only.record.clock_history.empty()) later(frame_only.record.clock_history.back().first);
    sqlite::Statement last = db.prepare(
        "SELECT o.recorded_at FROM entries e JOIN operations o ON o.id = e.operation_id ORDER BY e.position DESC LIMIT 1");
    if (last.next()) later(parse_moment(last.text(0)));
    return latest;
  }

  // make(engine, as_known_at) on the whole engine when it is loaded and current, else on an
  // engine of the citizen's part of the file, "as known at" defaulting to the whole ledger's moment.
  template <class Make>
  auto for_one_citizen(const std::string& citizen, std::optional<Moment> as_known_at, Make make) {
    sqlite::Transaction snapshot(db, false);
    if (engine && data_version() == loaded_data_version) return make(*engine, as_known_at);
    auto [part, last_recorded_at] = citizen_engine(citizen);
    return make(part, as_known_at ? as_known_at : last_recorded_at);
  }

  // An engine of one citizen's part of the file (read_citizen), and the whole ledger's last
  // recorded moment: what statements need, without reading everyone else. Read-only use.
  std::pair<Engine, std::optional<Moment>> citizen_engine(const std::string& citizen) {
    auto [scheme, reform] = current_scheme_texts();
    Loaded loaded = read_citizen(citizen);
    const std::optional<Moment> last = last_recorded_at(loaded);
    return {Engine::restore(scheme_from(scheme, reform), std::move(loaded.record)), last};
  }

  // Rebuilds the engine when the file changed since it was loaded (another process wrote).
  Engine& current_engine() {
    const std::int64_t version = data_version();
    if (engine && version == loaded_data_version) return *engine;
    // A snapshot of its own, unless a write transaction already holds one.
    std::optional<sqlite::Transaction> snapshot;
    if (sqlite3_get_autocommit(db.handle()) != 0) snapshot.emplace(db, false);
    auto [scheme, reform] = current_scheme_texts();
    Loaded loaded = read_everything();
    engine.reset();
    engine.emplace(Engine::restore(scheme_from(scheme, reform), std::move(loaded.record)));
    loaded_data_version = version;
    load_accounts();
    if (snapshot) snapshot->commit();
    return *engine;
  }

  Moment next_moment(std::optional<Moment> wanted) {
    Moment moment = wanted.value_or(now_moment());
    sqlite::Statement last = db.prepare("SELECT recorded_at FROM operations ORDER BY id DESC LIMIT 1");
    if (last.next()) {
      const Moment previous = parse_moment(last.text(0));
      if (moment <= previous) moment = previous + std::chrono::microseconds(1);
      last.reset();
    }
    return moment;
  }

  // An operation's entries as rows, made on the engine's thread (the hash chain, each entry's
  // `lines`, account ids: Writer::make_rows) and inserted by whichever thread writes (Writer::insert).
  struct EntryRows {
    struct AccountRow {
      std::int64_t id;
      std::string name, unit;
      bool pooled;
    };
    struct Row {
      std::int64_t position;
      std::string id, effective_date, code, memo, reverses, lines;
      Digest hash;
    };
    struct PostingRow {
      std::int64_t account_id, entry_position, line, amount_minor;
      bool operator<(const PostingRow& other) const {
        return std::tie(account_id, entry_position, line) < std::tie(other.account_id, other.entry_position, other.line);
      }
    };
    std::vector<AccountRow> accounts;  // new to the file, before the postings that name them
    std::vector<Row> entries;
    std::vector<PostingRow> postings;
  };

  // The operation's row, its entries and the chain; called inside the write transaction.
  struct Writer {
    Impl& impl;
    OperationRow op;
    InputDigests inputs;
    sqlite::Statement insert_entry, insert_posting, insert_account;
    Digest previous_entry_hash{};      // the chain so far
    std::size_t next_entry_index = 0;  // the journal's first entry not made into rows yet
    std::int64_t next_account_id = 1;
    std::vector<EntryRows::PostingRow> later_postings;  // see make_rows
    // The operation's postings on pooled accounts, summed by (account, effective day): inserted
    // into pooled_totals at the end (insert_set_aside), each total once. Kept flat, by account id
    // and then by day from the account's earliest (a few thousand days each; a hash map of the
    // same totals cost about 3% of an import's time in cache misses).
    struct PooledTotal {
      std::int64_t amount_minor = 0, posting_count = 0;
    };
    struct PooledDays {
      int first_day = 0;
      std::vector<PooledTotal> totals;  // totals[day - first_day]
    };
    std::vector<PooledDays> pooled_days;  // by account id
    PooledTotal& pooled_total(std::int64_t account_id, int day) {
      const auto account = static_cast<std::size_t>(account_id);
      if (pooled_days.size() <= account) pooled_days.resize(account + 1);
      PooledDays& days = pooled_days[account];
      if (days.totals.empty()) {
        days.first_day = day;
      } else if (day < days.first_day) {  // room before, doubled, so that days in falling order cost amortised O(1)
        const int before = std::max(days.first_day - day, static_cast<int>(std::min<std::size_t>(days.totals.size(), 1 << 20)));
        days.totals.insert(days.totals.begin(), static_cast<std::size_t>(before), PooledTotal{});
        days.first_day -= before;
      }
      const auto at = static_cast<std::size_t>(day - days.first_day);
      if (at >= days.totals.size()) days.totals.resize(at + 1);
      return days.totals[at];
    }
    Sha256 sha;

    Writer(Impl& store, const std::string& kind, const Moment& recorded_at, const std::optional<Date>& clock)
        : impl(store) {
      op.kind = kind;
      op.recorded_at = stored_moment(recorded_at);
      if (clock) op.clock = format_date(*clock);
      sqlite::Statement insert = impl.db.prepare(
          "INSERT INTO operations (kind, recorded_at, clock, entry_count, entries_head, inputs_sha256, hash) "
          "VALUES (?1, ?2, ?3, 0, '', '', '')");
      insert.bind(1, op.kind).bind(2, op.recorded_at);
      if (clock) insert.bind(3, op.clock); else insert.bind_null(3);
      insert.run();
      op.id = sqlite3_last_insert_rowid(impl.db.handle());
      insert_entry = impl.db.prepare(
          "INSERT INTO entries (position, id, operation_id, effective_date, code, memo, reverses, hash, lines) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      insert_posting = impl.db.prepare(
          "INSERT INTO postings (entry_position, line, account_id, amount_minor) VALUES (?1, ?2, ?3, ?4)");
      insert_account = impl.db.prepare("INSERT INTO accounts (id, name, unit, pooled) VALUES (?1, ?2, ?3, ?4)");
      next_account_id = impl.db.single_integer("SELECT coalesce(max(id), 0) + 1 FROM accounts");
    }

    // Where the chain goes on from: the file's last entry, the journal's `first` (its count before the operation).
    void start_entries_at(std::size_t first) {
      next_entry_index = first;
      previous_entry_hash = Digest{};
      if (first == 0) return;
      sqlite::Statement head = impl.db.prepare("SELECT hash FROM entries WHERE position = ?1");
      head.bind(1, static_cast<std::int64_t>(first));
      if (!head.next() || head.blob(0).size() != previous_entry_hash.size()) {
        throw Error(ErrorCode::invalid_input, "the ledger's last entry has no hash: run commonweal verify");
      }
      std::copy_n(head.blob(0).data(), previous_entry_hash.size(), reinterpret_cast<char*>(previous_entry_hash.data()));
      head.reset();
    }

    // The file's id of a posting's account: by the name's dense index once it is known (ids start at 1).
    std::int64_t account_id(const AccountName& name, const Unit& unit, EntryRows& rows) {
      const std::size_t k = name.index();
      if (k < impl.account_id_by_name.size() && impl.account_id_by_name[k] != 0) return impl.account_id_by_name[k];
      const std::int64_t id = account_id(name.str(), unit, rows);
      if (impl.account_id_by_name.size() <= k) impl.account_id_by_name.resize(std::max<std::size_t>(k + 1, 2 * impl.account_id_by_name.size()), 0);
      impl.account_id_by_name[k] = id;
      return id;
    }
    std::int64_t account_id(const std::string& name, const Unit& unit, EntryRows& rows) {
      const auto found = impl.account_ids.find(name);
      if (found != impl.account_ids.end()) return found->second;
      const std::int64_t id = next_account_id++;
      const bool pooled = is_pooled_account(name);
      rows.accounts.push_back({id, name, std::string(unit.code()), pooled});
      impl.account_ids.emplace(name, id);  // an operation that fails resets the engine, and with it these
      if (impl.account_pooled.size() <= static_cast<std::size_t>(id)) impl.account_pooled.resize(static_cast<std::size_t>(id) + 1);
      impl.account_pooled[static_cast<std::size_t>(id)] = pooled;
      return id;
    }

    // The rows of the journal's entries from next_entry_index to `end`, chained on. Touches no database.
    EntryRows make_rows(std::span<const Entry> all, std::size_t end) {
      EntryRows rows;
      const std::int64_t rows_first_account_id = next_account_id;
      rows.entries.reserve(end - next_entry_index);
      std::vector<StoredLine> lines;
      for (std::size_t index = next_entry_index; index < end; ++index) {
        const Entry& entry = all[index];
        const auto position = static_cast<std::int64_t>(index + 1);
        previous_entry_hash = entry_digest(sha, previous_entry_hash, position, entry, op.recorded_at);
        lines.clear();
        const int day = day_number(entry.effective_date);
        for (const Posting& posting : entry.postings) {
          const StoredLine line{account_id(posting.account, posting.amount.unit(), rows), to_minor(posting.amount)};
          lines.push_back(line);
          if (impl.pooled(line.account_id)) {
            PooledTotal& total = pooled_total(line.account_id, day);
            if (__builtin_add_overflow(total.amount_minor, line.amount_minor, &total.amount_minor)) {
              throw Error(ErrorCode::overflow, "the total of " + posting.account + " on " + format_date(entry.effective_date) +
                                                   " does not fit the ledger file's 64-bit minor units");
            }
            ++total.posting_count;
            continue;
          }
          const EntryRows::PostingRow row{line.account_id, position, static_cast<std::int64_t>(lines.size()), line.amount_minor};
          // An account new in these rows lies past every posting the file holds: inserted now, it is
          // appended. Postings of older accounts would land in the middle of the postings' order:
          // they wait for later_postings, inserted in one sorted run at the end.
          (row.account_id >= rows_first_account_id ? rows.postings : later_postings).push_back(row);
        }
        rows.entries.push_back({position, entry.id, format_date(entry.effective_date), entry.code, entry.memo,
                                entry.reverses, lines_text(lines), previous_entry_hash});
      }
      // Postings are stored by account: inserted in that order, each lands next to the one before.
      std::sort(rows.postings.begin(), rows.postings.end());
      next_entry_index = end;
      return rows;
    }

    // Inserts rows made by make_rows (on any one thread at a time: the writer's or the engine's).
    void insert(const EntryRows& rows) {
      for (const EntryRows::AccountRow& account : rows.accounts) {
        insert_account.bind(1, account.id).bind(2, account.name).bind(3, account.unit).bind(4, account.pooled ? 1 : 0).run();
      }
      for (const EntryRows::Row& row : rows.entries) {
        insert_entry.bind(1, row.position).bind(2, row.id).bind(3, op.id).bind(4, row.effective_date).bind(5, row.code);
        insert_entry.bind(6, row.memo).bind(7, row.reverses).bind_blob(8, row.hash.data(), static_cast<int>(row.hash.size()));
        insert_entry.bind(9, row.lines).run();
      }
      for (const EntryRows::PostingRow& row : rows.postings) {
        insert_posting.bind(1, row.entry_position).bind(2, row.line).bind(3, row.account_id).bind(4, row.amount_minor);
        insert_posting.run();
      }
    }

    // What make_rows set aside, inserted: the postings of older accounts and the pooled
    // accounts' totals, each sorted in its table's order (by account) so that it is appended.
    void insert_set_aside() {
      std::sort(later_postings.begin(), later_postings.end());
      EntryRows rows;
      rows.postings = std::move(later_postings);
      later_postings = {};
      insert(rows);
      sqlite::Statement insert_total = impl.db.prepare(
          "INSERT INTO pooled_totals (account_id, effective_date, operation_id, amount_minor, posting_count) "
          "VALUES (?1, ?2, ?3, ?4, ?5)");
      for (std::size_t account = 0; account < pooled_days.size(); ++account) {
        const PooledDays& days = pooled_days[account];
        for (std::size_t at = 0; at < days.totals.size(); ++at) {
          const PooledTotal& total = days.totals[at];
          if (total.posting_count == 0) continue;
          const std::string date = format_date(date_from_day_number(days.first_day + static_cast<int>(at)));  // bound, not copied
          insert_total.bind(1, static_cast<std::int64_t>(account)).bind(2, date).bind(3, op.id);
          insert_total.bind(4, total.amount_minor).bind(5, total.posting_count).run();
        }
      }
      pooled_days = {};
    }

    // Every entry of the journal from `first` on, written here and now (advances, scheme changes).
    void write_entries(std::span<const Entry> all, std::size_t first) {
      start_entries_at(first);
      insert(make_rows(all, all.size()));
      insert_set_aside();
      end_entries(all.size());
    }
    void end_entries(std::size_t entry_count) {
      op.entry_count = static_cast<std::int64_t>(entry_count);
      op.entries_head = entry_count == 0 ? std::string() : to_hex(previous_entry_hash);
    }

    std::string finish() {
      op.inputs_sha256 = inputs.combined();
      std::string previous_hash;
      {
        sqlite::Statement last = impl.db.prepare("SELECT hash FROM operations WHERE id < ?1 ORDER BY id DESC LIMIT 1");
        last.bind(1, op.id);
        if (last.next()) {
          previous_hash = std::string(last.text(0));
          last.reset();
        }
      }
      op.hash = operation_hash(previous_hash, op);
      sqlite::Statement update = impl.db.prepare(
          "UPDATE operations SET entry_count = ?1, entries_head = ?2, inputs_sha256 = ?3, hash = ?4 WHERE id = ?5");
      update.bind(1, op.entry_count).bind(2, op.entries_head).bind(3, op.inputs_sha256).bind(4, op.hash).bind(5, op.id);
      update.run();
      return op.hash;
    }
  };

  // A second thread that runs the inserts of an import while the engine's thread still derives:
  // jobs run in the order pushed, one at a time, on the one database connection (which no other
  // thread uses meanwhile). At most `max_waiting` jobs wait, so memory stays bounded. The first
  // failure stops it; push() and finish() rethrow it on the caller's thread. stop() (and the
  // destructor) drops what waits and joins, so the caller may roll back.
  class WriterThread {
   public:
    WriterThread() : thread_([this] { run(); }) {}
    WriterThread(const WriterThread&) = delete;
    WriterThread& operator=(const WriterThread&) = delete;
    ~WriterThread() { stop(); }

    void push(std::function<void()> job) {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return jobs_.size() < max_waiting || failure_ || stopping_; });
      if (failure_) std::rethrow_exception(failure_);
      jobs_.push_back(std::move(job));
      ready_.notify_one();
    }
    // Waits until every job has run, ends the thread, rethrows a failure.
    void finish() {
      {
        std::unique_lock lock(mutex_);
        finishing_ = true;
        ready_.notify_one();
      }
      if (thread_.joinable()) thread_.join();
      if (failure_) std::rethrow_exception(failure_);
    }
    void stop() noexcept {
      {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();
        ready_.notify_one();
        room_.notify_all();
      }
      if (thread_.joinable()) thread_.join();
    }

   private:
    static constexpr std::size_t max_waiting = 16;
    void run() {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] { return !jobs_.empty() || finishing_ || stopping_; });
          if (stopping_ || jobs_.empty()) return;  // stopped, or finishing with nothing left
          job = std::move(jobs_.front());
          jobs_.pop_front();
          room_.notify_one();
        }
        try {
          job();
        } catch (...) {
          std::lock_guard lock(mutex_);
          failure_ = std::current_exception();
          jobs_.clear();
          room_.notify_all();
          return;
        }
      }
    }
    std::mutex mutex_;
    std::condition_variable ready_, room_;
    std::deque<std::function<void()>> jobs_;
    std::exception_ptr failure_;
    bool finishing_ = false, stopping_ = false;
    std::thread thread_;  // last: started once the rest is ready
  };

  void write_scheme(Writer& writer, const SchemeText& scheme, const std::optional<SchemeText>& reform) {
    const std::string scheme_sha = sha256_hex(scheme.yaml);
    const std::optional<std::string> reform_sha = reform ? std::optional(sha256_hex(reform->yaml)) : std::nullopt;
    sqlite::Statement insert = db.prepare(
        "INSERT INTO schemes (operation_id, scheme_name, scheme_yaml, scheme_sha256, reform_name, reform_yaml, reform_sha256) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    insert.bind(1, writer.op.id).bind(2, scheme.name).bind(3, scheme.yaml).bind(4, scheme_sha);
    if (reform) {
      insert.bind(5, reform->name).bind(6, reform->yaml).bind(7, *reform_sha);
    } else {
      insert.bind_null(5).bind_null(6).bind_null(7);
    }
    insert.run();
    digest_scheme(writer.inputs.schemes, scheme.name, scheme_sha,
                  reform ? std::optional<std::string_view>(reform->name) : std::nullopt,
                  reform_sha ? std::optional<std::string_view>(*reform_sha) : std::nullopt);
  }

  // A refused learning-account spend is logged in a transaction of its own, after the
  // import's rollback, once per event id and reason: fraud shows up instead of vanishing.
  // The batch's time bank rows the file does not hold yet, each once.
  std::vector<const TimeBankRow*> unstored_timebank_rows(const ImportBatch& batch) {
    std::vector<const TimeBankRow*> rows;
    std::set<std::pair<std::string, std::string>> seen;
    sqlite::Statement exists = db.prepare("SELECT 1 FROM timebanks WHERE bank = ?1 AND from_date = ?2");
    for (const TimeBankRow& row : batch.timebanks) {
      const std::string from = format_date(row.terms.from);
      exists.bind(1, row.bank).bind(2, from);
      const bool known = exists.next();
      exists.reset();
      if (!known && seen.emplace(row.bank, from).second) rows.push_back(&row);
    }
    std::sort(rows.begin(), rows.end(), [](const TimeBankRow* a, const TimeBankRow* b) {  // the order verify reads them in
      return std::pair(a->bank, format_date(a->terms.from)) < std::pair(b->bank, format_date(b->terms.from));
    });
    return rows;
  }
  std::vector<const MemberRow*> unstored_member_rows(const ImportBatch& batch) {
    std::vector<const MemberRow*> rows;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    sqlite::Statement exists = db.prepare("SELECT 1 FROM timebank_members WHERE bank = ?1 AND member = ?2 AND from_date = ?3");
    for (const MemberRow& row : batch.members) {
      const std::string from = format_date(row.terms.from);
      exists.bind(1, row.bank).bind(2, row.member).bind(3, from);
      const bool known = exists.next();
      exists.reset();
      if (!known && seen.emplace(row.bank, row.member, from).second) rows.push_back(&row);
    }
    std::sort(rows.begin(), rows.end(), [](const MemberRow* a, const MemberRow* b) {  // the order verify reads them in
      return std::tuple(a->bank, a->member, format_date(a->terms.from)) <
             std::tuple(b->bank, b->member, format_date(b->terms.from));
    });
    return rows;
  }
  void store_timebank_rows(Writer& writer, const std::vector<const TimeBankRow*>& banks,
                           const std::vector<const MemberRow*>& members) {
    sqlite::Statement insert = db.prepare(
        "INSERT INTO timebanks (bank, from_date, hours_step, credit_limit, operation_id) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const TimeBankRow* row : banks) {
      const std::string from = format_date(row->terms.from), step = row->terms.hours_step.to_string(),
                        limit = row->terms.credit_limit_hours.to_string();
      insert.bind(1, row->bank).bind(2, from).bind(3, step).bind(4, limit).bind(5, writer.op.id).run();
      digest_timebank(writer.inputs, row->bank, from, step, limit);
    }
    sqlite::Statement insert_member = db.prepare(
        "INSERT INTO timebank_members (bank, member, from_date, kind, credit_limit, operation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const MemberRow* row : members) {
      const std::string from = format_date(row->terms.from), limit = optional_hours_text(row->terms.credit_limit_hours);
      const std::string_view kind = to_string(row->terms.kind);
      insert_member.bind(1, row->bank).bind(2, row->member).bind(3, from).bind(4, kind).bind(6, writer.op.id);
      if (row->terms.credit_limit_hours) insert_member.bind(5, limit); else insert_member.bind_null(5);
      insert_member.run();
      digest_member(writer.inputs, row->bank, row->member, from, kind, limit);
    }
  }

  void log_refusal(const ImportBatch& batch, const Refusal& refusal, const Moment& moment) {
    const auto event = std::find_if(batch.events.begin(), batch.events.end(),
                                    [&](const Event& e) { return e.id == refusal.event_id(); });
    if (event == batch.events.end() || event->kind != EventKind::learning_spend) return;
    std::string reason = refusal.what();
    if (const auto at = reason.find(" is refused: "); at != std::string::npos) reason = reason.substr(at + 13);
    sqlite::Transaction transaction(db, true);
    sqlite::Statement insert = db.prepare(
        "INSERT OR IGNORE INTO refusals (event_id, reason, citizen, provider, date, amount, source, recorded_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    const std::string date = format_date(event->date), amount = event->amount.to_string(), recorded = stored_moment(moment);
    insert.bind(1, event->id).bind(2, reason).bind(3, event->citizen).bind(4, event->counterparty).bind(5, date);
    insert.bind(6, amount).bind(7, event->source).bind(8, recorded).run();
    transaction.commit();
  }

  // Ends an operation: its chain hash, the commit, the engine marked as the file's, the anchor.
  void commit(Writer& writer, sqlite::Transaction& transaction, StoredChange& change) {
    change.chain_head = writer.finish();
    transaction.commit();
    change.stored = true;
    loaded_data_version = data_version();
    append_anchor(change.chain_head, writer.op);
  }

  void append_anchor(const std::string& hash, const OperationRow& op) {
    if (path == ":memory:") return;
    const std::string line = hash + " " + op.recorded_at + " " + op.kind + "\n";
    const std::string anchors = path + ".anchors";
    const int fd = ::open(anchors.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    // One write() of a short line with O_APPEND: a crash leaves the line whole or absent.
    if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      if (fd >= 0) ::close(fd);
      throw Error(ErrorCode::environment, "the change is stored, but its chain head could not be appended to " + anchors +
                                              ": add this line by hand: " + line);
    }
    ::fsync(fd);
    ::close(fd);
  }
};

LedgerStore::LedgerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerStore::LedgerStore(LedgerStore&&) noexcept = default;
LedgerStore& LedgerStore::operator=(LedgerStore&&) noexcept = default;
LedgerStore::~LedgerStore() = default;

const std::string& LedgerStore::path() const { return impl_->path; }
std::string LedgerStore::anchors_path() const { return impl_->path == ":memory:" ? std::string() : impl_->path + ".anchors"; }

LedgerStore LedgerStore::create(const std::string& path, SchemeText scheme, std::optional<SchemeText> reform,
                                std::optional<Moment> recorded_at) {
  if (path != ":memory:" && std::filesystem::exists(path)) {
    throw Error(ErrorCode::environment, "the ledger " + path + " already exists: open it, or choose another name");
  }
  if (path != ":memory:" && std::filesystem::exists(path + ".anchors")) {
    throw Error(ErrorCode::environment, path + ".anchors is left from an earlier ledger of that name: move it away first, "
                                               "or verify would fail against its chain heads");
  }
  Scheme parsed = scheme_from(scheme, reform);  // a bad scheme file is refused before a file is made
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = sqlite::Database(path, true);
  impl->configure();
  impl->migrate();
  sqlite::Transaction transaction(impl->db, true);
  Impl::Writer writer(*impl, "create", impl->next_moment(recorded_at), std::nullopt);
  impl->write_scheme(writer, scheme, reform);
  StoredChange created;
  impl->commit(writer, transaction, created);
  impl->engine.emplace(std::move(parsed));
  return LedgerStore(std::move(impl));
}

LedgerStore LedgerStore::open(const std::string& path) {
  if (path != ":memory:" && !std::filesystem::exists(path)) {
    throw Error(ErrorCode::environment, "no ledger at " + path + ": make one with commonweal init");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->db = sqlite::Database(path, false);
  try {
    impl->configure();
    impl->migrate();
  } catch (const Error& error) {
    if (error.code() == ErrorCode::environment && std::string(error.what()).find("newer") != std::string::npos) throw;
    throw Error(ErrorCode::environment, path + " is not a commonweal ledger: " + error.what());
  }
  impl->load_accounts();
  return LedgerStore(std::move(impl));
}

const Engine& LedgerStore::engine() { return impl_->current_engine(); }

Statement LedgerStore::statement(const std::string& citizen, const std::string& tax_year,
                                 std::optional<Moment> as_known_at) {
  return impl_->for_one_citizen(citizen, as_known_at, [&](const Engine& engine, std::optional<Moment> known_at) {
    return make_statement(engine, citizen, tax_year, known_at);
  });
}

BudgetStatement LedgerStore::budget_statement(const std::string& citizen, const std::string& month,
                                              std::optional<Moment> as_known_at) {
  return impl_->for_one_citizen(citizen, as_known_at, [&](const Engine& engine, std::optional<Moment> known_at) {
    return make_budget_statement(engine, citizen, month, known_at);
  });
}

StoredChange LedgerStore::import(const ImportBatch& batch, std::optional<Moment> recorded_at) {
  Impl& impl = *impl_;
  sqlite::Transaction transaction(impl.db, true);
  Engine& engine = impl.current_engine();
  const Moment moment = impl.next_moment(recorded_at);

  // What is new, judged before the engine learns it.
  std::map<std::string, std::optional<Citizen>> citizens_before;
  for (const CitizenRow& row : batch.citizens) {
    const Citizen* known = engine.find_citizen(row.citizen.id);
    citizens_before.emplace(row.citizen.id, known ? std::optional(*known) : std::nullopt);
  }
  const std::size_t first_entry = engine.journal().entry_count();

  StoredChange change;
  change.recorded_at = moment;
  // The entries are written while the engine still derives: each part it posts is made into rows
  // here (the chain, lines, account ids) and inserted by a second thread, all in this transaction.
  Impl::Writer writer(impl, "import", moment, std::nullopt);
  writer.start_entries_at(first_entry);
  Impl::WriterThread background;
  const auto hand_over_entries_to = [&](std::size_t end) {
    auto rows = std::make_shared<Impl::EntryRows>(writer.make_rows(engine.journal().entries(), end));
    background.push([&writer, rows] { writer.insert(*rows); });
  };
  // The observers name this frame's locals: they go before anything else does (the engine may be reset below).
  struct StopObserving {
    Engine* engine;
    void now() {
      if (engine == nullptr) return;
      engine->observe_posting({});
      engine->observe_events({});
      engine = nullptr;
    }
    ~StopObserving() { now(); }
  } stop_observing{&engine};
  engine.observe_posting([&](std::size_t, std::size_t end) { hand_over_entries_to(end); });
  // The events' rows, copied out once the engine has checked and numbered them, go first.
  bool any_new_event = false;
  engine.observe_events([&](std::span<const Event* const> new_events) {
    any_new_event = !new_events.empty();
    std::vector<const Event*> events(new_events.begin(), new_events.end());
    std::sort(events.begin(), events.end(), [](const Event* a, const Event* b) { return a->sequence < b->sequence; });
    auto rows = std::make_shared<EventRows>();
    rows->reserve(events.size());
    for (const Event* event : events) {
      rows->add(static_cast<std::int64_t>(event->sequence), *event);
      rows->digest(writer.inputs.events, rows->size() - 1);
    }
    background.push([&impl, &writer, rows] {
      sqlite::Statement insert = impl.db.prepare(
          "INSERT INTO events (sequence, id, operation_id, date, citizen, kind, code, amount, counterparty, corrects, source) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
      for (std::size_t row = 0; row < rows->size(); ++row) {
        insert.bind(1, rows->sequence(row)).bind(2, rows->text(row, 0)).bind(3, writer.op.id);
        for (int k = 1; k < EventRows::text_count; ++k) insert.bind(k + 3, rows->text(row, k));  // date ... source: ?4 ... ?11
        insert.run();
      }
    });
  });
  try {
    change.summary = engine.import(batch, moment);
  } catch (const Refusal& refusal) {
    stop_observing.now();
    background.stop();
    impl.engine.reset();  // the engine is unchanged, but be certain: reload from the file next time
    transaction.rollback();
    try {
      impl.log_refusal(batch, refusal, moment);
    } catch (const Error& error) {
      throw Error(ErrorCode::environment, std::string(refusal.what()) + "\n(and the refusal could not be logged: " +
                                              error.what() + ")");
    }
    throw;
  } catch (...) {
    stop_observing.now();
    background.stop();
    impl.engine.reset();
    throw;
  }
  stop_observing.now();
  try {
    if (writer.next_entry_index < engine.journal().entry_count()) hand_over_entries_to(engine.journal().entry_count());
    background.push([&writer] { writer.insert_set_aside(); });
    background.finish();

    std::vector<std::pair<std::string, Citizen>> changed_citizens;
    for (const auto& [id, before] : citizens_before) {
      const Citizen& now = *engine.find_citizen(id);
      if (!before || before->death_date != now.death_date || before->region != now.region) changed_citizens.emplace_back(id, now);
    }
    std::vector<ProviderRow> new_providers;
    {
      std::set<std::pair<std::string, int>> written;
      sqlite::Statement exists = impl.db.prepare("SELECT 1 FROM providers WHERE provider = ?1 AND accredited_from = ?2");
      for (const ProviderRow& row : batch.providers) {
        const std::string from = format_date(row.range.from);
        exists.bind(1, row.provider).bind(2, from);
        const bool known = exists.next();
        exists.reset();
        if (!known && written.emplace(row.provider, day_number(row.range.from)).second) new_providers.push_back(row);
      }
      std::sort(new_providers.begin(), new_providers.end(), [](const ProviderRow& a, const ProviderRow& b) {
        return std::pair(a.provider, day_number(a.range.from)) < std::pair(b.provider, day_number(b.range.from));
      });
    }
    const std::vector<const TimeBankRow*> new_timebanks = impl.unstored_timebank_rows(batch);
    const std::vector<const MemberRow*> new_members = impl.unstored_member_rows(batch);
    const bool anything = !changed_citizens.empty() || any_new_event || !new_providers.empty() ||
                          !new_timebanks.empty() || !new_members.empty() || engine.journal().entry_count() != first_entry;
    if (!anything) {
      transaction.rollback();  // only the operation's own row was written
      change.chain_head = chain_head();
      return change;  // a repeated import: nothing to store
    }
    {
      sqlite::Statement insert = impl.db.prepare(
          "INSERT INTO citizen_records (citizen, operation_id, birth_date, death_date, region) VALUES (?1, ?2, ?3, ?4, ?5)");
      for (const auto& [id, citizen] : changed_citizens) {
        const std::string birth = format_date(citizen.birth_date);
        const std::string death = citizen.death_date ? format_date(*citizen.death_date) : std::string();
        insert.bind(1, id).bind(2, writer.op.id).bind(3, birth).bind(5, citizen.region);
        if (citizen.death_date) insert.bind(4, death); else insert.bind_null(4);
        insert.run();
        digest_citizen(writer.inputs.citizens, id, birth, death, citizen.region);
      }
    }
    {
      sqlite::Statement insert = impl.db.prepare(
          "INSERT INTO providers (provider, accredited_from, accredited_to, operation_id) VALUES (?1, ?2, ?3, ?4)");
      for (const ProviderRow& row : new_providers) {
        const std::string from = format_date(row.range.from);
        const std::string to = row.range.to ? format_date(*row.range.to) : std::string();
        insert.bind(1, row.provider).bind(2, from).bind(4, writer.op.id);
        if (row.range.to) insert.bind(3, to); else insert.bind_null(3);
        insert.run();
        digest_provider(writer.inputs.providers, row.provider, from, to);
      }
    }
    impl.store_timebank_rows(writer, new_timebanks, new_members);
    writer.end_entries(engine.journal().entry_count());
    impl.commit(writer, transaction, change);
  } catch (...) {
    background.stop();
    impl.engine.reset();  // the engine ran ahead of the file: reload it next time
    throw;
  }
  return change;
}

StoredChange LedgerStore::advance(const Date& to, std::optional<Moment> recorded_at) {
  Impl& impl = *impl_;
  sqlite::Transaction transaction(impl.db, true);
  Engine& engine = impl.current_engine();
  const Moment moment = impl.next_moment(recorded_at);
  const std::size_t first_entry = engine.journal().entry_count();
  StoredChange change;
  change.recorded_at = moment;
  try {
    change.summary = engine.advance(to, moment);
    Impl::Writer writer(impl, "advance", moment, to);
    writer.write_entries(engine.journal().entries(), first_entry);
    impl.commit(writer, transaction, change);
  } catch (...) {
    impl.engine.reset();
    throw;
  }
  return change;
}

StoredChange LedgerStore::set_scheme(std::optional<SchemeText> scheme, std::optional<std::optional<SchemeText>> reform,
                                     std::optional<Moment> recorded_at) {
  Impl& impl = *impl_;
  sqlite::Transaction transaction(impl.db, true);
  Engine& engine = impl.current_engine();
  auto [current_scheme, current_reform] = impl.current_scheme_texts();
  SchemeText next_scheme = scheme ? std::move(*scheme) : std::move(current_scheme);
  std::optional<SchemeText> next_reform = reform ? std::move(*reform) : std::move(current_reform);
  Scheme parsed = scheme_from(next_scheme, next_reform);
  const Moment moment = impl.next_moment(recorded_at);
  const std::size_t first_entry = engine.journal().entry_count();
  StoredChange change;
  change.recorded_at = moment;
  try {
    change.summary = engine.restate(std::move(parsed), moment);
    Impl::Writer writer(impl, "scheme", moment, std::nullopt);
    impl.write_scheme(writer, next_scheme, next_reform);
    writer.write_entries(engine.journal().entries(), first_entry);
    impl.commit(writer, transaction, change);
  } catch (...) {
    impl.engine.reset();
    throw;
  }
  return change;
}

SchemeInfo LedgerStore::scheme_info() {
  sqlite::Statement row = impl_->db.prepare(
      "SELECT s.scheme_name, s.scheme_sha256, s.reform_name, s.reform_sha256, o.recorded_at "
      "FROM schemes s JOIN operations o ON o.id = s.operation_id ORDER BY s.operation_id DESC LIMIT 1");
  if (!row.next()) throw Error(ErrorCode::invalid_input, "the ledger " + impl_->path + " holds no scheme");
  SchemeInfo info{std::string(row.text(0)), std::string(row.text(1)), std::nullopt, std::nullopt, parse_moment(row.text(4))};
  if (!row.is_null(2)) {
    info.reform_name = std::string(row.text(2));
    info.reform_sha256 = std::string(row.text(3));
  }
  row.reset();
  return info;
}

std::vector<RefusedSpend> LedgerStore::refusals() {
  std::vector<RefusedSpend> rows;
  sqlite::Statement row = impl_->db.prepare(
      "SELECT event_id, citizen, provider, date, amount, reason, source, recorded_at FROM refusals "
      "ORDER BY provider, date, event_id, reason");
  while (row.next()) {
    rows.push_back({std::string(row.text(0)), std::string(row.text(1)), std::string(row.text(2)), parse_date(row.text(3)),
                    Decimal::parse(row.text(4)), std::string(row.text(5)), std::string(row.text(6)),
                    parse_moment(row.text(7))});
  }
  return rows;
}

std::string LedgerStore::chain_head() {
  sqlite::Statement row = impl_->db.prepare("SELECT hash FROM operations ORDER BY id DESC LIMIT 1");
  if (!row.next()) return {};
  std::string head(row.text(0));
  row.reset();
  return head;
}

Decimal LedgerStore::balance(const std::string& account, std::optional<Date> as_of, std::optional<Moment> as_known_at) {
  Impl& impl = *impl_;
  sqlite::Transaction snapshot(impl.db, false);
  sqlite::Statement found = impl.db.prepare("SELECT id, unit, pooled FROM accounts WHERE name = ?1");
  found.bind(1, account);
  if (!found.next()) throw Error(ErrorCode::not_found, "no account named " + account);
  const std::int64_t account_id = found.integer(0);
  const Unit unit = Unit::parse(found.text(1));
  const bool pooled = found.integer(2) != 0;
  found.reset();
  std::int64_t last_operation = INT64_MAX;
  if (as_known_at) {
    sqlite::Statement known = impl.db.prepare("SELECT coalesce(max(id), 0) FROM operations WHERE recorded_at <= ?1");
    const std::string moment = stored_moment(*as_known_at);
    known.bind(1, moment);
    known.next();
    last_operation = known.integer(0);
    known.reset();
  }
  const std::string through = as_of ? format_date(*as_of) : std::string("9999-12-31");
  // A pooled account's postings are summed by day and operation already (pooled_totals).
  sqlite::Statement postings = impl.db.prepare(
      pooled ? "SELECT amount_minor FROM pooled_totals WHERE account_id = ?1 AND effective_date <= ?2 AND operation_id <= ?3"
             : "SELECT p.amount_minor FROM postings p JOIN entries e ON e.position = p.entry_position "
               "WHERE p.account_id = ?1 AND e.effective_date <= ?2 AND e.operation_id <= ?3");
  postings.bind(1, account_id).bind(2, through).bind(3, last_operation);
  Decimal::coefficient_type sum = 0;
  while (postings.next()) {
    if (__builtin_add_overflow(sum, static_cast<Decimal::coefficient_type>(postings.integer(0)), &sum)) {
      throw Error(ErrorCode::overflow, "the balance of " + account + " overflows");
    }
  }
  snapshot.commit();
  return Decimal::from_coefficient(sum, unit.scale());
}

namespace {

struct PostingRow {
  std::int64_t position;
  std::int32_t line;
  std::uint32_t account;  // index into JournalTable::account_*
  std::int64_t amount_minor;
};

// The accounts the filter keeps, into table; their ids map to their index.
std::unordered_map<std::int64_t, std::uint32_t> read_table_accounts(sqlite::Database& db, const JournalFilter& filter,
                                                                    JournalTable& table) {
  std::unordered_map<std::int64_t, std::uint32_t> index;
  const std::string prefix = filter.citizen ? "citizen:" + *filter.citizen + ":" : std::string();
  sqlite::Statement row = db.prepare("SELECT id, name, unit FROM accounts ORDER BY id");
  while (row.next()) {
    const std::string_view name = row.text(1);
    if (filter.citizen && name.substr(0, prefix.size()) != prefix) continue;
    if (filter.account && name != *filter.account) continue;
    index.emplace(row.integer(0), static_cast<std::uint32_t>(table.account_name.size()));
    table.account_name.emplace_back(name);
    table.account_unit.emplace_back(row.text(2));
    table.account_scale.push_back(Unit::parse(row.text(2)).scale());
  }
  return index;
}

// The wanted accounts' postings, in journal order. From the postings table when none of the
// accounts is pooled (a citizen's, a provider's: their rows are found by their key); else from
// every entry's `lines`, the only place a pooled account's single postings are kept.
std::vector<PostingRow> read_table_postings(sqlite::Database& db, bool every_account,
                                            const std::unordered_map<std::int64_t, std::uint32_t>& accounts) {
  std::vector<PostingRow> rows;
  bool any_pooled = every_account;
  {
    sqlite::Statement pooled = db.prepare("SELECT id FROM accounts WHERE pooled = 1");
    while (pooled.next() && !any_pooled) any_pooled = accounts.count(pooled.integer(0)) != 0;
  }
  if (any_pooled) {
    if (every_account) rows.reserve(static_cast<std::size_t>(db.single_integer("SELECT count(*) FROM entries")) * 4);
    sqlite::Statement row = db.prepare("SELECT position, id, lines FROM entries ORDER BY position");
    std::vector<StoredLine> lines;
    while (row.next()) {
      lines.clear();
      parse_lines(row.text(2), row.text(1), lines);
      for (std::size_t line = 0; line < lines.size(); ++line) {
        const auto account = accounts.find(lines[line].account_id);
        if (account == accounts.end()) {
          if (every_account) throw Error(ErrorCode::invalid_input, "a posting of entry " + std::to_string(row.integer(0)) + " names a missing account");
          continue;
        }
        rows.push_back({row.integer(0), static_cast<std::int32_t>(line + 1), account->second, lines[line].amount_minor});
      }
    }
    return rows;
  }
  sqlite::Statement row = db.prepare("SELECT entry_position, line, amount_minor FROM postings WHERE account_id = ?1");
  for (const auto& [id, index] : accounts) {
    row.bind(1, id);
    while (row.next()) rows.push_back({row.integer(0), static_cast<std::int32_t>(row.integer(1)), index, row.integer(2)});
    row.reset();
  }
  std::sort(rows.begin(), rows.end(), [](const PostingRow& a, const PostingRow& b) {
    return a.position != b.position ? a.position < b.position : a.line < b.line;
  });
  return rows;
}

// One entry's columns from a row of (position, id, operation_id, effective_date, code, memo, reverses).
void add_table_entry(sqlite::Statement& row, const std::unordered_map<std::int64_t, std::uint32_t>& operations,
                     JournalTable& table) {
  table.entry_position.push_back(row.integer(0));
  table.entry_id.emplace_back(row.text(1));
  table.entry_operation.push_back(operations.at(row.integer(2)));
  table.entry_effective_day.push_back(day_number(parse_date(row.text(3))));
  table.entry_code.emplace_back(row.text(4));
  table.entry_memo.emplace_back(row.text(5));
  table.entry_reverses.emplace_back(row.text(6));
}

// The entries of the rows (sorted by position), each once, and each row's entry index.
void read_table_entries(sqlite::Database& db, bool every_entry, const std::vector<PostingRow>& rows, JournalTable& table) {
  std::unordered_map<std::int64_t, std::uint32_t> operations;
  sqlite::Statement operation = db.prepare("SELECT id, recorded_at FROM operations ORDER BY id");
  while (operation.next()) {
    operations.emplace(operation.integer(0), static_cast<std::uint32_t>(table.operation_recorded_micros.size()));
    const Moment moment = parse_moment(operation.text(1));
    table.operation_recorded_micros.push_back(moment.time_since_epoch().count());
  }
  const char* columns = "SELECT position, id, operation_id, effective_date, code, memo, reverses FROM entries ";
  if (every_entry) {
    sqlite::Statement row = db.prepare(std::string(columns) + "ORDER BY position");
    table.entry_position.reserve(static_cast<std::size_t>(db.single_integer("SELECT count(*) FROM entries")));
    while (row.next()) add_table_entry(row, operations, table);
  } else {
    sqlite::Statement row = db.prepare(std::string(columns) + "WHERE position = ?1");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0 && rows[i].position == rows[i - 1].position) continue;
      row.bind(1, rows[i].position);
      if (!row.next()) throw Error(ErrorCode::invalid_input, "a posting names a missing entry " + std::to_string(rows[i].position));
      add_table_entry(row, operations, table);
      row.reset();
    }
  }
  std::uint32_t entry = 0;
  table.row_entry.reserve(rows.size());
  for (const PostingRow& posting : rows) {
    while (entry < table.entry_position.size() && table.entry_position[entry] < posting.position) ++entry;
    if (entry == table.entry_position.size() || table.entry_position[entry] != posting.position) {
      throw Error(ErrorCode::invalid_input, "a posting names a missing entry " + std::to_string(posting.position));
    }
    table.row_entry.push_back(entry);
  }
}

}  // namespace

JournalTable LedgerStore::journal_table(const JournalFilter& filter) {
  Impl& impl = *impl_;
  sqlite::Transaction snapshot(impl.db, false);
  if (filter.citizen) {
    sqlite::Statement known = impl.db.prepare("SELECT 1 FROM citizen_records WHERE citizen = ?1 LIMIT 1");
    known.bind(1, *filter.citizen);
    if (!known.next()) throw Error(ErrorCode::not_found, "unknown citizen " + *filter.citizen);
    known.reset();
  }
  JournalTable table;
  const auto accounts = read_table_accounts(impl.db, filter, table);
  if (filter.account && accounts.empty()) throw Error(ErrorCode::not_found, "no account named " + *filter.account);
  const bool everything = !filter.citizen && !filter.account;
  const std::vector<PostingRow> rows = read_table_postings(impl.db, everything, accounts);
  read_table_entries(impl.db, everything, rows, table);
  table.row_account.reserve(rows.size());
  table.row_line.reserve(rows.size());
  table.row_amount_minor.reserve(rows.size());
  for (const PostingRow& row : rows) {
    table.row_account.push_back(row.account);
    table.row_line.push_back(row.line);
    table.row_amount_minor.push_back(row.amount_minor);
  }
  snapshot.commit();
  return table;
}

VerifyReport LedgerStore::verify(const std::optional<std::string>& anchor) {
  Impl& impl = *impl_;
  VerifyReport report;
  std::vector<std::string>& problems = report.problems;
  sqlite::Transaction snapshot(impl.db, false);
  {
    sqlite::Statement check = impl.db.prepare("PRAGMA quick_check");
    while (check.next()) {
      if (check.text(0) != "ok") problems.push_back("SQLite finds the file damaged: " + std::string(check.text(0)));
    }
    sqlite::Statement keys = impl.db.prepare("PRAGMA foreign_key_check");
    while (keys.next()) {
      problems.push_back("table " + std::string(keys.text(0)) + " row " + std::to_string(keys.integer(1)) +
                         " refers to a missing row of " + std::string(keys.text(2)));
    }
  }
  for (const char* table : {"entries", "events"}) {
    sqlite::Statement duplicates =
        impl.db.prepare(std::string("SELECT id, count(*) FROM ") + table + " GROUP BY id HAVING count(*) > 1 LIMIT 10");
    while (duplicates.next()) {
      problems.push_back(std::string(table) + " holds id " + std::string(duplicates.text(0)) + " " +
                         std::to_string(duplicates.integer(1)) + " times");
    }
  }
  std::optional<Impl::Loaded> loaded;
  try {
    loaded = impl.read_everything();
  } catch (const Error& error) {
    problems.push_back(std::string("the ledger cannot be read back: ") + error.what());
  }
  if (!loaded) return report;
  const std::vector<OperationRow>& operations = loaded->operations;

  // 1. The entry chain, and each operation's place in it.
  std::vector<std::string> head_after;  // head_after[n]: the chain head after n entries
  head_after.reserve(loaded->record.entries.size() + 1);
  head_after.emplace_back();
  {
    std::unordered_map<std::int64_t, std::string> recorded;
    for (const OperationRow& op : operations) recorded.emplace(op.id, op.recorded_at);
    sqlite::Statement hashes = impl.db.prepare("SELECT hash FROM entries ORDER BY position");
    Sha256 sha;
    Digest previous{};
    std::size_t reported = 0;
    for (std::size_t index = 0; index < loaded->record.entries.size(); ++index) {
      const Entry& entry = loaded->record.entries[index];
      const auto op = recorded.find(loaded->entry_operation[index]);
      const Digest expected = entry_digest(sha, previous, static_cast<std::int64_t>(index + 1), entry,
                                           op == recorded.end() ? std::string() : op->second);
      hashes.next();
      const std::string_view stored = hashes.blob(0);
      if (stored.size() != expected.size() || std::memcmp(stored.data(), expected.data(), expected.size()) != 0) {
        if (reported++ < 10) {
          problems.push_back("entry " + std::to_string(index + 1) + " (" + entry.id +
                             ") does not match its chained hash: it, its postings or an entry before it was changed, "
                             "inserted or deleted");
        }
      }
      previous = expected;
      head_after.push_back(to_hex(expected));
      ++report.entries_checked;
    }
    hashes.reset();
  }
  // 1b. The postings again by account (what balances and one citizen's statements read): a
  // postings row for each posting of an account that is not pooled, and the pooled accounts'
  // totals by day and operation, as the entries' `lines` (hashed above) give them.
  {
    impl.load_accounts();
    std::unordered_map<std::int64_t, std::string> account_name;
    sqlite::Statement account_rows = impl.db.prepare("SELECT id, name, pooled FROM accounts ORDER BY id");
    while (account_rows.next()) {
      const std::string name(account_rows.text(1));
      const bool marked = account_rows.integer(2) != 0;
      if (marked != is_pooled_account(name)) {
        problems.push_back("account " + name + " is marked " + (marked ? "pooled" : "not pooled") +
                           ", which it is not: its balance would be read from the wrong table");
      }
      account_name.emplace(account_rows.integer(0), name);
    }
    using Row = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>;  // position, line, account, minor
    using TotalKey = std::tuple<std::int64_t, std::string, std::int64_t>;               // account, date, operation
    std::vector<Row> expected, stored;
    std::map<TotalKey, std::pair<std::int64_t, std::int64_t>> expected_totals;            // minor, postings
    std::set<TotalKey> overflowing;
    for (std::size_t index = 0; index < loaded->record.entries.size(); ++index) {
      const Entry& entry = loaded->record.entries[index];
      const auto position = static_cast<std::int64_t>(index + 1);
      for (std::size_t line = 0; line < entry.postings.size(); ++line) {
        const Posting& posting = entry.postings[line];
        const auto id = impl.account_ids.find(posting.account);
        const std::int64_t account = id == impl.account_ids.end() ? -1 : id->second, minor = to_minor(posting.amount);
        if (!impl.pooled(account)) {
          expected.emplace_back(position, static_cast<std::int64_t>(line + 1), account, minor);
          continue;
        }
        const TotalKey key{account, format_date(entry.effective_date), loaded->entry_operation[index]};
        auto& [sum, count] = expected_totals[key];
        if (__builtin_add_overflow(sum, minor, &sum)) overflowing.insert(key);
        ++count;
      }
    }
    sqlite::Statement posting_rows = impl.db.prepare("SELECT entry_position, line, account_id, amount_minor FROM postings");
    while (posting_rows.next()) {
      stored.emplace_back(posting_rows.integer(0), posting_rows.integer(1), posting_rows.integer(2), posting_rows.integer(3));
    }
    std::sort(stored.begin(), stored.end());
    std::size_t reported = 0;
    for (std::size_t e = 0, s = 0; (e < expected.size() || s < stored.size()) && reported < 10;) {
      // The rows of the next entry either side names, compared whole.
      const std::int64_t position = std::min(e < expected.size() ? std::get<0>(expected[e]) : INT64_MAX,
                                             s < stored.size() ? std::get<0>(stored[s]) : INT64_MAX);
      const std::size_t e_begin = e, s_begin = s;
      while (e < expected.size() && std::get<0>(expected[e]) == position) ++e;
      while (s < stored.size() && std::get<0>(stored[s]) == position) ++s;
      if (std::equal(expected.begin() + e_begin, expected.begin() + e, stored.begin() + s_begin, stored.begin() + s)) continue;
      ++reported;
      if (position < 1 || position > static_cast<std::int64_t>(loaded->record.entries.size())) {
        problems.push_back("the postings table holds a row of entry " + std::to_string(position) + ", which does not exist");
      } else {
        problems.push_back("entry " + std::to_string(position) + " (" + loaded->record.entries[position - 1].id +
                           ") keeps other postings in its lines column than in the postings table");
      }
    }
    const auto total_text = [](std::int64_t minor, std::int64_t count) {
      return std::to_string(minor) + " minor units in " + std::to_string(count) + " postings";
    };
    sqlite::Statement total_rows = impl.db.prepare(
        "SELECT account_id, effective_date, operation_id, amount_minor, posting_count FROM pooled_totals");
    reported = 0;
    const auto report_total = [&](const TotalKey& key, const std::string& stored_text, const std::string& lines_text) {
      if (reported++ >= 10) return;
      const auto name = account_name.find(std::get<0>(key));
      problems.push_back("the pooled total of " + (name == account_name.end() ? "a missing account" : name->second) +
                         " on " + std::get<1>(key) + " in operation " + std::to_string(std::get<2>(key)) + " is " +
                         stored_text + ", but the entries' lines give " + lines_text);
    };
    while (total_rows.next()) {
      const TotalKey key{total_rows.integer(0), std::string(total_rows.text(1)), total_rows.integer(2)};
      const std::int64_t minor = total_rows.integer(3), count = total_rows.integer(4);
      const auto found = expected_totals.find(key);
      if (found == expected_totals.end()) {
        report_total(key, total_text(minor, count), "none");
        continue;
      }
      if (overflowing.count(key) != 0) {
        report_total(key, total_text(minor, count), "more than 64-bit minor units hold");
      } else if (found->second != std::pair(minor, count)) {
        report_total(key, total_text(minor, count), total_text(found->second.first, found->second.second));
      }
      expected_totals.erase(found);
    }
    for (const auto& [key, total] : expected_totals) report_total(key, "missing", total_text(total.first, total.second));
  }
  // 2. Each operation's inputs and its own chain.
  std::map<std::int64_t, InputDigests> inputs;
  for (const OperationRow& op : operations) inputs[op.id];
  const auto digests_of = [&](std::int64_t operation) -> InputDigests* {
    const auto found = inputs.find(operation);
    if (found == inputs.end()) {
      problems.push_back("a row names operation " + std::to_string(operation) + ", which does not exist");
      return nullptr;
    }
    return &found->second;
  };
  {
    sqlite::Statement rows = impl.db.prepare(
        "SELECT operation_id, scheme_name, scheme_yaml, scheme_sha256, reform_name, reform_yaml, reform_sha256 FROM schemes ORDER BY operation_id");
    while (rows.next()) {
      if (InputDigests* digests = digests_of(rows.integer(0))) {
        const std::string scheme_sha = sha256_hex(rows.text(2));
        if (scheme_sha != rows.text(3)) problems.push_back("the scheme text of operation " + std::to_string(rows.integer(0)) + " does not match its SHA-256");
        std::optional<std::string> reform_sha;
        if (!rows.is_null(4)) {
          reform_sha = sha256_hex(rows.text(5));
          if (*reform_sha != rows.text(6)) problems.push_back("the reform text of operation " + std::to_string(rows.integer(0)) + " does not match its SHA-256");
        }
        const std::string name(rows.text(1)), reform_name(rows.text(4));
        digest_scheme(digests->schemes, name, scheme_sha, rows.is_null(4) ? std::nullopt : std::optional<std::string_view>(reform_name),
                      reform_sha ? std::optional<std::string_view>(*reform_sha) : std::nullopt);
      }
    }
    sqlite::Statement citizens = impl.db.prepare(
        "SELECT operation_id, citizen, birth_date, coalesce(death_date, ''), region FROM citizen_records ORDER BY operation_id, citizen");
    while (citizens.next()) {
      if (InputDigests* digests = digests_of(citizens.integer(0))) {
        digest_citizen(digests->citizens, citizens.text(1), citizens.text(2), citizens.text(3), citizens.text(4));
      }
    }
    sqlite::Statement providers = impl.db.prepare(
        "SELECT operation_id, provider, accredited_from, coalesce(accredited_to, '') FROM providers ORDER BY operation_id, provider, accredited_from");
    while (providers.next()) {
      if (InputDigests* digests = digests_of(providers.integer(0))) {
        digest_provider(digests->providers, providers.text(1), providers.text(2), providers.text(3));
      }
    }
    sqlite::Statement banks = impl.db.prepare(
        "SELECT operation_id, bank, from_date, hours_step, credit_limit FROM timebanks ORDER BY operation_id, bank, from_date");
    while (banks.next()) {
      if (InputDigests* digests = digests_of(banks.integer(0))) {
        digest_timebank(*digests, banks.text(1), banks.text(2), banks.text(3), banks.text(4));
      }
    }
    sqlite::Statement members = impl.db.prepare(
        "SELECT operation_id, bank, member, from_date, kind, coalesce(credit_limit, '') FROM timebank_members ORDER BY operation_id, bank, member, from_date");
    while (members.next()) {
      if (InputDigests* digests = digests_of(members.integer(0))) {
        digest_member(*digests, members.text(1), members.text(2), members.text(3), members.text(4), members.text(5));
      }
    }
    sqlite::Statement events = impl.db.prepare("SELECT operation_id FROM events ORDER BY sequence");
    std::size_t index = 0;
    while (events.next()) {
      const Event& event = loaded->record.events[index++];
      if (InputDigests* digests = digests_of(events.integer(0))) {
        digest_event(digests->events, static_cast<std::int64_t>(event.sequence), event);
      }
    }
  }
  std::set<std::string> heads;
  std::string previous_hash;
  for (const OperationRow& op : operations) {
    ++report.operations_checked;
    const std::string name = "operation " + std::to_string(op.id) + " (" + op.kind + " at " + op.recorded_at + ")";
    if (inputs.at(op.id).combined() != op.inputs_sha256) {
      problems.push_back(name + ": the citizens, events, providers, time banks or scheme it stored were changed since");
    }
    if (op.entry_count < 0 || static_cast<std::size_t>(op.entry_count) >= head_after.size()) {
      problems.push_back(name + ": it left " + std::to_string(op.entry_count) + " entries, but only " +
                         std::to_string(head_after.size() - 1) + " are there: entries were cut off the end");
    } else if (head_after[static_cast<std::size_t>(op.entry_count)] != op.entries_head) {
      problems.push_back(name + ": the entries up to it are not the ones it chained");
    }
    const std::string expected = operation_hash(previous_hash, op);
    if (expected != op.hash) problems.push_back(name + ": its hash does not match: it or an operation before it was changed");
    previous_hash = op.hash;
    heads.insert(op.hash);
  }
  report.chain_head = previous_hash;
  if (!operations.empty() && static_cast<std::size_t>(operations.back().entry_count) + 1 != head_after.size()) {
    problems.push_back("there are " + std::to_string(head_after.size() - 1) + " entries, but the last operation left " +
                       std::to_string(operations.back().entry_count) + ": entries were added outside commonweal");
  }
  // 3. The recorded heads are all still reached.
  std::vector<std::string> anchors;
  if (anchor) anchors.push_back(*anchor);
  if (!anchors_path().empty() && std::filesystem::exists(anchors_path())) {
    std::ifstream in(anchors_path());
    std::string line;
    while (std::getline(in, line)) {
      const std::string hash = line.substr(0, line.find(' '));
      if (!hash.empty()) anchors.push_back(hash);
    }
  }
  for (const std::string& hash : anchors) {
    ++report.anchors_checked;
    if (heads.count(hash) == 0) {
      problems.push_back("the recorded chain head " + hash + " is no longer reached: operations or entries were removed or rewritten");
    }
  }
  // 4. The journal's invariants, and that it is what the rules say.
  if (problems.empty()) {
    try {
      auto [scheme, reform] = impl.current_scheme_texts();
      Engine engine = Engine::restore(scheme_from(scheme, reform), std::move(loaded->record));
      for (const std::string& problem : engine.journal().check_invariants()) problems.push_back(problem);
      const Moment later = engine.last_recorded_at().value_or(Moment()) + std::chrono::microseconds(1);
      Scheme same = engine.scheme();
      const ChangeSummary restated = engine.restate(std::move(same), later);
      if (restated.entries_posted != 0) {
        problems.push_back(std::to_string(restated.entries_posted) +
                           " entries differ from what the scheme's rules give for the stored events");
      }
    } catch (const Error& error) {
      problems.push_back(std::string("the stored ledger breaks a rule: ") + error.what());
    }
  }
  snapshot.commit();
  return report;
}

}  // namespace commonweal

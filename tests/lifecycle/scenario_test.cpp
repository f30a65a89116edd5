// Scenario tests, in the style of ledger-cli's regression tests: each file
// in tests/scenarios/ holds a few lines of CSV and the statement figures that
// must come out, side by side. The format:
//
//   # what the scenario shows
//   scheme examples/schemes/cswa-reference.yaml      (optional; this is the default)
//   reform tests/scenarios/some-reform.yaml          (optional)
//   import 2026-01-31T09:00:00Z                      (the recorded moment)
//   --- citizens.csv
//   citizen,birth_date
//   C1,1990-06-01
//   --- events.csv
//   id,date,citizen,kind,code,amount
//   ---
//   advance 2025-04-05 at 2025-04-06T00:00:00Z
//   statement C1 2024-25 [as-known-at 2026-01-01]
//   social_account.closing_balance 0.60
//   end
//   error                                            (the step before must fail with exactly this)
//   events.csv:2: amount: ...
//   end
//   balance citizen:C1:learning 500.00               (an account's balance now; "absent": never opened)
//   --- timebanks.csv / --- members.csv               (named time banks, in an import block)
//   timebank north M1 2024-01-01 2024-12-31 [as-known-at 2026-01-01]
//   given 2.00                                       (a time bank statement's fields, as in its JSON)
//   end
//
// In a statement block, scalar fields are checked when listed; the maps
// (contributions, taxes_paid, ...) are checked whole: a code the statement
// shows but the block does not list is a failure too. So is the history
// (history.2024-25.closing_balance, ...) when the block lists any of it.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/statement.hpp"
#include "commonweal/statement/timebank_statement.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

namespace {

const std::filesystem::path source_dir = COMMONWEAL_SOURCE_DIR;

const std::set<std::string> map_families = {
    "social_account.contributions", "social_account.benefits_charged", "social_account.copayments",
    "taxes_paid",                   "benefits_not_charged",            "service_use"};

std::string family_of(const std::string& field) {
  for (const std::string& family : map_families) {
    if (field.rfind(family + ".", 0) == 0) return family;
  }
  return "";
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

class ScenarioRun {
 public:
  explicit ScenarioRun(const std::filesystem::path& path) : name_(path.filename().string()) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) lines_.push_back(line);
  }

  void run() {
    std::string scheme_path = "examples/schemes/cswa-reference.yaml";
    std::string reform_path;
    while (next_meaningful()) {
      const std::vector<std::string> words = split_words(lines_[at_]);
      const std::string& verb = words[0];
      if (verb == "scheme") {
        scheme_path = words.at(1);
        ++at_;
      } else if (verb == "reform") {
        reform_path = words.at(1);
        ++at_;
      } else {
        if (!engine_) engine_.emplace(load_scheme(scheme_path, reform_path));
        step(words);
      }
    }
  }

 private:
  bool next_meaningful() {
    while (at_ < lines_.size() && (lines_[at_].empty() || lines_[at_][0] == '#')) ++at_;
    return at_ < lines_.size();
  }

  static Scheme load_scheme(const std::string& scheme_path, const std::string& reform_path) {
    ParameterSet parameters = load_parameter_file(source_dir / scheme_path);
    if (!reform_path.empty()) parameters = parameters.with_reform(load_parameter_file(source_dir / reform_path, "reform"));
    return Scheme::reference(std::move(parameters));
  }

  void step(const std::vector<std::string>& words) {
    const std::size_t line_number = at_ + 1;
    CAPTURE(name_);
    CAPTURE(line_number);
    const std::string& verb = words[0];
    if (verb == "import") {
      ++at_;
      const ImportBatch batch = read_import_block();
      attempt([&] { engine_->import(batch, parse_moment(words.at(1))); });
    } else if (verb == "import-csv") {  // the CSV itself must be refused
      ++at_;
      const auto files = read_csv_files();
      attempt([&] { parse_import(files[0], files[1], files[2], files[3], files[4]); });
    } else if (verb == "advance") {
      ++at_;
      attempt([&] { engine_->advance(parse_date(words.at(1)), parse_moment(words.at(3))); });
    } else if (verb == "statement") {
      ++at_;
      const std::optional<Moment> known_at =
          words.size() > 4 ? std::optional(parse_as_known_at(words.at(4))) : std::nullopt;
      check_statement(make_statement(*engine_, words.at(1), words.at(2), known_at), read_block());
    } else if (verb == "timebank") {
      ++at_;
      const std::optional<Moment> known_at =
          words.size() > 6 ? std::optional(parse_as_known_at(words.at(6))) : std::nullopt;
      check_timebank_statement(make_timebank_statement(*engine_, words.at(1), words.at(2), parse_date(words.at(3)),
                                                       parse_date(words.at(4)), known_at),
                               read_block());
    } else if (verb == "balance") {
      ++at_;
      REQUIRE(words.size() == 3);
      const bool opened = engine_->journal().has_account(words.at(1));
      const std::string got = opened ? engine_->journal().balance(words.at(1)).to_string() : "absent";
      CHECK_MESSAGE(got == words.at(2), words.at(1) << ": expected " << words.at(2) << ", got " << got);
    } else if (verb == "error") {
      FAIL_CHECK("an error block must follow an import or advance");
      ++at_;
      read_block();
    } else {
      FAIL("unknown scenario step '" << verb << "'");
    }
  }

  // Runs the step; if an error block follows, the step must fail with exactly its text.
  template <class Action>
  void attempt(Action action) {
    const bool expects_error = next_meaningful() && split_words(lines_[at_]).at(0) == "error";
    std::string expected;
    if (expects_error) {
      ++at_;
      for (const std::string& line : read_block()) expected += (expected.empty() ? "" : "\n") + line;
    }
    try {
      action();
      CHECK_MESSAGE(!expects_error, "expected the error: " << expected);
    } catch (const Error& error) {
      CHECK_MESSAGE(expects_error, "unexpected error: " << std::string(error.what()));
      if (expects_error) CHECK(std::string(error.what()) == expected);
    }
  }

  std::vector<std::string> read_block() {
    std::vector<std::string> block;
    while (at_ < lines_.size() && lines_[at_] != "end") block.push_back(lines_[at_++]);
    ++at_;
    return block;
  }

  ImportBatch read_import_block() {
    const auto files = read_csv_files();
    return parse_import(files[0], files[1], files[2], files[3], files[4]);
  }

  // The "--- NAME" sections up to a lone "---": citizens, events, providers, timebanks, members.
  std::array<std::optional<CsvText>, 5> read_csv_files() {
    std::optional<CsvText> citizens, events, providers, timebanks, members;
    while (at_ < lines_.size() && lines_[at_].rfind("--- ", 0) == 0) {
      CsvText file{lines_[at_].substr(4), ""};
      ++at_;
      while (at_ < lines_.size() && lines_[at_].rfind("---", 0) != 0) file.text += lines_[at_++] + "\n";
      if (file.name == "citizens.csv") citizens = file;
      else if (file.name == "events.csv") events = file;
      else if (file.name == "providers.csv") providers = file;
      else if (file.name == "timebanks.csv") timebanks = file;
      else if (file.name == "members.csv") members = file;
      else FAIL("unknown file " << file.name);
    }
    if (at_ < lines_.size() && lines_[at_] == "---") ++at_;
    return {citizens, events, providers, timebanks, members};
  }

  // Each listed field of the time bank statement, by its JSON name.
  static void check_timebank_statement(const TimeBankStatement& statement, const std::vector<std::string>& expected_lines) {
    const auto hours = [](const Decimal& value) { return value.rounded(2, RoundingMode::down).to_string(); };
    const std::map<std::string, std::string> actual = {
        {"opening_balance", hours(statement.opening_balance)}, {"given", hours(statement.given)},
        {"received", hours(statement.received)},               {"granted", hours(statement.granted)},
        {"donated_in", hours(statement.donated_in)},           {"donated_out", hours(statement.donated_out)},
        {"closing_balance", hours(statement.closing_balance)}, {"kind", statement.kind}};
    for (const std::string& line : expected_lines) {
      const std::vector<std::string> words = split_words(line);
      if (words.empty()) continue;
      REQUIRE(words.size() == 2);
      const auto found = actual.find(words[0]);
      const std::string got = found == actual.end() ? "(absent)" : found->second;
      CHECK_MESSAGE(got == words[1], words[0] << ": expected " << words[1] << ", got " << got);
    }
  }

  void check_statement(const Statement& statement, const std::vector<std::string>& expected_lines) {
    const std::map<std::string, std::string> actual = statement.flatten();
    std::set<std::string> listed;
    for (const std::string& line : expected_lines) {
      const std::vector<std::string> words = split_words(line);
      if (words.empty()) continue;
      REQUIRE(words.size() == 2);
      listed.insert(words[0]);
      const auto found = actual.find(words[0]);
      const std::string got = found == actual.end() ? "(absent)" : found->second;
      CHECK_MESSAGE(got == words[1], words[0] << ": expected " << words[1] << ", got " << got);
    }
    // The history is checked whole when the block lists any of it.
    const bool lists_history = std::any_of(listed.begin(), listed.end(), [](const std::string& field) {
      return field.rfind("history.", 0) == 0;
    });
    for (const auto& [field, value] : actual) {
      const bool checked_whole = !family_of(field).empty() || (lists_history && field.rfind("history.", 0) == 0);
      if (checked_whole && listed.count(field) == 0) {
        FAIL_CHECK(field << " is " << value << " but the scenario does not list it");
      }
    }
  }

  std::string name_;
  std::vector<std::string> lines_;
  std::size_t at_ = 0;
  std::optional<Engine> engine_;
};

}  // namespace

TEST_CASE("scenarios: CSV in, exact statement figures out") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir / "tests" / "scenarios")) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 1);
  for (const auto& file : files) {
    SUBCASE(file.filename().string().c_str()) { ScenarioRun(file).run(); }
  }
}

// The lifecycle engine: order independence, "as known at", all or nothing,
// idempotent imports, restatement under a reform, explanations.
#include <doctest/doctest.h>

#include <random>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/statement.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

namespace {

ParameterSet reference_parameters() {
  return load_parameter_file(std::string(COMMONWEAL_SOURCE_DIR) + "/examples/schemes/cswa-reference.yaml");
}

Engine reference_engine() { return Engine(Scheme::reference(reference_parameters())); }

ImportBatch batch_of(const std::string& citizens_csv, const std::string& events_csv) {
  std::optional<CsvText> citizens, events;
  if (!citizens_csv.empty()) citizens = CsvText{"citizens.csv", citizens_csv};
  if (!events_csv.empty()) events = CsvText{"events.csv", events_csv};
  return parse_import(citizens, events, std::nullopt);
}

Moment at_second(int second) { return parse_moment("2026-01-01T00:00:00Z") + std::chrono::seconds(second); }

// Every statement of every citizen for the tax years 2000-01 .. 2030-31, as JSON.
std::string all_statements(const Engine& engine, std::optional<Moment> known_at = std::nullopt) {
  std::string text;
  for (const std::string& id : engine.citizen_ids()) {
    for (int year = 2000; year <= 2030; ++year) {
      Statement statement = make_statement(engine, id, TaxYear(year, uk_tax_year_start).label(), known_at);
      statement.as_known_at = Moment();  // compared apart from when they were asked
      text += statement.to_json();
    }
  }
  return text;
}

const char* citizens_csv =
    "citizen,birth_date,death_date\nA,1958-03-10,\nB,1959-02-28,\nC,1990-06-01,\nD,1957-02-28,2021-05-05\n";

// A seeded random life for the citizens above: every kind but learning.
std::vector<std::string> random_event_rows(std::mt19937_64& random) {
  const char* citizens[] = {"A", "B", "C", "D"};
  const char* kinds[] = {"tax,income_tax", "tax,national_insurance", "tax,care_levy", "benefit,child_benefit",
                         "benefit,pip", "service,social_care", "service,gp_visit", "volunteer,food-bank",
                         "exchange,bank", "budget_grant,kent", "budget_topup,card"};
  std::vector<std::string> rows;
  for (int i = 0; i < 160; ++i) {
    const std::string citizen = citizens[random() % 4];
    const int first_year = 2011;  // the scheme's values start in 2010
    const int last_year = citizen == "D" ? 2020 : 2029;
    const int year = first_year + static_cast<int>(random() % static_cast<unsigned>(last_year - first_year + 1));
    const std::string date = fmt::format("{}-{:02}-{:02}", year, 1 + random() % 12, 1 + random() % 28);
    const std::string kind = kinds[random() % std::size(kinds)];
    const bool hours = kind.rfind("volunteer", 0) == 0 || kind.rfind("exchange", 0) == 0;
    const std::string amount = hours ? fmt::format("{}.{:02}", random() % 3, random() % 100)
                                     : fmt::format("{}.{:02}", random() % 3000, random() % 100);
    std::string counterparty;
    if (kind.rfind("exchange", 0) == 0) counterparty = citizen == "A" ? "B" : "A";
    rows.push_back(fmt::format("E{},{},{},{},{},{}", i, date, citizen, kind, amount, counterparty));
  }
  return rows;
}

std::string events_csv(const std::vector<std::string>& rows) {
  std::string text = "id,date,citizen,kind,code,amount,counterparty\n";
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

}  // namespace

TEST_CASE("whatever order imports and advances come in, the current view is the same") {
  std::mt19937_64 random(20261123);
  int compared = 0;
  for (int trial = 0; trial < 12; ++trial) {
    CAPTURE(trial);
    const std::vector<std::string> rows = random_event_rows(random);
    // Reference: everything at once, then one advance.
    Engine at_once = reference_engine();
    try {
      at_once.import(batch_of(citizens_csv, events_csv(rows)), at_second(0));
    } catch (const Error& error) {
      MESSAGE("trial " << trial << " refused: " << std::string(error.what()));
      continue;  // this life breaches a limit: nothing to compare
    }
    at_once.advance(parse_date("2030-04-05"), at_second(1));

    // The same events in shuffled slices, with advances in between.
    std::vector<std::string> shuffled = rows;
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    Engine piecemeal = reference_engine();
    piecemeal.import(batch_of(citizens_csv, ""), at_second(0));
    std::vector<std::pair<Moment, std::string>> seen;  // what was shown after each step
    int second = 1;
    int clock_year = 2004;
    bool refused = false;
    for (std::size_t start = 0; start < shuffled.size() && !refused; start += 40) {
      const std::vector<std::string> slice(shuffled.begin() + static_cast<std::ptrdiff_t>(start),
                                           shuffled.begin() + static_cast<std::ptrdiff_t>(std::min(start + 40, shuffled.size())));
      try {
        piecemeal.import(batch_of("", events_csv(slice)), at_second(++second));
      } catch (const Refusal&) {
        refused = true;  // a limit that only an intermediate order breaches: skip the trial
        break;
      }
      clock_year += 6;
      piecemeal.advance(parse_date(fmt::format("{}-04-05", clock_year)), at_second(++second));
      seen.emplace_back(at_second(second), all_statements(piecemeal));
      // As a store does between commands: the engine rebuilt from its record carries on unchanged.
      Engine restored = Engine::restore(piecemeal.scheme(), piecemeal.record());
      CHECK(restored.journal().entry_count() == piecemeal.journal().entry_count());
      CHECK(restored.last_recorded_at() == piecemeal.last_recorded_at());
      piecemeal = std::move(restored);
    }
    if (refused) continue;
    piecemeal.advance(parse_date("2030-04-05"), at_second(++second));
    CHECK(all_statements(piecemeal) == all_statements(at_once));
    CHECK(piecemeal.journal().check_invariants().empty());
    for (const char* account : {"fund:social", "fund:pension", "fund:writeoff", "fund:care", "citizen:A:social",
                                       "citizen:B:time", "citizen:D:social"}) {
      if (at_once.journal().has_account(account)) CHECK(piecemeal.journal().balance(account) == at_once.journal().balance(account));
    }
    // "As known at" each earlier moment reproduces what was shown then.
    for (const auto& [moment, shown] : seen) CHECK(all_statements(piecemeal, moment) == shown);
    ++compared;
  }
  CHECK(compared >= 6);  // most trials must get through, or the test proves little
}

TEST_CASE("a refused import changes nothing, and re-importing is a no-op") {
  Engine engine = reference_engine();
  const ImportBatch first = batch_of("citizen,birth_date\nC1,1990-06-01\nC2,1991-01-01\n",
                                     "id,date,citizen,kind,code,amount,counterparty\n"
                                     "E1,2024-05-31,C1,tax,income_tax,1234.55,\n"
                                     "E2,2024-06-01,C1,volunteer,food-bank,3.00,\n");
  const ChangeSummary summary = engine.import(first, at_second(0));
  CHECK(summary.citizens_added == 2);
  CHECK(summary.events_added == 2);
  const std::string before = all_statements(engine);
  const std::size_t entries_before = engine.journal().entry_count();
  // C2 would owe 14 hours, beyond the limit of 10.
  const ImportBatch refused = batch_of("", "id,date,citizen,kind,code,amount,counterparty\n"
                                           "E3,2024-07-01,C1,tax,national_insurance,100.00,\n"
                                           "E4,2024-07-02,C1,exchange,bank,14.00,C2\n");
  try {
    engine.import(refused, at_second(1));
    FAIL("expected a refusal");
  } catch (const Refusal& refusal) {
    CHECK(std::string(refusal.what()) ==
          "events.csv:3: event E4 (exchange on 2024-07-02) is refused: C2 would have -14.00 hours, below the credit limit of -10.00");
  }
  CHECK(engine.journal().entry_count() == entries_before);
  CHECK(all_statements(engine) == before);
  CHECK(engine.surviving_events("C1").size() == 2);
  // The same first import again: nothing new.
  const ChangeSummary again = engine.import(first, at_second(2));
  CHECK(again.events_added == 0);
  CHECK(again.entries_posted == 0);
  // The same id with other content is refused, naming both rows.
  const ImportBatch conflicting = batch_of("", "id,date,citizen,kind,code,amount\nE1,2024-05-31,C1,tax,income_tax,1234.56\n");
  CHECK_THROWS_WITH_AS(engine.import(conflicting, at_second(3)),
                       "events.csv:2: id: event id E1 is already used by another event (events.csv:2)", Error);
}

TEST_CASE("a late event restates the past by adjustment, and as known at shows what was shown") {
  Engine engine = reference_engine();
  engine.import(batch_of("citizen,birth_date\nC1,1958-06-01\n",
                         "id,date,citizen,kind,code,amount\nE1,2023-05-01,C1,tax,income_tax,1000.00\n"),
                at_second(0));
  engine.advance(parse_date("2025-04-05"), at_second(1));  // settles on 2024-06-01 (age 66)
  const std::string before = all_statements(engine);
  CHECK(make_statement(engine, "C1", "2024-25").social_account.settlement == Decimal::parse("-102.00"));
  // A tax paid before settlement, learned late.
  const ChangeSummary late = engine.import(
      batch_of("", "id,date,citizen,kind,code,amount\nE2,2023-06-01,C1,tax,income_tax,500.00\n"), at_second(2));
  CHECK(late.adjustments >= 2);  // the indexation of 2023-24 and the settlement change
  const Statement now = make_statement(engine, "C1", "2024-25");
  CHECK(now.social_account.opening_balance == Decimal::parse("153.00"));  // 150.00 + 3.00 indexation
  CHECK(now.social_account.settlement == Decimal::parse("-153.00"));
  CHECK(now.pension.weekly_supplement == Decimal::parse("0.15"));  // 153 / 1040 = 0.147
  CHECK(all_statements(engine, at_second(1)) == before);
  // Nothing was rewritten: the first settlement entry is still there, with its adjustment after it.
  CHECK(engine.journal().find("C1/R9") != nullptr);
  CHECK(engine.journal().find("C1/R9~2") != nullptr);
  CHECK(engine.journal().check_invariants().empty());
}

TEST_CASE("restating under a reform equals starting with it, and keeps the old view") {
  const std::string events = "id,date,citizen,kind,code,amount\n"
                             "E1,2020-05-01,C1,tax,income_tax,1000.00\nE2,2021-05-01,C1,benefit,child_benefit,50.00\n";
  const ParameterSet reform = parse_parameter_text("contribution_share:\n  income_tax: {values: {2019-04-06: 0.20}}\n",
                                                   "reform.yaml", "reform");
  Engine restated = reference_engine();
  restated.import(batch_of("citizen,birth_date\nC1,1985-01-01\n", events), at_second(0));
  restated.advance(parse_date("2022-04-05"), at_second(1));
  const std::string before = all_statements(restated);
  const ChangeSummary summary = restated.restate(Scheme::reference(reference_parameters().with_reform(reform)), at_second(2));
  CHECK(summary.adjustments > 0);
  Engine fresh(Scheme::reference(reference_parameters().with_reform(reform)));
  fresh.import(batch_of("citizen,birth_date\nC1,1985-01-01\n", events), at_second(0));
  fresh.advance(parse_date("2022-04-05"), at_second(1));
  CHECK(all_statements(restated) == all_statements(fresh));
  CHECK(make_statement(restated, "C1", "2020-21").social_account.contributions.at("income_tax") == Decimal::parse("200.00"));
  CHECK(all_statements(restated, at_second(1)) == before);
}

TEST_CASE("a correction reverses the corrected event's entries") {
  Engine engine = reference_engine();
  engine.import(batch_of("citizen,birth_date\nC1,1990-01-01\n",
                         "id,date,citizen,kind,code,amount\nE1,2024-05-01,C1,tax,income_tax,1000.00\n"),
                at_second(0));
  engine.import(batch_of("", "id,date,citizen,kind,code,amount,corrects\nE1b,2024-05-03,C1,tax,income_tax,900.00,E1\n"),
                at_second(1));
  const Statement statement = make_statement(engine, "C1", "2024-25");
  CHECK(statement.social_account.contributions.at("income_tax") == Decimal::parse("90.00"));
  CHECK(statement.taxes_paid.at("income_tax") == Decimal::parse("900.00"));
  const Entry* reversal = engine.journal().find("C1/E1/R1~2");
  REQUIRE(reversal != nullptr);
  CHECK(reversal->reverses == "C1/E1/R1");
  CHECK(reversal->effective_date == parse_date("2024-05-01"));
  CHECK(make_statement(engine, "C1", "2024-25", at_second(0)).taxes_paid.at("income_tax") == Decimal::parse("1000.00"));
  CHECK_THROWS_WITH_AS(
      engine.import(batch_of("", "id,date,citizen,kind,code,amount,corrects\nE1c,2024-05-03,C1,tax,income_tax,1.00,E1\n"),
                    at_second(2)),
      "events.csv:2: corrects: event E1 is already corrected by E1b", Error);
}

TEST_CASE("explanations name the rule, parameters, inputs and roundings") {
  Engine engine = reference_engine();
  engine.import(batch_of("citizen,birth_date\nC1,1990-06-01\n",
                         "id,date,citizen,kind,code,amount\nE1,2024-05-31,C1,tax,income_tax,1234.55\n"),
                at_second(0));
  const std::vector<Explanation> explanations = engine.explain("C1");
  const auto r1 = std::find_if(explanations.begin(), explanations.end(), [](const Explanation& e) { return e.key == "C1/E1/R1"; });
  REQUIRE(r1 != explanations.end());
  CHECK(r1->rule == "R1");
  CHECK(r1->inputs == std::vector<std::string>{"tax income_tax paid 1234.55 on 2024-05-31"});
  CHECK(r1->parameters == std::vector<std::string>{"contribution_share.income_tax = 0.10 (from 2010-04-06)"});
  CHECK(r1->roundings == std::vector<std::string>{"0.10 x 1234.55 = 123.4550, rounded half_even to 2 decimals: 123.46"});
  CHECK_THROWS_AS(engine.explain("nobody"), Error);
}

TEST_CASE("the clock only moves forward, and a missing annuity divisor is named") {
  Engine engine = reference_engine();
  engine.advance(parse_date("2025-04-05"), at_second(0));
  CHECK_THROWS_AS(engine.advance(parse_date("2025-04-04"), at_second(1)), Error);
  Engine no_divisor(Scheme::reference(parse_parameter_text(
      "contribution_share: {income_tax: {values: {2000-01-01: 0.10}}}\nstate_pension_age: {values: {1900-01-01: 66}}\n", "s.yaml")));
  no_divisor.import(batch_of("citizen,birth_date\nC1,1950-01-01\n", "id,date,citizen,kind,code,amount\nE1,2010-01-01,C1,tax,income_tax,10.00\n"),
                    at_second(0));
  CHECK_THROWS_WITH_AS(no_divisor.advance(parse_date("2020-01-01"), at_second(1)),
                       "settling citizen C1 on 2016-01-01 needs annuity_divisor, which has no positive value then", Error);
  CHECK(!no_divisor.clock());
}

namespace {

// What the engine knows, apart from the journal, as text: citizens (with death and region), events in
// sequence order, providers, the clock.
std::string known_facts(const Engine& engine) {
  const EngineRecord record = engine.record();
  std::string text;
  for (const EngineRecord::CitizenEntry& entry : record.citizens) {
    text += entry.citizen.id + " " + format_date(entry.citizen.birth_date) + " " +
            (entry.citizen.death_date ? format_date(*entry.citizen.death_date) : "-") + " " + entry.citizen.region + " " +
            format_moment(entry.death_recorded_at) + "\n";
  }
  for (const Event& event : record.events) {
    text += event.id + " #" + std::to_string(event.sequence) + " " + event.citizen + " " + event.corrects + "\n";
  }
  text += std::to_string(record.providers.size()) + " providers\n";
  return text;
}

}  // namespace

TEST_CASE("a failed import takes back every change it made, whether input errors or a rule stops it") {
  Engine engine = reference_engine();
  engine.import(batch_of("citizen,birth_date,death_date,region\nC1,1990-06-01,,north\nC2,1991-01-01,,\n",
                         "id,date,citizen,kind,code,amount,counterparty,corrects\n"
                         "E1,2024-05-31,C1,tax,income_tax,1234.55,,\n"
                         "E2,2024-06-01,C1,volunteer,food-bank,3.00,,\n"),
                at_second(0));
  const std::string facts = known_facts(engine);
  const std::string statements = all_statements(engine);
  const std::size_t entries = engine.journal().entry_count();
  // New citizens, a region and a death learned, a correction, exchanges: then a bad row (unknown citizen C9).
  const std::string citizens = "citizen,birth_date,death_date,region\nC3,1980-01-01,,\nC1,1990-06-01,,south\n"
                               "C2,1991-01-01,2025-01-01,\n";
  const std::string changes = "id,date,citizen,kind,code,amount,counterparty,corrects\n"
                              "E3,2024-07-01,C3,tax,income_tax,10.00,,\n"
                              "E4,2024-05-31,C1,tax,income_tax,1000.00,,E1\n"
                              "E5,2024-07-02,C1,exchange,bank,2.00,C3,\n"
                              "E6,2024-07-03,C3,exchange,bank,1.00,C2,\n";
  CHECK_THROWS_AS(engine.import(batch_of(citizens, changes + "E7,2024-07-04,C9,tax,income_tax,1.00,,\n"), at_second(1)),
                  Error);
  CHECK(known_facts(engine) == facts);
  CHECK(engine.find_event("E4") == nullptr);
  CHECK(engine.find_citizen("C3") == nullptr);
  CHECK(engine.journal().entry_count() == entries);
  // The same changes, stopped by a rule this time (C2 would owe 14 hours, beyond the limit of 10): after derivation began.
  CHECK_THROWS_AS(engine.import(batch_of(citizens, changes + "E7,2024-07-04,C1,exchange,bank,14.00,C2,\n"), at_second(2)),
                  Refusal);
  CHECK(known_facts(engine) == facts);
  CHECK(engine.find_event("E5") == nullptr);
  CHECK(engine.find_event("E1") != nullptr);
  CHECK(engine.journal().entry_count() == entries);
  CHECK(all_statements(engine) == statements);
  // And the changes on their own go through, as they would have on an engine that never saw the failures.
  Engine fresh = reference_engine();
  fresh.import(batch_of("citizen,birth_date,death_date,region\nC1,1990-06-01,,north\nC2,1991-01-01,,\n",
                        "id,date,citizen,kind,code,amount,counterparty,corrects\n"
                        "E1,2024-05-31,C1,tax,income_tax,1234.55,,\n"
                        "E2,2024-06-01,C1,volunteer,food-bank,3.00,,\n"),
               at_second(0));
  engine.import(batch_of(citizens, changes), at_second(3));
  fresh.import(batch_of(citizens, changes), at_second(3));
  CHECK(known_facts(engine) == known_facts(fresh));
  CHECK(all_statements(engine) == all_statements(fresh));
  CHECK(engine.find_event("E4")->corrects == "E1");
  // A copy of the engine has its own events.
  const Engine copy = engine;
  CHECK(copy.find_event("E6") != nullptr);
  CHECK(copy.find_event("E6") != engine.find_event("E6"));
  CHECK(copy.find_event("E6")->counterparty == "C2");
}

TEST_CASE("advancing day by day posts only on the days something falls due, and ends where one advance does") {
  const ImportBatch lives = batch_of("citizen,birth_date\nC1,1958-04-20\nC2,1990-06-01\n",
                                     "id,date,citizen,kind,code,amount,counterparty\n"
                                     "E1,2023-05-31,C1,tax,income_tax,20000.00,\n"
                                     "E2,2023-06-01,C2,tax,income_tax,1234.55,\n"
                                     "E3,2024-05-02,C2,exchange,bank,2.00,C1\n");
  Engine daily = reference_engine();
  daily.import(lives, at_second(0));
  Engine once = reference_engine();
  once.import(lives, at_second(0));
  daily.advance(parse_date("2024-03-01"), at_second(1));
  once.advance(parse_date("2024-03-01"), at_second(1));
  std::size_t days_with_entries = 0;
  int second = 2;
  for (Date day = parse_date("2024-03-02"); day <= parse_date("2025-06-30"); day = date_from_day_number(day_number(day) + 1)) {
    const ChangeSummary summary = daily.advance(day, at_second(second++));
    if (summary.entries_posted == 0) continue;
    ++days_with_entries;
    // R8 at the end of each tax year (5 April), R9 on C1's 66th birthday (20 April 2024).
    CHECK((format_date(day) == "2024-04-05" || format_date(day) == "2024-04-20" || format_date(day) == "2025-04-05"));
  }
  CHECK(days_with_entries == 3);
  once.advance(parse_date("2025-06-30"), at_second(second));
  CHECK(all_statements(daily) == all_statements(once));
}

namespace {

ImportBatch bank_batch(const std::string& timebanks_csv, const std::string& members_csv, const std::string& events_csv) {
  const auto file = [](const char* name, const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<CsvText>(CsvText{name, text});
  };
  return parse_import(std::nullopt, file("events.csv", events_csv), std::nullopt, file("timebanks.csv", timebanks_csv),
                      file("members.csv", members_csv));
}

std::string journal_text(const Engine& engine) {
  std::string text;
  for (const Entry& entry : engine.journal().entries()) {
    text += entry.id + " " + format_date(entry.effective_date) + " " + entry.code;
    for (const Posting& posting : entry.postings) text += " " + posting.account + "=" + posting.amount.value().to_string();
    text += "\n";
  }
  return text;
}

const std::string bank_terms = "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0.50,5\n";
const std::string bank_members =
    "bank,member,kind,from,credit_limit\nnorth,M1,person,2024-01-01,\nnorth,M2,person,2024-01-01,2\n"
    "north,ORG,organisation,2024-01-01,\n";
const std::string bank_events =
    "id,date,citizen,kind,code,amount,counterparty,corrects\n"
    "G1,2024-02-01,M2,bank_grant,north,1.00,,\n"
    "S1,2024-03-01,ORG,bank_session,north,1.00,M1;M2,\n"
    "X1,2024-04-01,M1,bank_exchange,north,1.00,M2,\n"
    "X2,2024-04-01,M1,bank_exchange,north,0.50,M2,X1\n";

}  // namespace

TEST_CASE("named banks: restore and copies keep terms, members and events; a refused import takes them back") {
  Engine engine = reference_engine();
  engine.import(bank_batch(bank_terms, bank_members, bank_events), at_second(1));
  CHECK(engine.journal().balance("timebank:north:M2") == Decimal::parse("-0.50"));
  CHECK(engine.journal().balance("timebank:north:ORG") == Decimal::parse("2.00"));
  CHECK(engine.journal().balance("timebank:north:chest") == Decimal::parse("-1.00"));

  Engine restored = Engine::restore(engine.scheme(), engine.record());
  Engine copied = engine;
  CHECK(journal_text(restored) == journal_text(engine));
  const std::string late = "id,date,citizen,kind,code,amount,counterparty\nX0,2024-01-15,M2,bank_exchange,north,1.00,M1\n";
  for (Engine* each : {&engine, &restored, &copied}) each->import(bank_batch("", "", late), at_second(2));
  CHECK(journal_text(restored) == journal_text(engine));
  CHECK(journal_text(copied) == journal_text(engine));
  CHECK(engine.journal().balance("timebank:north:M2") == Decimal::parse("0.50"));

  // A new member and an event breaching M2's override, together: refused, and the member is gone again.
  const std::string before = journal_text(engine);
  const std::string breach = "id,date,citizen,kind,code,amount,counterparty\nX3,2024-05-01,M3,bank_exchange,north,3.00,M2\n";
  CHECK_THROWS_AS(engine.import(bank_batch("", "bank,member,kind,from\nnorth,M3,person,2024-01-01\n", breach), at_second(3)),
                  Refusal);
  CHECK(journal_text(engine) == before);
  CHECK_FALSE(engine.timebanks().knows_member("north", "M3"));
  CHECK(engine.find_event("X3") == nullptr);
  CHECK(engine.surviving_bank_events("north").size() == 4);  // G1, S1, X2, X0
  CHECK(engine.restate(engine.scheme(), at_second(4)).entries_posted == 0);  // banks re-derived: nothing to change
  CHECK(journal_text(engine) == before);
}

TEST_CASE("a posting observer is told of every new entry, part by part, in order, and can fail the operation") {
  // 3,000 citizens with three events each: more than one part of 4,096 entries per operation.
  std::string citizens = "citizen,birth_date\n", events = "id,date,citizen,kind,code,amount,counterparty\n";
  for (int c = 0; c < 3000; ++c) {
    citizens += fmt::format("P{},19{}-0{}-1{}\n", c, 50 + c % 40, 1 + c % 9, c % 10);
    events += fmt::format("T{0},2020-05-1{1},P{0},tax,income_tax,{2}.{1}5,\n", c, c % 10, 100 + c);
    events += fmt::format("V{0},2021-06-1{1},P{0},volunteer,food-bank,2.50,\n", c, c % 10);
    events += fmt::format("S{0},2022-07-1{1},P{0},service,gp_visit,{2}.00,\n", c, c % 10, 30 + c % 70);
  }
  Engine engine = reference_engine();
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  engine.observe_posting([&](std::size_t first, std::size_t end) {
    CHECK(first < end);
    CHECK(end == engine.journal().entry_count());  // the part is in the journal when the observer is told
    parts.emplace_back(first, end);
  });
  // Each operation's parts must tile exactly what it appended.
  const auto check_tiles = [&](std::size_t before, std::size_t after) {
    std::size_t next = before;
    for (const auto& [first, end] : parts) {
      CHECK(first == next);
      next = end;
    }
    CHECK(next == after);
  };
  std::vector<std::string> told_events;
  engine.observe_events([&](std::span<const Event* const> new_events) {
    CHECK(parts.empty());  // before anything is derived
    told_events.clear();
    for (const Event* event : new_events) told_events.push_back(event->id + "#" + std::to_string(event->sequence));
  });
  std::size_t before = engine.journal().entry_count();
  engine.import(batch_of(citizens, events), at_second(0));
  REQUIRE(told_events.size() == 9000);
  CHECK(told_events.front() == "T0#" + std::to_string(engine.find_event("T0")->sequence));
  CHECK(told_events[1] == "V0#" + std::to_string(engine.find_event("V0")->sequence));
  CHECK(told_events.back() == "S2999#" + std::to_string(engine.find_event("S2999")->sequence));
  CHECK(parts.size() >= 2);
  check_tiles(before, engine.journal().entry_count());
  CHECK(engine.journal().entry_count() == 9000);

  parts.clear();
  before = engine.journal().entry_count();
  engine.advance(parse_date("2025-04-05"), at_second(1));
  CHECK(!parts.empty());
  check_tiles(before, engine.journal().entry_count());

  // A late event (an adjustment restating the past) is told of too.
  parts.clear();
  before = engine.journal().entry_count();
  // T7 is known already: only L1 is new.
  engine.import(batch_of("", "id,date,citizen,kind,code,amount,counterparty\nT7,2020-05-17,P7,tax,income_tax,107.75,\n"
                             "L1,2019-01-01,P7,tax,income_tax,500.00,\n"),
                at_second(2));
  CHECK(told_events == std::vector<std::string>{"L1#" + std::to_string(engine.find_event("L1")->sequence)});
  CHECK(engine.journal().entry_count() > before);
  check_tiles(before, engine.journal().entry_count());

  // An observer that throws fails the operation, and the journal is as it was.
  parts.clear();
  const std::size_t entries_before = engine.journal().entry_count();
  const std::string statements_before = make_statement(engine, "P7", "2019-20").to_json();
  engine.observe_posting([](std::size_t, std::size_t) { throw Error(ErrorCode::environment, "the disk is full"); });
  CHECK_THROWS_WITH_AS(
      engine.import(batch_of("", "id,date,citizen,kind,code,amount,counterparty\nL2,2019-02-01,P7,tax,income_tax,9.00,\n"),
                    at_second(3)),
      "the disk is full", Error);
  CHECK(engine.journal().entry_count() == entries_before);
  CHECK(engine.find_event("L2") == nullptr);
  engine.observe_posting({});
  CHECK(make_statement(engine, "P7", "2019-20").to_json() == statements_before);
}

// Journal: balanced entries, idempotency, limits, reversals, batches, as of / as known at.
#include <doctest/doctest.h>

#include "test_support.hpp"

#include "commonweal/ledger/journal.hpp"

#include <set>
#include <thread>

using namespace commonweal;
using namespace commonweal::literals;
using test_support::error_code_of;

namespace {
const Unit gbp = Unit::parse("GBP");
const Unit hour = Unit::hour();

Journal reference_journal() {
  Journal journal;
  journal.open_account({"citizen:C1:social", gbp});
  journal.open_account({"citizen:C1:care", gbp, "0"_dec});
  journal.open_account({"citizen:C1:time", hour, "-10"_dec});
  journal.open_account({"citizen:C2:time", hour, "-10"_dec});
  journal.open_account({"fund:social", gbp});
  journal.open_account({"fund:care", gbp});
  journal.open_account({"org:food-bank", hour});
  return journal;
}

Entry transfer(std::string id, const char* day, const char* recorded, const char* to, const char* from,
               const char* amount, Unit unit) {
  return Entry{std::move(id), parse_date(day), parse_moment(recorded), "test", "",
               {{to, Amount::parse(amount, unit)}, {from, -Amount::parse(amount, unit)}}, ""};
}


// Everything observable about the journal, to prove a refusal changed nothing.
std::string snapshot(const Journal& journal) {
  std::string text = std::to_string(journal.entry_count());
  for (const char* name : {"citizen:C1:social", "citizen:C1:care", "citizen:C1:time", "citizen:C2:time",
                           "fund:social", "fund:care", "org:food-bank"}) {
    text += " " + journal.balance(name).to_string();
    text += "/" + journal.balance(name, parse_date("2024-06-30")).to_string();
  }
  return text;
}
}  // namespace

TEST_CASE("a balanced entry posts, and balances follow") {
  Journal journal = reference_journal();
  CHECK(journal.post(transfer("E1", "2024-05-31", "2026-01-31T09:15:00Z", "citizen:C1:social", "fund:social",
                              "123.46", gbp)) == PostOutcome::posted);
  CHECK(journal.balance("citizen:C1:social").to_string() == "123.46");
  CHECK(journal.balance("fund:social").to_string() == "-123.46");
  CHECK(journal.balance("citizen:C1:care").to_string() == "0.00");
  CHECK(journal.check_invariants().empty());
}

TEST_CASE("entries that do not balance, or mix units, or name unknown accounts are refused") {
  Journal journal = reference_journal();
  const std::string before = snapshot(journal);
  Entry unbalanced = transfer("E1", "2024-05-31", "2026-01-31T09:15:00Z", "citizen:C1:social", "fund:social",
                              "1.00", gbp);
  unbalanced.postings[1].amount = Amount::parse("-0.99", gbp);
  CHECK_THROWS_WITH_AS(journal.post(unbalanced), "entry E1 is refused: its GBP postings sum to 0.01, not zero",
                       Error);
  Entry wrong_unit = transfer("E2", "2024-05-31", "2026-01-31T09:15:00Z", "citizen:C1:time", "fund:social",
                              "1.00", gbp);
  CHECK(error_code_of([&] { journal.post(wrong_unit); }) == ErrorCode::unit_mismatch);
  Entry unknown = transfer("E3", "2024-05-31", "2026-01-31T09:15:00Z", "citizen:C9:social", "fund:social",
                           "1.00", gbp);
  CHECK(error_code_of([&] { journal.post(unknown); }) == ErrorCode::not_found);
  Entry empty{"E4", parse_date("2024-05-31"), parse_moment("2026-01-31T09:15:00Z"), "test", "", {}, ""};
  CHECK(error_code_of([&] { journal.post(empty); }) == ErrorCode::unbalanced_entry);
  // Money and hours in one entry balance per unit: each must sum to zero on its own.
  Entry mixed{"E5", parse_date("2024-05-31"), parse_moment("2026-01-31T09:15:00Z"), "test", "",
              {{"citizen:C1:social", Amount::parse("1", gbp)}, {"citizen:C1:time", Amount::parse("-1", hour)}}, ""};
  CHECK(error_code_of([&] { journal.post(mixed); }) == ErrorCode::unbalanced_entry);
  CHECK(snapshot(journal) == before);
}

TEST_CASE("the same id with the same content is a no-op; with other content an error") {
  Journal journal = reference_journal();
  const Entry first = transfer("E1", "2024-05-31", "2026-01-31T09:15:00Z", "citizen:C1:social", "fund:social",
                               "10.00", gbp);
  journal.post(first);
  Entry again = first;
  again.recorded_at = parse_moment("2026-02-01T00:00:00Z");  // recorded later: not content
  CHECK(journal.post(again) == PostOutcome::already_present);
  CHECK(journal.entry_count() == 1);
  CHECK(journal.balance("citizen:C1:social").to_string() == "10.00");
  Entry other = first;
  other.postings[0].amount = Amount::parse("11", gbp);
  other.postings[1].amount = Amount::parse("-11", gbp);
  CHECK_THROWS_WITH_AS(journal.post(other), "entry id E1 is already used by an entry with other content", Error);
  CHECK(journal.balance("citizen:C1:social").to_string() == "10.00");
}

TEST_CASE("a limit breach on any later day refuses the entry and changes nothing") {
  Journal journal = reference_journal();
  journal.post(transfer("T1", "2024-06-01", "2026-01-31T09:00:00Z", "citizen:C1:time", "org:food-bank", "4.00",
                        hour));
  journal.post(transfer("T2", "2024-07-01", "2026-01-31T09:00:00Z", "citizen:C2:time", "citizen:C1:time", "14.00",
                        hour));  // C1 at -10.00: exactly the limit
  CHECK(journal.balance("citizen:C1:time").to_string() == "-10.00");
  const std::string before = snapshot(journal);
  CHECK_THROWS_WITH_AS(
      journal.post(transfer("T3", "2024-08-01", "2026-01-31T09:00:00Z", "citizen:C2:time", "citizen:C1:time", "0.01",
                            hour)),
      "entry T3 is refused: posting -0.01 HOUR to citizen:C1:time on 2024-08-01 would take its balance to -10.01 on "
      "2024-08-01, below its limit -10.00",
      Error);
  // Back-dated: spending before the hours were earned breaches on the earlier day.
  CHECK_THROWS_WITH_AS(
      journal.post(transfer("T4", "2024-05-01", "2026-01-31T09:00:00Z", "citizen:C2:time", "citizen:C1:time", "1.00",
                            hour)),
      "entry T4 is refused: posting -1.00 HOUR to citizen:C1:time on 2024-05-01 would take its balance to -11.00 on "
      "2024-07-01, below its limit -10.00",
      Error);
  CHECK(snapshot(journal) == before);
  CHECK(error_code_of([&] {
          journal.post(transfer("C1", "2024-05-01", "2026-01-31T09:00:00Z", "fund:care", "citizen:C1:care", "0.01",
                                gbp));
        }) == ErrorCode::limit_breached);
  CHECK(journal.check_invariants().empty());
}

TEST_CASE("reversals negate the original at its effective date, once") {
  Journal journal = reference_journal();
  journal.post(transfer("E1", "2024-05-31", "2026-01-31T09:00:00Z", "citizen:C1:social", "fund:social", "50.00", gbp));
  CHECK(journal.reverse("E1", "E1.reversal", parse_moment("2026-02-01T09:00:00Z")) == PostOutcome::posted);
  const Entry& reversal = journal.entry("E1.reversal");
  CHECK(reversal.effective_date == parse_date("2024-05-31"));
  CHECK(reversal.reverses == "E1");
  CHECK(journal.reversed_by("E1") == "E1.reversal");
  CHECK(journal.balance("citizen:C1:social").to_string() == "0.00");
  CHECK(journal.entry_count() == 2);  // the original stays
  CHECK(journal.reverse("E1", "E1.reversal", parse_moment("2026-02-02T09:00:00Z")) == PostOutcome::already_present);
  CHECK(error_code_of([&] { journal.reverse("E1", "E1.again", parse_moment("2026-02-02T09:00:00Z")); }) ==
        ErrorCode::conflict);
  CHECK(error_code_of([&] { journal.reverse("E1.reversal", "R2", parse_moment("2026-02-02T09:00:00Z")); }) ==
        ErrorCode::invalid_argument);
  CHECK(error_code_of([&] { journal.reverse("nope", "R3", parse_moment("2026-02-02T09:00:00Z")); }) ==
        ErrorCode::not_found);
}

TEST_CASE("a batch posts all or nothing") {
  Journal journal = reference_journal();
  journal.post(transfer("E0", "2024-04-10", "2026-01-31T09:00:00Z", "citizen:C1:care", "fund:care", "5.00", gbp));
  const std::string before = snapshot(journal);
  const std::vector<Entry> batch{
      transfer("B1", "2024-05-01", "2026-01-31T10:00:00Z", "citizen:C1:social", "fund:social", "1.00", gbp),
      transfer("B2", "2024-05-02", "2026-01-31T10:00:00Z", "fund:care", "citizen:C1:care", "3.00", gbp),
      transfer("B3", "2024-05-03", "2026-01-31T10:00:00Z", "fund:care", "citizen:C1:care", "3.00", gbp),  // breach
  };
  CHECK(error_code_of([&] { journal.post_batch(batch); }) == ErrorCode::limit_breached);
  CHECK(snapshot(journal) == before);
  CHECK(journal.find("B1") == nullptr);
  CHECK(journal.last_recorded_at() == std::optional(parse_moment("2026-01-31T09:00:00Z")));
  CHECK(journal.post_batch(std::span(batch).first(2)) == 2);
  CHECK(journal.post_batch(std::span(batch).first(2)) == 0);  // idempotent
  CHECK(journal.balance("citizen:C1:care").to_string() == "2.00");
  CHECK(journal.check_invariants().empty());
}

TEST_CASE("a batch in parts that fails closes the accounts it opened; they open again afresh") {
  Journal journal = reference_journal();
  const std::string before = snapshot(journal);
  {
    Journal::Batch batch(journal);
    std::vector<Entry> first{transfer("P1", "2024-05-01", "2026-01-31T10:00:00Z", "citizen:C7:social", "fund:social",
                                      "4.00", gbp)};
    CHECK(batch.post(first, {}, /*open_missing=*/true) == 1);
    CHECK(journal.has_account("citizen:C7:social"));
    CHECK(journal.balance("citizen:C7:social").to_string() == "4.00");
    const Account opened[] = {{"citizen:C8:care", gbp, "0"_dec}};
    std::vector<Entry> second{transfer("P2", "2024-05-02", "2026-01-31T10:00:00Z", "citizen:C8:social", "citizen:C8:care",
                                       "1.00", gbp)};  // takes C8's care account below 0
    CHECK(error_code_of([&] { batch.post(second, opened, /*open_missing=*/true); }) == ErrorCode::limit_breached);
  }  // not committed: undone
  CHECK(!journal.has_account("citizen:C7:social"));
  CHECK(!journal.has_account("citizen:C8:care"));
  CHECK(!journal.has_account("citizen:C8:social"));
  CHECK(snapshot(journal) == before);
  CHECK(error_code_of([&] {
          journal.post(transfer("P3", "2024-05-01", "2026-01-31T11:00:00Z", "citizen:C7:social", "fund:social", "1.00", gbp));
        }) == ErrorCode::not_found);
  // Opened again (at other positions than before), they take their own postings only.
  journal.open_account({"citizen:C9:social", gbp});
  Journal::Batch again(journal);
  std::vector<Entry> third{transfer("P4", "2024-05-01", "2026-01-31T12:00:00Z", "citizen:C7:social", "fund:social", "2.50", gbp),
                           transfer("P5", "2024-05-01", "2026-01-31T12:00:00Z", "citizen:C9:social", "citizen:C7:social",
                                    "0.50", gbp)};
  CHECK(again.post(third, {}, /*open_missing=*/true) == 2);
  again.commit();
  CHECK(journal.balance("citizen:C7:social").to_string() == "2.00");
  CHECK(journal.balance("citizen:C9:social").to_string() == "0.50");
  CHECK(journal.balance("fund:social").to_string() == "-2.50");
  CHECK(journal.check_invariants().empty());
}

TEST_CASE("recorded moments never go back") {
  Journal journal = reference_journal();
  journal.post(transfer("E1", "2024-05-31", "2026-01-31T09:00:00Z", "citizen:C1:social", "fund:social", "1.00", gbp));
  CHECK(error_code_of([&] {
          journal.post(transfer("E2", "2024-05-31", "2026-01-30T09:00:00Z", "citizen:C1:social", "fund:social", "1.00",
                                gbp));
        }) == ErrorCode::invalid_argument);
}

TEST_CASE("balance as of an effective date and as known at a recorded moment") {
  Journal journal = reference_journal();
  journal.post(transfer("E1", "2024-05-31", "2026-01-10T09:00:00Z", "citizen:C1:social", "fund:social", "100.00", gbp));
  journal.post(transfer("E2", "2024-08-31", "2026-01-10T09:00:00Z", "citizen:C1:social", "fund:social", "20.00", gbp));
  // A late event, learned later, effective earlier.
  journal.post(transfer("E3", "2024-04-30", "2026-02-10T09:00:00Z", "citizen:C1:social", "fund:social", "3.00", gbp));
  CHECK(journal.balance("citizen:C1:social").to_string() == "123.00");
  CHECK(journal.balance("citizen:C1:social", parse_date("2024-06-30")).to_string() == "103.00");
  CHECK(journal.balance("citizen:C1:social", parse_date("2024-04-29")).to_string() == "0.00");
  const Moment january = parse_as_known_at("2026-01-31");
  CHECK(journal.balance("citizen:C1:social", std::nullopt, january).to_string() == "120.00");
  CHECK(journal.balance("citizen:C1:social", parse_date("2024-06-30"), january).to_string() == "100.00");
  CHECK(journal.balance("citizen:C1:social", std::nullopt, parse_moment("2026-01-01T00:00:00Z")).to_string() ==
        "0.00");
  CHECK(journal.balance("citizen:C1:social", std::nullopt, parse_moment("2026-03-01T00:00:00Z")).to_string() ==
        "123.00");
  CHECK(error_code_of([&] { (void)journal.balance("citizen:C9:social"); }) == ErrorCode::not_found);
}

TEST_CASE("an account keeps amounts as 64-bit minor units: the largest fits, one more is refused") {
  Journal journal = reference_journal();
  const std::string before = snapshot(journal);
  CHECK(error_code_of([&] {
          journal.post(transfer("E1", "2024-05-31", "2026-01-10T09:00:00Z", "citizen:C1:social", "fund:social",
                                "92233720368547758.08", gbp));  // 2^63 pence
        }) == ErrorCode::overflow);
  CHECK(snapshot(journal) == before);
  CHECK(journal.find("E1") == nullptr);
  journal.post(transfer("E1", "2024-05-31", "2026-01-10T09:00:00Z", "citizen:C1:social", "fund:social",
                        "92233720368547758.07", gbp));  // 2^63 - 1 pence
  journal.post(transfer("E2", "2024-06-30", "2026-01-11T09:00:00Z", "citizen:C1:social", "fund:social", "1.5", gbp));
  // The sum passes 64 bits: balances are summed wider, and exact.
  CHECK(journal.balance("citizen:C1:social").to_string() == "92233720368547759.57");
  CHECK(journal.balance("citizen:C1:social", std::nullopt, parse_moment("2026-01-10T12:00:00Z")).to_string() ==
        "92233720368547758.07");
  CHECK(journal.balance("fund:social", std::nullopt, parse_moment("2026-01-12T00:00:00Z")).to_string() ==
        "-92233720368547759.57");
  const AccountPostings postings = journal.postings_of("citizen:C1:social");
  REQUIRE(postings.size() == 2);
  CHECK(postings[0].amount.to_string() == "92233720368547758.07");
  CHECK(postings[1].amount.to_string() == "1.50");  // at the unit's scale
  CHECK(postings[1].day == day_number(parse_date("2024-06-30")));
  CHECK(journal.entries()[postings[1].entry_position].id == "E2");
  std::vector<std::string> read;
  for (const AccountPosting& posting : journal.postings_of("fund:social")) read.push_back(posting.amount.to_string());
  CHECK(read == std::vector<std::string>{"-92233720368547758.07", "-1.50"});
  CHECK(journal.postings_of("citizen:C9:social").empty());
  CHECK(journal.check_invariants().empty());
}

TEST_CASE("the name index keeps 32 bits of each hash: names that share them are told apart by name") {
  // Hashes given by hand: the first three share their low 32 bits, so they share a home slot and a tag.
  const std::vector<std::string> names{"alpha", "beta", "gamma", "delta"};
  const std::vector<std::uint64_t> hashes{0x1111'2222'0000'0005, 0x3333'4444'0000'0005, 0x0000'0001'0000'0005,
                                          0x0000'0000'0000'0006};
  const auto name_of = [&](std::uint32_t position) { return std::string_view(names[position]); };
  NameIndex index;
  for (std::uint32_t i = 0; i < names.size(); ++i) index.insert(hashes[i], i);
  for (std::uint32_t i = 0; i < names.size(); ++i) CHECK(index.find(names[i], hashes[i], name_of) == i);
  CHECK(index.find("epsilon", hashes[0], name_of) == NameIndex::absent);  // same bits, no such name
  index.erase(hashes[1], 1);
  CHECK(index.find("beta", hashes[1], name_of) == NameIndex::absent);
  CHECK(index.find("gamma", hashes[2], name_of) == 2);  // moved back into the hole, still found
  CHECK(index.find("delta", hashes[3], name_of) == 3);
  for (std::uint32_t i = 100; i < 200; ++i) index.insert(0x5555'0000'0000'0005ULL + (std::uint64_t{i} << 40), 0);
  CHECK(index.size() == 103);  // grown past 16 slots: rehashed from the stored bits
  CHECK(index.find("alpha", hashes[0], name_of) == 0);
  CHECK(index.find("gamma", hashes[2], name_of) == 2);
  CHECK(index.find("delta", hashes[3], name_of) == 3);
}

TEST_CASE("account names are interned: equal texts share one copy, from any thread") {
  const std::string text = "citizen:C0123456789:social";  // longer than std::string's inline 15 bytes
  const AccountName a{text}, b{std::string_view(text)}, c{text.c_str()};
  CHECK(a == b);
  CHECK(b == c);
  CHECK(&a.str() == &c.str());  // one copy
  CHECK(&a.str() != &text);
  CHECK(a == text);
  CHECK(a == "citizen:C0123456789:social");
  CHECK(a != "citizen:C0123456789:care");
  CHECK(a.hash() == NameIndex::hash_of(text));
  CHECK(std::hash<AccountName>{}(a) == NameIndex::hash_of(text));
  CHECK(a.index() == c.index());
  CHECK(a.index() != AccountName("citizen:C0123456789:care").index());  // a dense number per distinct name
  const AccountName fund("fund:social"), empty;
  CHECK(empty.empty());
  CHECK(empty == AccountName(""));
  CHECK(a < fund);  // "c" < "f": the texts' order
  CHECK(!(a < a));
  CHECK(std::set<AccountName>{fund, a, AccountName("fund:social")}.size() == 2);
  CHECK("to " + fund + "!" == "to fund:social!");
  const std::string& as_string = fund;  // reads as the std::string it was
  const std::string_view as_view = fund;
  CHECK(as_string == "fund:social");
  CHECK(as_view.size() == 11);

  // Threads interning the same new names at once all get the same copy of each.
  constexpr int names = 2000, threads = 4;
  std::vector<std::vector<const std::string*>> seen(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t, &seen] {
      for (int i = 0; i < names; ++i) {
        const int k = (i * 7 + t * 13) % names;  // each thread in its own order
        seen[t].push_back(&AccountName("citizen:T" + std::to_string(k) + ":interned-test").str());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < names; ++i) {
      const int k = (i * 7 + t * 13) % names;
      const std::string* expected = &AccountName("citizen:T" + std::to_string(k) + ":interned-test").str();
      if (seen[t][i] != expected) FAIL("thread " << t << " got another copy of name " << k);
      CHECK(*seen[t][i] == "citizen:T" + std::to_string(k) + ":interned-test");
    }
  }
}

TEST_CASE("accounts: names are checked, reopening must match") {
  Journal journal = reference_journal();
  journal.open_account({"citizen:C1:social", gbp});  // same again: fine
  CHECK(error_code_of([&] { journal.open_account({"citizen:C1:social", hour}); }) == ErrorCode::conflict);
  CHECK_THROWS_AS(Account("citizen::social", gbp), Error);
  CHECK_THROWS_AS(Account("citizen:C 1:social", gbp), Error);
  CHECK_THROWS_AS(Account(":x", gbp), Error);
  CHECK_THROWS_AS(Account("x:", gbp), Error);
  CHECK_THROWS_AS(Account("fund:care", gbp, "0.001"_dec), Error);
  CHECK(account_name_problem("citizen:C1:budget:council") == nullptr);
}

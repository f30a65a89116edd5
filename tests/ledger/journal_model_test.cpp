// A seeded randomised journal test against a tiny, obviously-correct model
// (TigerBeetle's auditor, in miniature): the model keeps the accepted entries
// in a list and recomputes every balance by brute force; after every batch,
// every balance, as of and as known at, must equal the model's, and every
// unit must sum to zero.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "commonweal/ledger/journal.hpp"

using namespace commonweal;

namespace {

struct ModelPosting {
  int account;
  std::int64_t units;  // hundredths
};
struct ModelEntry {
  std::string id;
  int day;
  long long recorded;  // seconds
  std::vector<ModelPosting> postings;
};

struct ModelAccount {
  std::string name;
  bool hours;
  std::optional<std::int64_t> limit_units;
};

class Model {
 public:
  explicit Model(std::vector<ModelAccount> accounts) : accounts_(std::move(accounts)) {}

  std::int64_t balance(int account, int as_of_day, long long known_at) const {
    std::int64_t sum = 0;
    for (const ModelEntry& entry : entries_) {
      if (entry.day > as_of_day || entry.recorded > known_at) continue;
      for (const ModelPosting& posting : entry.postings) {
        if (posting.account == account) sum += posting.units;
      }
    }
    return sum;
  }

  // Accepts the entry if every limited account stays at or above its limit on every day.
  bool try_accept(const ModelEntry& candidate) {
    entries_.push_back(candidate);
    for (const ModelPosting& posting : candidate.postings) {
      const auto& limit = accounts_[posting.account].limit_units;
      if (!limit) continue;
      for (const ModelEntry& entry : entries_) {
        if (balance(posting.account, entry.day, INT64_MAX) < *limit) {
          entries_.pop_back();
          return false;
        }
      }
    }
    return true;
  }

  void pop() { entries_.pop_back(); }
  std::size_t size() const { return entries_.size(); }
  const std::vector<ModelAccount>& accounts() const { return accounts_; }

 private:
  std::vector<ModelAccount> accounts_;
  std::vector<ModelEntry> entries_;
};

Moment moment_of(long long seconds) { return Moment(std::chrono::seconds(seconds)); }
Decimal units_to_decimal(std::int64_t units) { return Decimal::from_coefficient(units, 2); }

Entry to_entry(const ModelEntry& model_entry, const Model& model) {
  Entry entry{model_entry.id, date_from_day_number(model_entry.day), moment_of(model_entry.recorded), "random", "", {}, ""};
  for (const ModelPosting& posting : model_entry.postings) {
    const ModelAccount& account = model.accounts()[posting.account];
    entry.postings.push_back(
        {account.name, Amount(units_to_decimal(posting.units), account.hours ? Unit::hour() : Unit::parse("GBP"))});
  }
  return entry;
}

}  // namespace

TEST_CASE("randomised journal equals the brute-force model after every batch") {
  std::mt19937_64 random(20261123);
  std::vector<ModelAccount> accounts;
  for (int citizen = 0; citizen < 6; ++citizen) {
    const std::string id = "C" + std::to_string(citizen);
    accounts.push_back({"citizen:" + id + ":social", false, std::nullopt});
    accounts.push_back({"citizen:" + id + ":care", false, 0});
    accounts.push_back({"citizen:" + id + ":time", true, -1000});
  }
  accounts.push_back({"fund:social", false, std::nullopt});
  accounts.push_back({"org:bank", true, std::nullopt});
  Model model(accounts);
  Journal journal;
  for (const ModelAccount& account : accounts) {
    journal.open_account({account.name, account.hours ? Unit::hour() : Unit::parse("GBP"),
                          account.limit_units ? std::optional(units_to_decimal(*account.limit_units)) : std::nullopt});
  }
  std::vector<int> money_accounts, hour_accounts;
  for (int i = 0; i < static_cast<int>(accounts.size()); ++i) (accounts[i].hours ? hour_accounts : money_accounts).push_back(i);

  long long recorded = 1'700'000'000;
  int next_id = 0, refused = 0, accepted = 0;
  const int base_day = day_number(parse_date("2020-01-01"));
  for (int batch_number = 0; batch_number < 300; ++batch_number) {
    recorded += 1 + static_cast<long long>(random() % 3600);
    std::vector<ModelEntry> batch;
    const int batch_size = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < batch_size; ++i) {
      const std::vector<int>& pool = random() % 3 == 0 ? hour_accounts : money_accounts;
      ModelEntry entry{"E" + std::to_string(next_id++), base_day + static_cast<int>(random() % 1500), recorded, {}};
      std::int64_t balance_units = 0;
      const int legs = 1 + static_cast<int>(random() % 3);
      for (int leg = 0; leg < legs; ++leg) {
        const std::int64_t units = static_cast<std::int64_t>(random() % 20001) - 10000;
        entry.postings.push_back({pool[random() % pool.size()], units});
        balance_units += units;
      }
      entry.postings.push_back({pool[random() % pool.size()], -balance_units});
      batch.push_back(entry);
    }
    // The model applies the batch entry by entry, all or nothing.
    std::size_t model_accepted = 0;
    for (const ModelEntry& entry : batch) {
      if (!model.try_accept(entry)) break;
      ++model_accepted;
    }
    const bool model_ok = model_accepted == batch.size();
    if (!model_ok) {
      for (std::size_t i = 0; i < model_accepted; ++i) model.pop();
    }
    std::vector<Entry> entries;
    for (const ModelEntry& entry : batch) entries.push_back(to_entry(entry, model));
    bool journal_ok = true;
    try {
      journal.post_batch(entries);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::limit_breached);
      journal_ok = false;
    }
    REQUIRE(journal_ok == model_ok);
    (model_ok ? accepted : refused) += 1;
    REQUIRE(journal.entry_count() == model.size());

    // Every balance, now, as of a random day and as known at a random earlier moment.
    const int as_of = base_day + static_cast<int>(random() % 1600);
    const long long known_at = recorded - static_cast<long long>(random() % 40000);
    std::int64_t money_sum = 0, hour_sum = 0;
    for (int account = 0; account < static_cast<int>(accounts.size()); ++account) {
      const std::string& name = accounts[account].name;
      const std::int64_t now = model.balance(account, INT32_MAX, INT64_MAX);
      REQUIRE(journal.balance(name) == units_to_decimal(now));
      REQUIRE(journal.balance(name, date_from_day_number(as_of)) ==
              units_to_decimal(model.balance(account, as_of, INT64_MAX)));
      REQUIRE(journal.balance(name, date_from_day_number(as_of), moment_of(known_at)) ==
              units_to_decimal(model.balance(account, as_of, known_at)));
      (accounts[account].hours ? hour_sum : money_sum) += now;
    }
    REQUIRE(money_sum == 0);
    REQUIRE(hour_sum == 0);
  }
  CHECK(journal.check_invariants().empty());
  // The run must exercise both outcomes, or it proves little.
  CHECK(accepted > 50);
  CHECK(refused > 10);
}

// DatedBalanceIndex against a brute-force sum, with days arriving in any order.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "commonweal/ledger/dated_balance_index.hpp"

using namespace commonweal;

TEST_CASE("balance_through and minimum_from equal a brute-force model") {
  std::mt19937_64 random(7);
  DatedBalanceIndex index;
  std::map<int, Decimal> model;  // day -> total
  for (int step = 0; step < 3000; ++step) {
    // Mostly later days (the common case), sometimes a back-dated one.
    const int day = step % 5 == 0 ? static_cast<int>(random() % 400) : 200 + step / 4;
    const Decimal amount = Decimal::from_coefficient(static_cast<std::int64_t>(random() % 20001) - 10000, 2);
    index.add(day, amount);
    model[day] += amount;
    if (step % 74 == 0) index.refresh();  // queries run on a fresh tree and on a stale one alike
    if (step % 37 != 0) continue;
    if (step % 74 == 0) CHECK(!index.stale());
    const int probe = static_cast<int>(random() % 1100) - 50;
    Decimal expected;
    for (const auto& [model_day, total] : model) {
      if (model_day <= probe) expected += total;
    }
    CHECK(index.balance_through(probe) == expected);
    // minimum over the balance on probe and on every later day with an amount
    Decimal running;
    for (const auto& [model_day, total] : model) {
      if (model_day <= probe) running += total;
    }
    Decimal lowest = running;
    for (auto it = model.upper_bound(probe); it != model.end(); ++it) {
      running += it->second;
      if (running < lowest) lowest = running;
    }
    CHECK(index.minimum_from(probe).balance == lowest);
  }
  Decimal sum;
  for (const auto& entry : model) sum += entry.second;
  CHECK(index.total() == sum);
}

TEST_CASE("back-dated days leave the tree stale until refresh, and answers stay right") {
  DatedBalanceIndex index;
  index.add(10, Decimal(5));
  index.add(30, Decimal(4));
  CHECK(!index.stale());
  index.add(20, Decimal(-8));  // a new day before the latest
  CHECK(index.stale());
  CHECK(index.balance_through(25) == Decimal(-3));
  index.refresh();
  CHECK(!index.stale());
  CHECK(index.balance_through(25) == Decimal(-3));
  CHECK(index.balance_through(30) == Decimal(1));
}

TEST_CASE("minimum_from names the day of the lowest balance") {
  DatedBalanceIndex index;
  index.add(10, Decimal(5));
  index.add(20, Decimal(-8));
  index.add(30, Decimal(4));
  const auto lowest = index.minimum_from(15);
  CHECK(lowest.balance == Decimal(-3));
  CHECK(lowest.day == 20);
  CHECK(index.minimum_from(10).balance == Decimal(-3));
  CHECK(index.minimum_from(31).balance == Decimal(1));
  CHECK(index.minimum_from(31).day == 31);
}

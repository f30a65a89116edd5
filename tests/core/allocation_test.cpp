// allocate: the parts always sum to the total; who gets the odd penny is fixed.
#include <doctest/doctest.h>

#include <random>

#include "commonweal/core/allocation.hpp"

using namespace commonweal;
using namespace commonweal::literals;

namespace {
std::vector<std::string> texts(const std::vector<Decimal>& parts) {
  std::vector<std::string> result;
  for (const Decimal& part : parts) result.push_back(part.to_string());
  return result;
}
}  // namespace

TEST_CASE("largest remainder gives the odd pennies to the biggest losses, earlier first on ties") {
  const std::vector<Decimal> thirds{Decimal(1), Decimal(1), Decimal(1)};
  CHECK(texts(allocate("100"_dec, thirds, 2)) == std::vector<std::string>{"33.34", "33.33", "33.33"});
  const std::vector<Decimal> one_two{Decimal(1), Decimal(2)};
  CHECK(texts(allocate("1.00"_dec, one_two, 2)) == std::vector<std::string>{"0.33", "0.67"});
  CHECK(texts(allocate("-1.00"_dec, one_two, 2)) == std::vector<std::string>{"-0.33", "-0.67"});
}

TEST_CASE("in order gives the odd pennies to the first parts whose share was not whole") {
  const std::vector<Decimal> one_two{Decimal(1), Decimal(2)};
  CHECK(texts(allocate("1.00"_dec, one_two, 2, AllocationStrategy::in_order)) ==
        std::vector<std::string>{"0.34", "0.66"});
  const std::vector<Decimal> with_whole{"0.5"_dec, "0.25"_dec, "0.25"_dec};
  CHECK(texts(allocate("0.03"_dec, with_whole, 2, AllocationStrategy::in_order)) ==
        std::vector<std::string>{"0.02", "0.01", "0.00"});
}

TEST_CASE("a zero weight gets nothing, and bad weights are refused") {
  const std::vector<Decimal> weights{Decimal(0), Decimal(1), Decimal(1)};
  CHECK(texts(allocate("0.01"_dec, weights, 2)) == std::vector<std::string>{"0.00", "0.01", "0.00"});
  const std::vector<Decimal> none;
  CHECK_THROWS_AS(allocate("1"_dec, none, 2), Error);
  const std::vector<Decimal> negative{Decimal(1), Decimal(-1)};
  CHECK_THROWS_AS(allocate("1"_dec, negative, 2), Error);
  const std::vector<Decimal> zeros{Decimal(0), Decimal(0)};
  CHECK_THROWS_AS(allocate("1"_dec, zeros, 2), Error);
  const std::vector<Decimal> one{Decimal(1)};
  CHECK_THROWS_AS(allocate("1.005"_dec, one, 2), Error);  // the total itself must fit the scale
}

TEST_CASE("randomised: parts sum to the total and stay within one unit of the exact share") {
  std::mt19937_64 random(20261123);
  for (int round = 0; round < 2000; ++round) {
    const auto strategy = round % 2 == 0 ? AllocationStrategy::largest_remainder : AllocationStrategy::in_order;
    std::vector<Decimal> weights;
    const int count = 1 + static_cast<int>(random() % 7);
    Decimal weight_sum;
    for (int i = 0; i < count; ++i) {
      weights.push_back(Decimal::from_coefficient(static_cast<std::int64_t>(random() % 1000), 2));
      weight_sum += weights.back();
    }
    if (weight_sum.is_zero()) continue;
    const Decimal total = Decimal::from_coefficient(static_cast<std::int64_t>(random() % 2000001) - 1000000, 2);
    const std::vector<Decimal> parts = allocate(total, weights, 2, strategy);
    Decimal sum;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      sum += parts[i];
      // |part - total * w / W| < 0.01, checked exactly: |part * W - total * w| < 0.01 * W
      const Decimal gap = (parts[i] * weight_sum - total * weights[i]).abs();
      CHECK(gap < "0.01"_dec * weight_sum);
      if (weights[i].is_zero()) CHECK(parts[i].is_zero());
    }
    CHECK(sum == total);
  }
}

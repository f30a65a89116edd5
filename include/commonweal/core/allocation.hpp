// commonweal::allocate: split an amount in proportion to weights, exactly.
//
// Guarantees
// - The parts sum exactly to the total: no unit is lost or created.
// - Each part differs from its exact proportional share by less than one
//   unit of the scale (0.01 at scale 2), and a part with weight zero is zero.
// - Who gets the odd units is fixed by the strategy, never by chance:
//   largest_remainder (the default, Hamilton's method) gives them to the
//   parts whose exact shares lost most in truncation, earlier parts first
//   on ties; in_order gives them one each to the parts in list order,
//   skipping parts whose exact share was already whole.
// - A negative total is split as its magnitude and every part negated.
// Constraints
// - weights are not empty, none is negative, and they do not sum to zero;
//   total has at most `scale` decimals. Otherwise Error(invalid_argument).
#pragma once

#include <algorithm>
#include <numeric>
#include <span>
#include <vector>

#include "commonweal/core/decimal.hpp"

namespace commonweal {

enum class AllocationStrategy { largest_remainder, in_order };

inline std::vector<Decimal> allocate(const Decimal& total, std::span<const Decimal> weights,
                                     int scale,
                                     AllocationStrategy strategy = AllocationStrategy::largest_remainder) {
  if (weights.empty()) throw Error(ErrorCode::invalid_argument, "allocate needs at least one weight");
  const Decimal units_total = total.rescaled_exact(scale);
  int weight_scale = 0;
  for (const Decimal& weight : weights) {
    if (weight.sign() < 0) {
      throw Error(ErrorCode::invalid_argument, "allocation weight " + weight.to_string() + " is negative");
    }
    weight_scale = std::max(weight_scale, weight.scale());
  }
  std::vector<detail::int256> weight_units;
  weight_units.reserve(weights.size());
  detail::int256 weight_sum = 0;
  for (const Decimal& weight : weights) {
    weight_units.push_back(detail::widen(weight.rounded(weight_scale, RoundingMode::down).coefficient()));
    weight_sum += weight_units.back();
  }
  if (weight_sum == 0) throw Error(ErrorCode::invalid_argument, "allocation weights sum to zero");

  const bool negative = units_total.sign() < 0;
  const detail::int256 magnitude = detail::widen(units_total.abs().coefficient());
  std::vector<detail::int256> parts(weights.size());
  std::vector<detail::int256> remainders(weights.size());
  detail::int256 handed_out = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const detail::int256 share = magnitude * weight_units[i];
    parts[i] = share / weight_sum;
    remainders[i] = share % weight_sum;
    handed_out += parts[i];
  }
  detail::int256 left_over = magnitude - handed_out;  // fewer than weights.size() units
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (strategy == AllocationStrategy::largest_remainder) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  }
  for (std::size_t i : order) {
    if (left_over == 0) break;
    if (remainders[i] == 0) continue;
    parts[i] += 1;
    left_over -= 1;
  }
  std::vector<Decimal> result;
  result.reserve(parts.size());
  for (const detail::int256& part : parts) {
    const detail::int128 units = detail::narrow(part);
    result.push_back(Decimal::from_coefficient(negative ? -units : units, scale));
  }
  return result;
}

}  // namespace commonweal

// Deciles, weighted aggregates and their completeness check, and the
// baseline-versus-reform comparison (simulation.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "commonweal/simulation/simulation.hpp"

namespace commonweal::simulation {
namespace {

std::string decile_label(int decile) { return decile == 0 ? std::string("none") : fmt::format("D{:02}", decile); }

// Deciles by lifetime earnings among citizens with earnings, by weight: a
// citizen is in decile 1 + k for the largest k in 0..9 with
// 10 x (weight of earners ranked before them) >= k x (weight of all earners).
// Ties in earnings are ranked by index, so the assignment is deterministic.
void assign_deciles(std::vector<CitizenResult>& citizens) {
  std::vector<std::size_t> earners;
  Decimal total;
  for (const CitizenResult& c : citizens) {
    if (c[Measure::earnings] > 0) {
      earners.push_back(c.index);
      total += c.weight.value();
    } 
  }
  for (CitizenResult& c : citizens) c.earnings_decile = 0;
  std::sort(earners.begin(), earners.end(), [&](std::size_t a, std::size_t b) {
    const auto ea = citizens[a][Measure::earnings], eb = citizens[b][Measure::earnings];
    return ea != eb ? ea < eb : a < b;
  });
  Decimal before;
  for (const std::size_t i : earners) {
    int k = 0;
    while (k < 9 && Decimal(10) * before >= Decimal(k + 1) * total) ++k;
    citizens[i].earnings_decile = 1 + k;
    before += citizens[i].weight.value();
  }
}

void check_grouping(const char* name, const std::map<std::string, GroupTotals>& groups, const GroupTotals& total) {
  GroupTotals sum;
  for (const auto& [label, group] : groups) sum.merge(group);
  bool same = sum.citizens() == total.citizens() && sum.weight() == total.weight();
  for (std::size_t m = 0; m < measure_count && same; ++m) {
    const auto measure = static_cast<Measure>(m);
    same = sum.weighted(measure).total() == total.weighted(measure).total() && sum.simulated(measure) == total.simulated(measure);
  }
  if (!same) throw Error(ErrorCode::invalid_argument, std::string("simulation: the groups by ") + name + " do not add up to the total");
}

void add_change(GroupChange& group, const CitizenResult& base, std::int64_t gain) {
  ++group.citizens;
  group.weight += base.weight.value();
  if (gain > 0) ++group.winners, group.winners_weight += base.weight.value();
  if (gain < 0) ++group.losers, group.losers_weight += base.weight.value();
  group.gain.add(base.weight, Decimal::from_coefficient(gain, 2));
}

}  // namespace

void GroupTotals::add(const CitizenResult& citizen) {
  ++citizens_;
  weight_ += citizen.weight.value();
  for (std::size_t m = 0; m < measure_count; ++m) {
    const Decimal value = Decimal::from_coefficient(citizen.hundredths[m], 2);
    weighted_[m].add(citizen.weight, value);
    simulated_[m] += value;
  }
}

void GroupTotals::merge(const GroupTotals& other) {
  citizens_ += other.citizens_;
  weight_ += other.weight_;
  for (std::size_t m = 0; m < measure_count; ++m) {
    weighted_[m].merge(other.weighted_[m]);
    simulated_[m] += other.simulated_[m];
  }
}

Decimal GroupTotals::weighted_mean(Measure m) const {
  if (weight_.is_zero()) return Decimal::from_coefficient(0, 2);
  return Decimal::divide(weighted(m).total(), weight_, 2, RoundingMode::half_even);
}

void finish(SimulationResult& result) {
  assign_deciles(result.citizens);
  Aggregates& a = result.aggregates;
  a = Aggregates{};
  for (const CitizenResult& c : result.citizens) {
    a.total.add(c);
    a.by_cohort[result.cohort_labels.at(c.cohort)].add(c);
    a.by_decile[decile_label(c.earnings_decile)].add(c);
    a.by_region[result.region_names.at(c.region)].add(c);
  }
  if (a.total.citizens() != result.citizens.size()) throw Error(ErrorCode::invalid_argument, "simulation: a citizen is missing from the total");
  check_grouping("cohort", a.by_cohort, a.total);
  check_grouping("earnings decile", a.by_decile, a.total);
  check_grouping("region", a.by_region, a.total);
}

Comparison compare(const SimulationResult& baseline, const SimulationResult& reform) {
  if (baseline.citizens.size() != reform.citizens.size() || baseline.spec.seed != reform.spec.seed ||
      baseline.spec.start_year != reform.spec.start_year || baseline.spec.years != reform.spec.years) {
    throw Error(ErrorCode::invalid_argument, "compare: the runs are not of the same population (size, seed, years)");
  }
  Comparison out;
  for (std::size_t i = 0; i < baseline.citizens.size(); ++i) {
    const CitizenResult& b = baseline.citizens[i];
    const CitizenResult& r = reform.citizens[i];
    if (b.id != r.id || b.birth_date != r.birth_date || !(b.weight == r.weight) || b.cohort != r.cohort || b.region != r.region) {
      throw Error(ErrorCode::invalid_argument, "compare: citizen " + b.id + " is not the same person in both runs");
    }
    const std::int64_t gain = r[Measure::net_position] - b[Measure::net_position];
    add_change(out.total, b, gain);
    add_change(out.by_cohort[baseline.cohort_labels.at(b.cohort)], b, gain);
    add_change(out.by_decile[decile_label(b.earnings_decile)], b, gain);
    add_change(out.by_region[baseline.region_names.at(b.region)], b, gain);
  }
  for (std::size_t t = 0; t < baseline.flows.size(); ++t) {
    YearFlows cost;
    cost.tax_year = baseline.flows[t].tax_year;
    for (std::size_t f = 0; f < flow_count; ++f) {
      cost.weighted[f] = WeightedSum::difference(reform.flows[t].weighted[f], baseline.flows[t].weighted[f]);
      cost.simulated[f] = reform.flows[t].simulated[f] - baseline.flows[t].simulated[f];
    }
    out.cost_by_year.push_back(std::move(cost));
  }
  return out;
}

}  // namespace commonweal::simulation

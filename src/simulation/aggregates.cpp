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

bool same_totals(const GroupTotals& a, const GroupTotals& b) {
  bool same = a.citizens() == b.citizens() && a.weight() == b.weight();
  for (std::size_t m = 0; m < measure_count && same; ++m) {
    const auto measure = static_cast<Measure>(m);
    same = a.weighted(measure).total() == b.weighted(measure).total() && a.simulated(measure) == b.simulated(measure);
  }
  return same;
}

void check_grouping(const char* name, const std::map<std::string, GroupTotals>& groups, const GroupTotals& total) {
  GroupTotals sum;
  for (const auto& [label, group] : groups) sum.merge(group);
  if (!same_totals(sum, total)) {
    throw Error(ErrorCode::invalid_argument, std::string("simulation: the groups by ") + name + " do not add up to the total");
  }
}

// Groups present in a but not in b must be empty (a part may lack a group the whole has).
bool same_groups(const std::map<std::string, GroupTotals>& merged, const std::map<std::string, GroupTotals>& whole) {
  for (const auto& [label, group] : whole) {
    const auto found = merged.find(label);
    if (!same_totals(found == merged.end() ? GroupTotals{} : found->second, group)) return false;
  }
  for (const auto& [label, group] : merged) {
    if (!whole.contains(label) && group.citizens() != 0) return false;
  }
  return true;
}

void refuse_parts(const std::string& reason) { throw Error(ErrorCode::invalid_argument, "merge_parts: " + reason); }

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

void GroupTotals::add_sums(const Weight& weight, std::size_t citizens,
                           const std::array<detail::int128, measure_count>& hundredths) {
  if (citizens == 0) return;
  citizens_ += citizens;
  weight_ += weight.value() * Decimal(static_cast<std::uint64_t>(citizens));  // w + w + ... exactly, at w's scale
  for (std::size_t m = 0; m < measure_count; ++m) {
    const Decimal value = Decimal::from_coefficient(hundredths[m], 2);
    weighted_[m].add(weight, value);  // w x a + w x b = w x (a + b), exactly and at the same scale
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

namespace {

// One group's citizens summed by weight before they reach its GroupTotals (add_sums): the
// figures in 128-bit hundredths, a slot per weight as written (value and scale, so that the
// weighted sums keep the scales adding each citizen gives).
class GroupSums {
 public:
  void add(const CitizenResult& c) {
    Slot& slot = slot_for(c.weight);
    ++slot.citizens;
    for (std::size_t m = 0; m < measure_count; ++m) slot.hundredths[m] += c.hundredths[m];
  }
  bool empty() const { return slots_.empty(); }
  void add_to(GroupTotals& totals) const {
    for (const Slot& slot : slots_) totals.add_sums(slot.weight, slot.citizens, slot.hundredths);
  }

 private:
  struct Slot {
    Weight weight;
    std::size_t citizens = 0;
    std::array<detail::int128, measure_count> hundredths{};
  };
  static bool same(const Weight& a, const Weight& b) { return a == b && a.value().scale() == b.value().scale(); }
  Slot& slot_for(const Weight& weight) {
    if (last_ < slots_.size() && same(slots_[last_].weight, weight)) return slots_[last_];
    for (last_ = 0; last_ < slots_.size(); ++last_) {
      if (same(slots_[last_].weight, weight)) return slots_[last_];
    }
    slots_.push_back(Slot{weight, 0, {}});
    return slots_.back();
  }

  std::vector<Slot> slots_;
  std::size_t last_ = 0;
};

}  // namespace

void finish(SimulationResult& result) {
  const bool whole = !result.partial();
  if (whole) assign_deciles(result.citizens);
  Aggregates& a = result.aggregates;
  a = Aggregates{};
  GroupSums total;
  std::vector<GroupSums> cohorts(result.cohort_labels.size()), deciles(11), regions(result.region_names.size());
  for (const CitizenResult& c : result.citizens) {
    total.add(c);
    cohorts.at(c.cohort).add(c);
    if (whole) deciles.at(static_cast<std::size_t>(c.earnings_decile)).add(c);
    regions.at(c.region).add(c);
  }
  total.add_to(a.total);
  for (std::size_t i = 0; i < cohorts.size(); ++i) {
    if (!cohorts[i].empty()) cohorts[i].add_to(a.by_cohort[result.cohort_labels[i]]);
  }
  for (std::size_t i = 0; i < deciles.size(); ++i) {
    if (!deciles[i].empty()) deciles[i].add_to(a.by_decile[decile_label(static_cast<int>(i))]);
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    if (!regions[i].empty()) regions[i].add_to(a.by_region[result.region_names[i]]);
  }
  if (a.total.citizens() != result.citizens.size()) throw Error(ErrorCode::invalid_argument, "simulation: a citizen is missing from the total");
  check_grouping("cohort", a.by_cohort, a.total);
  if (whole) check_grouping("earnings decile", a.by_decile, a.total);
  check_grouping("region", a.by_region, a.total);
}

SimulationResult merge_parts(std::vector<SimulationResult> parts) {
  if (parts.empty()) refuse_parts("no parts");
  std::stable_sort(parts.begin(), parts.end(),
                   [](const SimulationResult& a, const SimulationResult& b) { return a.first_citizen < b.first_citizen; });
  SimulationResult whole;
  const SimulationResult& first = parts.front();
  whole.spec = first.spec;
  whole.sources = first.sources;
  whole.cohort_labels = first.cohort_labels;
  whole.region_names = first.region_names;
  whole.flows = first.flows;
  for (YearFlows& year : whole.flows) year = YearFlows{year.tax_year, {}, {}};
  whole.citizens.reserve(first.spec.size);
  Aggregates merged;
  for (SimulationResult& part : parts) {
    const PopulationSpec& s = part.spec;
    if (s.size != first.spec.size || s.seed != first.spec.seed || s.start_year != first.spec.start_year ||
        s.years != first.spec.years || part.sources != first.sources || part.cohort_labels != first.cohort_labels ||
        part.region_names != first.region_names || part.flows.size() != first.flows.size()) {
      refuse_parts("the parts are not of the same run (population, seed, years, scheme, assumptions, reform)");
    }
    if (part.first_citizen > whole.citizens.size()) refuse_parts("citizen " + std::to_string(whole.citizens.size()) + " is in no part");
    if (part.first_citizen < whole.citizens.size() && !part.citizens.empty()) {
      refuse_parts("citizen " + std::to_string(part.first_citizen) + " is in two parts");
    }
    for (std::size_t t = 0; t < part.flows.size(); ++t) whole.flows[t].merge(part.flows[t]);
    whole.events += part.events;
    whole.entries += part.entries;
    merged.total.merge(part.aggregates.total);
    for (const auto& [label, group] : part.aggregates.by_cohort) merged.by_cohort[label].merge(group);
    for (const auto& [label, group] : part.aggregates.by_region) merged.by_region[label].merge(group);
    for (CitizenResult& c : part.citizens) whole.citizens.push_back(std::move(c));
  }
  if (whole.citizens.size() != whole.spec.size) refuse_parts("citizen " + std::to_string(whole.citizens.size()) + " is in no part");
  finish(whole);
  if (!same_totals(merged.total, whole.aggregates.total) || !same_groups(merged.by_cohort, whole.aggregates.by_cohort) ||
      !same_groups(merged.by_region, whole.aggregates.by_region)) {
    refuse_parts("the parts' aggregates do not add up to the merged run's");
  }
  return whole;
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

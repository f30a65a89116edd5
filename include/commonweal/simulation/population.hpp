// commonweal::simulation::Population: a seeded synthetic population whose
// lives (earnings, taxes, children, study, parental leave, unemployment,
// early retirement, volunteering, services, deaths) become life events for
// the scheme's rules (docs/simulation.md).
//
// Guarantees
// - Deterministic: citizen(i) depends only on the parameters, the spec and
//   i, never on the order citizens are asked for or on threads; each
//   citizen has its own std::mt19937_64 (seeded from the run's seed and i by
//   SplitMix64), and only its raw output is used (no std:: distributions,
//   whose results differ between standard libraries).
// - Common random numbers: every citizen consumes a fixed block of draws at
//   birth and a fixed block each simulated year until its death, whatever happens, so a
//   reform that changes a rate or a probability changes outcomes, never
//   which draw decides what: a baseline and a reform see the same lives
//   unless the reform changes the assumptions themselves.
// - Events lie within the citizen's life (on or after birth, on or before
//   death) and within the run's tax years; amounts are whole pence (or
//   hundredths of an hour), never negative; ids are unique
//   ("P0000001.2031.it").
// - Weights: citizen i belongs to cohort i mod K (K cohorts), and carries
//   the weight cohort population / citizens in the cohort, rounded half-even
//   to 6 decimals.
// - Simulated citizens never exchange hours (R5) with each other, so a
//   population splits cleanly by citizen.
// Constraints
// - The parameters must hold the assumptions (examples/simulation/uk-assumptions.yaml)
//   and state_pension_age (R9's); the Population keeps a reference to them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commonweal/lifecycle/event.hpp"
#include "commonweal/simulation/assumptions.hpp"
#include "commonweal/simulation/weight.hpp"

namespace commonweal::simulation {

struct PopulationSpec {
  std::size_t size = 1000;
  std::uint64_t seed = 1;
  int start_year = 2025;  // the first tax year simulated is start_year-(start_year+1)
  int years = 50;
};

struct SyntheticCitizen {
  std::size_t index = 0;
  Citizen citizen;               // id, birth date, death date (if within the run), region
  Weight weight = Weight::one();
  std::size_t cohort = 0;        // into Assumptions::cohorts()
  std::size_t region = 0;        // into Assumptions::regions()
  bool female = false;
  std::optional<Date> state_pension_age_date;  // as R9 computes it
  std::int64_t earnings_pence = 0;             // gross earnings within the run
  std::vector<Event> events;
  std::vector<Event> spare_events;  // not the citizen's: room Population::citizen(index, out) reuses for the next one
};

class Population {
 public:
  Population(const ParameterSet& parameters, PopulationSpec spec);

  SyntheticCitizen citizen(std::size_t index) const;
  // The same citizen written into out, reusing its storage (a runner's one buffer for many citizens).
  void citizen(std::size_t index, SyntheticCitizen& out) const;
  std::size_t size() const { return spec_.size; }
  const PopulationSpec& spec() const { return spec_; }
  const Assumptions& assumptions() const { return assumptions_; }
  const ParameterSet& parameters() const { return parameters_; }
  // "P0000001" for index 0: at least 7 digits, so ids sort in index order.
  static std::string citizen_id(std::size_t index);
  // The number of citizens in cohort k and the weight each carries.
  std::size_t cohort_size(std::size_t cohort) const { return cohort_sizes_.at(cohort); }
  const Weight& cohort_weight(std::size_t cohort) const { return cohort_weights_.at(cohort); }

 private:
  const ParameterSet& parameters_;
  PopulationSpec spec_;
  Assumptions assumptions_;
  std::vector<std::size_t> cohort_sizes_;
  std::vector<Weight> cohort_weights_;
};

}  // namespace commonweal::simulation

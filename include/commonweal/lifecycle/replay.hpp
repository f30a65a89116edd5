// commonweal::LifeReplay: citizens' lives replayed through a scheme's rules
// in date order. Engine::derive replays a group of citizens with it into a
// Derivation; the population runner replays one simulated citizen at a time
// with it into an EntrySink (simulation.hpp). Both therefore apply the same
// rules in the same order: there is one replay.
//
// Guarantees
// - Order: by day; within a day, start-of-day operations (R9) first, then
//   events by Event::sequence, then end-of-day operations (R8); scheduled
//   operations of a day and phase by the scheme's order of scheduled rules;
//   remaining ties (citizens of one group) by the order citizens were added.
// - Scheduled operations are those each scheduled rule gives on or before
//   the clock; without a clock there are none.
// - run() applies every step through the scheme's rules and the given
//   RuleContext, and throws Refusal (an event without a rule is refused)
//   exactly where Engine::derive does.
// Constraints
// - CitizenState references handed out by add_citizen() stay valid until
//   the next reset() (rules keep pointers to them: R5's counterparty).
// - The events added must outlive run().
#pragma once

#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commonweal/policy/scheme.hpp"

namespace commonweal {

// The citizens of one replay, with their running states.
class ReplayStates final : public CitizenStates {
 public:
  void reset(std::size_t size);
  CitizenState& add(std::string_view id);
  CitizenState* find(std::string_view citizen_id) override;

 private:
  static constexpr std::size_t linear_limit = 8;  // most groups are one citizen
  std::vector<std::pair<std::string_view, CitizenState>> states_;
  std::unordered_map<std::string_view, std::size_t> by_id_;
};

class LifeReplay {
 public:
  // Forgets the previous replay; room for `citizens` citizens (no more may be added).
  void reset(std::size_t citizens);
  // A citizen (id must outlive the replay), with R9's settlement date and, with a clock, the
  // scheduled operations due on or before it.
  CitizenState& add_citizen(const Scheme& scheme, std::string_view id, const Citizen& citizen,
                            const std::optional<Date>& clock);
  // One of the events of the citizen added last, ordered by its sequence within its day.
  void add_event(const Event& event);
  // Every step in order, through the scheme's rules.
  void run(const Scheme& scheme, RuleContext& context);
  CitizenStates& states() { return states_; }

 private:
  struct Step {
    int day;
    int phase;
    std::uint64_t order;  // events: the sequence; operations: the scheduled rule's place
    std::size_t citizen_ordinal;
    CitizenState* citizen;
    const Event* event;  // nullptr: a scheduled operation
    ScheduledOperation operation;
  };
  static constexpr int event_phase = 1;  // between ScheduledOperation's start_of_day and end_of_day

  ReplayStates states_;
  // Two runs merged in run(): events (usually added in date order already: then not sorted
  // again) and scheduled operations (few). Same order as one sort of both by
  // (day, phase, order, citizen_ordinal); an event and an operation never tie (phases differ).
  std::vector<Step> events_, scheduled_;
  std::vector<ScheduledOperation> operations_;
  std::size_t citizens_ = 0;
  CitizenState* last_citizen_ = nullptr;
};

}  // namespace commonweal

// Lives replayed through the rules in date order (replay.hpp).
#include "commonweal/lifecycle/replay.hpp"

#include <algorithm>
#include <tuple>

namespace commonweal {

void ReplayStates::reset(std::size_t size) {
  states_.clear();
  states_.reserve(size);  // no reallocation after this: rules keep pointers to states
  by_id_.clear();
}

CitizenState& ReplayStates::add(std::string_view id) {
  if (states_.size() == states_.capacity()) throw Error(ErrorCode::invalid_argument, "a replay holds more citizens than it made room for");
  states_.emplace_back(id, CitizenState{});
  if (states_.size() > linear_limit) {
    if (by_id_.empty()) {
      for (std::size_t i = 0; i < states_.size(); ++i) by_id_.emplace(states_[i].first, i);
    } else {
      by_id_.emplace(id, states_.size() - 1);
    }
  }
  return states_.back().second;
}

CitizenState* ReplayStates::find(std::string_view citizen_id) {
  if (states_.size() > linear_limit) {
    const auto found = by_id_.find(citizen_id);
    return found == by_id_.end() ? nullptr : &states_[found->second].second;
  }
  for (auto& [id, state] : states_) {
    if (id == citizen_id) return &state;
  }
  return nullptr;
}

void LifeReplay::reset(std::size_t citizens) {
  states_.reset(citizens);
  events_.clear();
  scheduled_.clear();
  citizens_ = 0;
  last_citizen_ = nullptr;
}

CitizenState& LifeReplay::add_citizen(const Scheme& scheme, std::string_view id, const Citizen& citizen,
                                      const std::optional<Date>& clock) {
  const ParameterSet& parameters = scheme.parameters();
  CitizenState& state = states_.add(id);
  state.citizen = &citizen;
  state.settlement_date = rules::state_pension_age_date(citizen, parameters);
  const std::size_t ordinal = citizens_++;
  last_citizen_ = &state;
  if (!clock) return state;
  for (std::size_t rule = 0; rule < scheme.scheduled_rules().size(); ++rule) {
    operations_.clear();
    scheme.scheduled_rules()[rule]->schedule(state, parameters, *clock, operations_);
    for (const ScheduledOperation& operation : operations_) {
      scheduled_.push_back({day_number(operation.date), static_cast<int>(operation.phase), rule, ordinal, &state, nullptr,
                           operation});
    }
  }
  return state;
}

void LifeReplay::add_event(const Event& event) {
  if (last_citizen_ == nullptr) throw Error(ErrorCode::invalid_argument, "a replay's event comes before any citizen");
  events_.push_back({day_number(event.date), event_phase, event.sequence, citizens_ - 1, last_citizen_, &event, {}});
}

namespace {

// Sorts steps that are mostly in order already (a life's events by tax year, out of order only
// within a day or a year; R8's year ends with R9's one birthday among them) by insertion, which
// costs a move per step out of place; past a budget of moves, by std::sort. Steps never tie
// (events differ in sequence, operations in day, phase or rule), so the result is the one order.
template <class Step, class Before>
void sort_mostly_sorted(std::vector<Step>& steps, const Before& before) {
  if (steps.size() < 2) return;
  std::size_t budget = 8 * steps.size() + 64;
  for (auto i = steps.begin() + 1; i != steps.end(); ++i) {
    if (!before(*i, *(i - 1))) continue;
    Step step = std::move(*i);
    auto hole = i;
    do {
      *hole = std::move(*(hole - 1));
      --hole;
    } while (hole != steps.begin() && before(step, *(hole - 1)) && --budget != 0);
    *hole = std::move(step);
    if (budget == 0) {  // far from sorted (a group of citizens): the general sort
      std::sort(steps.begin(), steps.end(), before);
      return;
    }
  }
}

}  // namespace

void LifeReplay::run(const Scheme& scheme, RuleContext& context) {
  const auto before = [](const Step& a, const Step& b) {
    return std::tie(a.day, a.phase, a.order, a.citizen_ordinal) < std::tie(b.day, b.phase, b.order, b.citizen_ordinal);
  };
  sort_mostly_sorted(events_, before);
  sort_mostly_sorted(scheduled_, before);
  const auto apply = [&](const Step& step) {
    if (step.event != nullptr) {
      const EventRule* rule = scheme.rule_for(step.event->kind);
      if (rule == nullptr) refuse(*step.event, "the scheme has no rule for this kind of event");
      rule->apply(*step.event, *step.citizen, context);
    } else {
      step.operation.rule->apply(step.operation, *step.citizen, context);
    }
  };
  auto event = events_.begin();
  auto operation = scheduled_.begin();
  while (event != events_.end() || operation != scheduled_.end()) {
    if (operation == scheduled_.end() || (event != events_.end() && before(*event, *operation))) {
      apply(*event++);
    } else {
      apply(*operation++);
    }
  }
}

}  // namespace commonweal

// What a rule is: the interface between the lifecycle engine and R1-R9.
//
// A rule reads one event (EventRule) or one scheduled moment (ScheduledRule)
// and the citizen's running state, and emits the entries it *should*
// produce, each under a stable key. The engine replays a citizen's life
// through the rules in date order, then compares those entries with the
// journal (derive, diff, post): a first import, a late event, a correction,
// an advance of the clock and a change of scheme are the same operation.
//
// Guarantees for every rule
// - Deterministic: the same events, parameters and clock give the same
//   entries, keys and amounts.
// - Each rounding happens in RuleContext::multiply() or divide(), which name the mode and
//   records it for explanations; an amount that rounds to zero posts nothing.
// - A refusal (a limit, an unaccredited provider) throws
//   Error(ErrorCode::refused) naming the event; the engine then changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/budgets/provider_registry.hpp"
#include "commonweal/ledger/entry.hpp"
#include "commonweal/lifecycle/event.hpp"
#include "commonweal/policy/accounts.hpp"
#include "commonweal/policy/parameter_set.hpp"

namespace commonweal {

// A citizen's running balances while their life is replayed.
struct CitizenState {
  const Citizen* citizen = nullptr;
  Decimal social, care, time, budget_council, budget_own, learning;
  bool settled = false;
  std::optional<Date> settlement_date;  // the state pension age birthday, when the scheme gives an age
  Decimal weekly_supplement;
};

struct DerivedEntry {
  std::string key;      // stable across re-derivations: "C1/E1/R1", "C1/R8/2024-25"; the citizen comes first
  Date date;
  std::string code;     // what the statement groups by: "R1:income_tax", "R8"
  std::string memo;
  std::vector<Posting> postings;
};

// Why an entry has the amounts it has: the rule, inputs, parameters and roundings.
struct Explanation {
  std::string key;
  std::string rule;
  std::vector<std::string> inputs;      // "event E1: tax income_tax 1234.55 on 2024-05-31"
  std::vector<std::string> parameters;  // "contribution_share.income_tax = 0.10 (from 2010-04-06)"
  std::vector<std::string> roundings;   // "0.10 x 1234.55 = 123.455, rounded half_even to 0.01: 123.46"
};

// Looks up another citizen's state (exchanges move hours between two citizens).
class CitizenStates {
 public:
  virtual ~CitizenStates() = default;
  virtual CitizenState* find(std::string_view citizen_id) = 0;
};

class RuleContext {
 public:
  RuleContext(const ParameterSet& parameters, const ProviderRegistry& providers, CitizenStates& states,
              std::vector<DerivedEntry>& out, std::vector<Explanation>* explanations)
      : parameters_(parameters), providers_(providers), states_(states), out_(out), explanations_(explanations) {}

  const ParameterSet& parameters() const { return parameters_; }
  const ProviderRegistry& providers() const { return providers_; }
  CitizenStates& states() { return states_; }
  Unit currency() const { return parameters_.currency; }
  bool explaining() const { return explanations_ != nullptr; }

  // Starts the explanation of the entry about to be emitted under key (a no-op unless explaining).
  void begin(std::string_view key, std::string_view rule) {
    if (explanations_) explanations_->push_back({std::string(key), std::string(rule), {}, {}, {}});
  }
  void note_input(const std::string& text) {
    if (explanations_ && !explanations_->empty()) explanations_->back().inputs.push_back(text);
  }

  // A parameter's value at day, recorded for the explanation; none if it has no value then.
  std::optional<ParameterValue> lookup(const std::string& name, const Date& day) {
    const Parameter* parameter = parameters_.find(name);
    const DatedValue* entry = parameter ? parameter->entry_at(day) : nullptr;
    if (explanations_ && !explanations_->empty()) {
      explanations_->back().parameters.push_back(
          name + " = " + (entry && entry->value ? entry->value->text : std::string("none")) +
          (entry ? " (from " + format_date(entry->from) + ")" : " (no value on " + format_date(day) + ")"));
    }
    if (entry == nullptr) return std::nullopt;
    return entry->value;
  }
  std::optional<Decimal> number(const std::string& name, const Date& day) {
    const auto value = lookup(name, day);
    if (!value || value->kind != ParameterValue::Kind::number) return std::nullopt;
    return value->number;
  }
  bool flag(const std::string& name, const Date& day) {
    const auto value = lookup(name, day);
    return value && value->kind == ParameterValue::Kind::boolean && value->boolean;
  }

  // The places rules round: a product or a quotient, computed exactly, then
  // rounded once to scale by mode, and recorded for the explanation.
  Decimal multiply(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
    const Decimal result = Decimal::multiply_rounded(a, b, scale, mode);
    if (explaining()) note_rounding(a.to_string() + " x " + b.to_string(), exact_product_text(a, b), scale, mode, result);
    return result;
  }
  Decimal divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
    const Decimal result = Decimal::divide(a, b, scale, mode);
    if (explaining()) note_rounding(a.to_string() + " / " + b.to_string(), "", scale, mode, result);
    return result;
  }

  void emit(DerivedEntry entry) { out_.push_back(std::move(entry)); }

  // A two-posting entry: amount to `to`, from `from`.
  void emit_transfer(std::string key, const Date& day, std::string code, std::string memo,
                     std::string to, std::string from, const Decimal& amount, Unit unit) {
    DerivedEntry entry{std::move(key), day, std::move(code), std::move(memo), {}};
    entry.postings.reserve(2);
    entry.postings.push_back({std::move(to), Amount(amount, unit)});
    entry.postings.push_back({std::move(from), Amount(-amount, unit)});
    out_.push_back(std::move(entry));
  }

 private:
  static std::string exact_product_text(const Decimal& a, const Decimal& b) {
    if (a.scale() + b.scale() > Decimal::scale_max) return "";
    try {
      return (a * b).to_string();
    } catch (const Error&) {
      return "";
    }
  }
  void note_rounding(const std::string& expression, const std::string& exact, int scale, RoundingMode mode,
                     const Decimal& result) {
    if (explanations_->empty()) return;
    explanations_->back().roundings.push_back(expression + (exact.empty() ? "" : " = " + exact) + ", rounded " +
                                              std::string(to_string(mode)) + " to " + std::to_string(scale) +
                                              " decimals: " + result.to_string());
  }

  const ParameterSet& parameters_;
  const ProviderRegistry& providers_;
  CitizenStates& states_;
  std::vector<DerivedEntry>& out_;
  std::vector<Explanation>* explanations_;
};

inline std::string event_key(const Event& event, std::string_view rule) {
  std::string key;
  key.reserve(event.citizen.size() + event.id.size() + rule.size() + 2);
  key.append(event.citizen).append("/").append(event.id).append("/").append(rule);
  return key;
}

// A rule's refusal of one event; the engine names the input row behind it.
class Refusal : public Error {
 public:
  Refusal(std::string event_id, const std::string& message)
      : Error(ErrorCode::refused, message), event_id_(std::move(event_id)) {}
  const std::string& event_id() const { return event_id_; }

 private:
  std::string event_id_;
};

[[noreturn]] inline void refuse(const Event& event, const std::string& reason) {
  throw Refusal(event.id, "event " + event.id + " (" + std::string(to_string(event.kind)) + " on " +
                              format_date(event.date) + ") is refused: " + reason);
}

class EventRule {
 public:
  virtual ~EventRule() = default;
  virtual std::string_view name() const = 0;
  virtual void apply(const Event& event, CitizenState& state, RuleContext& context) const = 0;
};

// A moment in a citizen's life when a scheduled rule runs.
struct ScheduledOperation {
  enum class Phase { start_of_day = 0, end_of_day = 2 };  // events of the day run between
  Date date;
  Phase phase;
  const class ScheduledRule* rule;
};

class ScheduledRule {
 public:
  virtual ~ScheduledRule() = default;
  virtual std::string_view name() const = 0;
  // The operations due for this citizen on or before clock.
  virtual void schedule(const CitizenState& state, const ParameterSet& parameters, const Date& clock,
                        std::vector<ScheduledOperation>& out) const = 0;
  virtual void apply(const ScheduledOperation& operation, CitizenState& state, RuleContext& context) const = 0;
};

}  // namespace commonweal

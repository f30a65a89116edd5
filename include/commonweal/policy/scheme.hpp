// commonweal::Scheme: parameters plus the rules that read them.
//
// Guarantees
// - Scheme::reference() wires R1-R9 of the reference scheme; each event kind
//   has exactly one rule, and scheduled rules run in the order added.
// - A new scheme adds or replaces a rule with set_rule() or
//   add_scheduled_rule(), without touching the other rules.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "commonweal/policy/rules/r1_contribution.hpp"
#include "commonweal/policy/rules/r2_benefit.hpp"
#include "commonweal/policy/rules/r3_service_use.hpp"
#include "commonweal/policy/rules/r4_volunteering.hpp"
#include "commonweal/policy/rules/r5_exchange.hpp"
#include "commonweal/policy/rules/r6_personal_budget.hpp"
#include "commonweal/policy/rules/r7_learning_account.hpp"
#include "commonweal/policy/rules/r8_indexation.hpp"
#include "commonweal/policy/rules/r9_settlement.hpp"

namespace commonweal {

class Scheme {
 public:
  explicit Scheme(ParameterSet parameters) : parameters_(std::move(parameters)) {}

  static Scheme reference(ParameterSet parameters) {
    Scheme scheme(std::move(parameters));
    const auto budget = std::make_shared<rules::PersonalBudget>();
    const auto learning = std::make_shared<rules::LearningAccount>();
    scheme.set_rule(EventKind::tax, std::make_shared<rules::Contribution>());
    scheme.set_rule(EventKind::benefit, std::make_shared<rules::Benefit>());
    scheme.set_rule(EventKind::service, std::make_shared<rules::ServiceUse>());
    scheme.set_rule(EventKind::volunteer, std::make_shared<rules::Volunteering>());
    scheme.set_rule(EventKind::exchange, std::make_shared<rules::Exchange>());
    scheme.set_rule(EventKind::time_donation, std::make_shared<rules::TimeDonation>());
    scheme.set_rule(EventKind::time_grant, std::make_shared<rules::TimeGrant>());
    scheme.set_rule(EventKind::time_session, std::make_shared<rules::TimeSession>());
    scheme.set_rule(EventKind::budget_grant, budget);
    scheme.set_rule(EventKind::budget_topup, budget);
    scheme.set_rule(EventKind::budget_spend, budget);
    scheme.set_rule(EventKind::learning_grant, learning);
    scheme.set_rule(EventKind::learning_spend, learning);
    // Settlement before indexation: on the same day R9 runs at its start, R8 at its end.
    scheme.add_scheduled_rule(std::make_shared<rules::Settlement>());
    scheme.add_scheduled_rule(std::make_shared<rules::Indexation>());
    return scheme;
  }

  const ParameterSet& parameters() const { return parameters_; }
  const EventRule* rule_for(EventKind kind) const { return event_rules_[static_cast<std::size_t>(kind)].get(); }
  const std::vector<std::shared_ptr<const ScheduledRule>>& scheduled_rules() const { return scheduled_rules_; }

  void set_rule(EventKind kind, std::shared_ptr<const EventRule> rule) {
    event_rules_[static_cast<std::size_t>(kind)] = std::move(rule);
  }
  void add_scheduled_rule(std::shared_ptr<const ScheduledRule> rule) { scheduled_rules_.push_back(std::move(rule)); }

 private:
  ParameterSet parameters_;
  std::array<std::shared_ptr<const EventRule>, std::size(event_kind_names)> event_rules_{};
  std::vector<std::shared_ptr<const ScheduledRule>> scheduled_rules_;
};

}  // namespace commonweal

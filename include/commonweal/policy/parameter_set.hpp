// commonweal::ParameterSet: a scheme's parameters, possibly with a reform
// merged over it, and where they came from.
//
// Guarantees
// - Lookups follow reference scheme section 5: a parameter with no value at
//   a date (absent, before its first date, after `value: null`) gives none,
//   and the *_or helpers turn that into the rule's neutral value.
// - with_reform() follows OpenFisca's `update` with no stop: for each
//   parameter the reform names, its values replace the scheme's from the
//   reform's earliest date for that parameter on; earlier values stay.
// - sources() names every file that went in, with its SHA-256, so each
//   figure can be traced to the exact scheme and reform text.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/tax_year.hpp"
#include "commonweal/core/unit.hpp"
#include "commonweal/policy/parameter.hpp"

namespace commonweal {

struct ParameterSource {
  std::string name;    // the file name as given
  std::string sha256;  // of the file's bytes, lower-case hex
  std::string role;    // "scheme" or "reform"
  friend bool operator==(const ParameterSource&, const ParameterSource&) = default;
};

class ParameterSet {
 public:
  std::string description;
  Unit currency = Unit::parse("GBP");
  TaxYearStart tax_year_start = uk_tax_year_start;
  std::map<std::string, std::string> metadata;

  void add(Parameter parameter) { parameters_[parameter.name] = std::move(parameter); }
  const Parameter* find(std::string_view name) const {
    const auto found = parameters_.find(std::string(name));
    return found == parameters_.end() ? nullptr : &found->second;
  }
  const std::map<std::string, Parameter>& parameters() const { return parameters_; }

  std::optional<ParameterValue> at(std::string_view name, const Date& day) const {
    const Parameter* parameter = find(name);
    return parameter ? parameter->at(day) : std::nullopt;
  }
  // A number, or none (also when the value is a boolean: the loader's checks keep kinds apart).
  std::optional<Decimal> number_at(std::string_view name, const Date& day) const {
    const auto value = at(name, day);
    if (!value || value->kind != ParameterValue::Kind::number) return std::nullopt;
    return value->number;
  }
  Decimal number_or_zero(std::string_view name, const Date& day) const {
    return number_at(name, day).value_or(Decimal());
  }
  bool is_true(std::string_view name, const Date& day) const {
    const auto value = at(name, day);
    return value && value->kind == ParameterValue::Kind::boolean && value->boolean;
  }

  const std::vector<ParameterSource>& sources() const { return sources_; }
  void add_source(ParameterSource source) { sources_.push_back(std::move(source)); }

  ParameterSet with_reform(const ParameterSet& reform) const {
    ParameterSet merged = *this;
    for (const auto& [name, reform_parameter] : reform.parameters_) {
      Parameter& target = merged.parameters_[name];
      if (target.name.empty()) target.name = name;
      if (!reform_parameter.description.empty()) target.description = reform_parameter.description;
      if (!reform_parameter.reference.empty()) target.reference = reform_parameter.reference;
      if (reform_parameter.values.empty()) continue;
      const Date from = reform_parameter.values.front().from;
      std::erase_if(target.values, [&](const DatedValue& value) { return value.from >= from; });
      target.values.insert(target.values.end(), reform_parameter.values.begin(), reform_parameter.values.end());
    }
    for (ParameterSource source : reform.sources_) {
      source.role = "reform";
      merged.sources_.push_back(std::move(source));
    }
    return merged;
  }

 private:
  std::map<std::string, Parameter> parameters_;
  std::vector<ParameterSource> sources_;
};

}  // namespace commonweal

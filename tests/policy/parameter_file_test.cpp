// Scheme and reform files: OpenFisca's layout, read exactly, errors with file and line.
#include <doctest/doctest.h>

#include "commonweal/policy/parameter_file.hpp"

using namespace commonweal;
using namespace commonweal::literals;

namespace {
std::string error_of(std::string_view yaml) {
  try {
    parse_parameter_text(yaml, "scheme.yaml");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    return error.what();
  }
  return "";
}
}  // namespace

TEST_CASE("values are exact, dated, ended by null, with the shorthand and direct dates") {
  const ParameterSet set = parse_parameter_text(R"(
description: test scheme
metadata: {currency: EUR, tax_year_start: "01-01"}
contribution_share:
  income_tax:
    description: Share of income tax
    values:
      2010-04-06: {value: 0.10}
      2015-04-06: 0.125
      2020-04-06: {value: null}
  national_insurance:
    2010-04-06: 0.25
    2012-04-06: {expected: 0.30}
debitable:
  child_benefit: {values: {2010-04-06: {value: true}}}
)", "scheme.yaml");
  CHECK(set.description == "test scheme");
  CHECK(set.currency == Unit::parse("EUR"));
  CHECK(set.tax_year_start.is_calendar_year());
  CHECK(!set.number_at("contribution_share.income_tax", parse_date("2010-04-05")));
  CHECK(set.number_at("contribution_share.income_tax", parse_date("2010-04-06")) == "0.10"_dec);
  CHECK(set.number_at("contribution_share.income_tax", parse_date("2015-04-06"))->to_string() == "0.125");
  CHECK(!set.number_at("contribution_share.income_tax", parse_date("2020-04-06")));  // ended
  CHECK(set.number_or_zero("contribution_share.income_tax", parse_date("2021-01-01")).is_zero());
  CHECK(set.number_at("contribution_share.national_insurance", parse_date("2013-01-01")) == "0.25"_dec);  // expected ignored
  CHECK(set.is_true("debitable.child_benefit", parse_date("2024-01-01")));
  CHECK(!set.is_true("debitable.pip", parse_date("2024-01-01")));
  CHECK(set.find("contribution_share.income_tax")->description == "Share of income tax");
  CHECK(set.at("contribution_share.income_tax", parse_date("2016-01-01"))->text == "0.125");
  REQUIRE(set.sources().size() == 1);
  CHECK(set.sources()[0].name == "scheme.yaml");
  CHECK(set.sources()[0].sha256.size() == 64);
}

TEST_CASE("the content hash is SHA-256 of the bytes") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string text = "a: {values: {2010-01-01: 1}}\n";
  CHECK(parse_parameter_text(text, "x").sources()[0].sha256 == sha256_hex(text));
}

TEST_CASE("scales are read as bracket parameters") {
  const ParameterSet set = parse_parameter_text(R"(
income_tax_scale:
  brackets:
    - threshold: {values: {2024-04-06: {value: 0}}}
      rate: {values: {2024-04-06: {value: 0.20}}}
    - threshold: {values: {2024-04-06: {value: 37700}}}
      rate: {values: {2024-04-06: {value: 0.40}}}
)", "scale.yaml");
  CHECK(set.number_at("income_tax_scale.brackets.1.threshold", parse_date("2024-05-01")) == "37700"_dec);
  CHECK(set.number_at("income_tax_scale.brackets.1.rate", parse_date("2024-05-01")) == "0.40"_dec);
}

TEST_CASE("bad files name the file, the line and the reason") {
  CHECK(error_of("a:\n  values:\n    2010-04-06: 1e-3\n") ==
        "scheme.yaml:3: parameter a: '1e-3' is not a number: exponent notation is not accepted; write the digits out");
  CHECK(error_of("a:\n  values:\n    2010-02-30: 1\n") ==
        "scheme.yaml:3: parameter a: '2010-02-30' is not a start date: that month has no such day");
  CHECK(error_of("a:\n  values:\n    2010-01-01: [1, 2]\n") ==
        "scheme.yaml:3: parameter a: a value must be a number, true, false or null");
  CHECK(error_of("a:\n  values:\n    2010-01-01: 1\n    2011-01-01: true\n") ==
        "scheme.yaml:2: parameter a mixes numbers and true/false");
  CHECK(error_of("a: [1, 2\n").rfind("scheme.yaml:", 0) == 0);  // not YAML at all
  CHECK(error_of("a:\n  values:\n    2010-01-01: .5\n").find("is not a number") != std::string::npos);
  CHECK(error_of("metadata: {tax_year_start: 02-29}\n").rfind("scheme.yaml:1: metadata tax_year_start", 0) == 0);
  CHECK(error_of("") == "scheme.yaml:0: the file holds no parameters");
  CHECK_THROWS_AS(load_parameter_file("/nonexistent/scheme.yaml"), Error);
}

TEST_CASE("a reform replaces values from its earliest date; earlier scheme values stay") {
  const ParameterSet scheme = parse_parameter_text(R"(
indexation_rate:
  description: yearly indexation
  values: {2010-04-06: 0.02, 2020-04-06: 0.03, 2030-04-06: 0.04}
annuity_divisor: {values: {2010-04-06: 20}}
)", "scheme.yaml");
  const ParameterSet reform = parse_parameter_text(R"(
indexation_rate: {values: {2025-04-06: 0.05}}
new_parameter: {values: {2025-04-06: true}}
)", "reform.yaml", "reform");
  const ParameterSet merged = scheme.with_reform(reform);
  CHECK(merged.number_at("indexation_rate", parse_date("2024-01-01")) == "0.03"_dec);
  CHECK(merged.number_at("indexation_rate", parse_date("2026-01-01")) == "0.05"_dec);
  CHECK(merged.number_at("indexation_rate", parse_date("2031-01-01")) == "0.05"_dec);  // 2030 value replaced too
  CHECK(merged.number_at("annuity_divisor", parse_date("2031-01-01")) == Decimal(20));
  CHECK(merged.is_true("new_parameter", parse_date("2026-01-01")));
  CHECK(merged.find("indexation_rate")->description == "yearly indexation");
  REQUIRE(merged.sources().size() == 2);
  CHECK(merged.sources()[1].role == "reform");
  CHECK(merged.sources()[1].name == "reform.yaml");
}

TEST_CASE("the shipped reference scheme loads and gives every rule's parameter") {
  const ParameterSet set = load_parameter_file(std::string(COMMONWEAL_SOURCE_DIR) + "/examples/schemes/cswa-reference.yaml");
  const Date day = parse_date("2024-06-01");
  for (const char* name : {"contribution_share.income_tax", "contribution_share.national_insurance", "copayment_rate.social_care",
                           "valuation_rate_per_hour", "social_credit_share", "volunteer_hours_step", "time_credit_limit",
                           "indexation_rate", "annuity_divisor"}) {
    CAPTURE(name);
    CHECK(set.number_at(name, day).has_value());
    CHECK(!set.find(name)->description.empty());
  }
  CHECK(set.number_at("state_pension_age", parse_date("1960-04-05")) == Decimal(66));
  CHECK(set.number_at("state_pension_age", parse_date("1960-04-06")) == Decimal(67));
  CHECK(set.is_true("debitable.child_benefit", day));
  CHECK(!set.is_true("index_deficits", day));
}

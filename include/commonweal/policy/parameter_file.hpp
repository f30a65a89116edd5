// Reading a scheme or reform file: YAML in OpenFisca's parameter layout
// (reference scheme section 7). Compiled in src/policy/ so that yaml-cpp
// and OpenSSL stay out of every other header.
//
// Guarantees
// - Numbers are read from the scalar's text with Decimal::parse: "0.10" is
//   one tenth exactly. yaml-cpp never converts a value to double here.
// - A bad file is refused with Error(invalid_input) whose message is
//   "FILE:LINE: reason" (LINE 1-based), naming the parameter.
// - The result's sources() holds the file name and the SHA-256 of its bytes.
// Layout accepted
// - Nested keys are parameter nodes; a leaf has `values:` keyed by start
//   date, or lists its dates directly. Each value is `{value: X}` or the
//   shorthand `DATE: X`; `value: null` ends the parameter; entries with
//   `expected` instead of `value` are ignored. `description`, `reference`,
//   `metadata` and `documentation` are kept, not parameters. The root's
//   metadata may set `currency` and `tax_year_start` ("MM-DD").
// - Scales (`brackets:`) are read as parameters named
//   NAME.brackets.N.threshold and NAME.brackets.N.rate (or .amount).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "commonweal/policy/parameter_set.hpp"

namespace commonweal {

// role is "scheme" or "reform"; it is recorded in sources().
ParameterSet parse_parameter_text(std::string_view yaml_text, const std::string& source_name,
                                  const std::string& role = "scheme");
ParameterSet load_parameter_file(const std::filesystem::path& path, const std::string& role = "scheme");

// Lower-case hex SHA-256 of bytes (OpenSSL).
std::string sha256_hex(std::string_view bytes);

}  // namespace commonweal

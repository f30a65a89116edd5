// commonweal::Error: the one exception type of the library.
//
// Guarantees
// - Every failure the library detects (bad text, overflow, a refused entry)
//   is reported by throwing Error with a code and a sentence naming the
//   reason; nothing is changed by an operation that throws.
// Constraints
// - The message is for people; programs branch on code().
#pragma once

#include <stdexcept>
#include <string>

namespace commonweal {

enum class ErrorCode {
  invalid_text,      // text that does not parse (a number, a date, an id)
  overflow,          // a result that does not fit its type
  division_by_zero,
  invalid_argument,  // a value outside what the operation accepts
  unit_mismatch,     // money added to hours, pounds to euros
  unbalanced_entry,  // an entry whose postings do not sum to zero per unit
  limit_breached,    // a posting that would take an account below its limit
  conflict,          // an id already used with other content
  not_found,         // an account or entry that does not exist
  invalid_input,     // a bad input file or row; the message names file, line and reason
  refused,           // a rule refused an event (a limit, an unaccredited provider)
  environment,       // a file that cannot be read or written
};

// The code's name as written above ("invalid_text"); no default, so -Wswitch
// points here when a code is added.
constexpr const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_text: return "invalid_text";
    case ErrorCode::overflow: return "overflow";
    case ErrorCode::division_by_zero: return "division_by_zero";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::unit_mismatch: return "unit_mismatch";
    case ErrorCode::unbalanced_entry: return "unbalanced_entry";
    case ErrorCode::limit_breached: return "limit_breached";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::invalid_input: return "invalid_input";
    case ErrorCode::refused: return "refused";
    case ErrorCode::environment: return "environment";
  }
  return "unknown";
}

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& reason) : std::runtime_error(reason), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace commonweal

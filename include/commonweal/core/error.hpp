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

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& reason) : std::runtime_error(reason), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace commonweal

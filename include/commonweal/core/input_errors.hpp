// commonweal::InputErrors: every bad row of an input, collected so that one
// error reports them all.
//
// Guarantees
// - Each line reads "SOURCE: column: reason", SOURCE being "FILE:LINE".
// - At most 100 lines are kept; a last line says how many more were found.
// - throw_if_any() throws one Error(invalid_input) holding every line, in
//   the order they were added.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/error.hpp"

namespace commonweal {

class InputErrors {
 public:
  static constexpr std::size_t reported_max = 100;

  void add(std::string_view source, std::string_view column, const std::string& reason) {
    if (lines_.size() < reported_max) {
      lines_.push_back(std::string(source) + ": " + std::string(column) + ": " + reason);
    }
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  void throw_if_any() const {
    if (lines_.empty()) return;
    std::string message;
    for (const std::string& line : lines_) message += (message.empty() ? "" : "\n") + line;
    if (count_ > lines_.size()) message += "\n(" + std::to_string(count_ - lines_.size()) + " more errors not shown)";
    throw Error(ErrorCode::invalid_input, message);
  }

 private:
  std::vector<std::string> lines_;
  std::size_t count_ = 0;
};

}  // namespace commonweal

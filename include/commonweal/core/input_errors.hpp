// commonweal::InputErrors: every bad row of an input, collected so that one
// error reports them all.
//
// Guarantees
// - Each line reads "SOURCE: column: reason", SOURCE being "FILE:LINE".
//   Control characters from the input (a line break inside a quoted field)
//   are written as \xNN, so one problem is always one line.
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

  void add(std::string_view source, std::string_view column, std::string_view reason) {
    if (lines_.size() < reported_max) {
      lines_.push_back(one_line(source) + ": " + one_line(column) + ": " + one_line(reason));
    }
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  // How many problems were found, shown or not.
  std::size_t count() const { return count_; }
  void throw_if_any() const {
    if (lines_.empty()) return;
    std::string message;
    for (const std::string& line : lines_) message += (message.empty() ? "" : "\n") + line;
    if (count_ > lines_.size()) message += "\n(" + std::to_string(count_ - lines_.size()) + " more errors not shown)";
    throw Error(ErrorCode::invalid_input, message);
  }

 private:
  static std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte != 0x7f) {
        out += c;
        continue;
      }
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
    return out;
  }

  std::vector<std::string> lines_;
  std::size_t count_ = 0;
};

}  // namespace commonweal

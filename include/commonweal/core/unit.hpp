// commonweal::Unit: what an amount counts, money in a currency or hours.
//
// Guarantees
// - A unit is either an ISO 4217-style currency code (three capital
//   letters, e.g. GBP) or HOUR (time credits); both have scale 2.
// - Two units are equal only if their codes are equal.
// Constraints
// - Anything else is refused by parse() with the reason.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "commonweal/core/error.hpp"

namespace commonweal {

class Unit {
 public:
  static constexpr int money_scale = 2;
  static constexpr int hour_scale = 2;

  static Unit parse(std::string_view code) {
    const bool is_hour = code == "HOUR";
    const bool is_currency = code.size() == 3 && is_capital(code[0]) && is_capital(code[1]) &&
                             is_capital(code[2]);
    if (!is_hour && !is_currency) {
      throw Error(ErrorCode::invalid_text,
                  "unit '" + std::string(code) +
                      "' is neither a currency code (three capital letters, e.g. GBP) nor HOUR");
    }
    return Unit(code);
  }
  static Unit hour() { return Unit("HOUR"); }
  static Unit currency(std::string_view iso_code) {
    const Unit unit = parse(iso_code);
    if (!unit.is_money()) throw Error(ErrorCode::invalid_argument, "HOUR is not a currency");
    return unit;
  }

  std::string_view code() const { return std::string_view(code_.data(), length_); }
  bool is_money() const { return length_ == 3; }
  bool is_hours() const { return length_ == 4; }
  int scale() const { return is_money() ? money_scale : hour_scale; }

  friend bool operator==(const Unit& a, const Unit& b) { return a.code() == b.code(); }

 private:
  explicit Unit(std::string_view code) : length_(static_cast<unsigned char>(code.size())) {
    code.copy(code_.data(), code.size());
  }
  static bool is_capital(char c) { return c >= 'A' && c <= 'Z'; }

  std::array<char, 4> code_{};
  unsigned char length_ = 0;
};

}  // namespace commonweal

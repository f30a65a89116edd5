// What the statement's renderers share: figures as text, readable codes, and
// lines of at most a given width. Private to src/statement/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/date.hpp"
#include "commonweal/core/decimal.hpp"

namespace commonweal::render {

// The contract's text of an amount: exactly two decimals, "1234.50" (as Statement::to_json writes it).
inline std::string plain_figure(const Decimal& value) { return value.rounded(2, RoundingMode::down).to_string(); }

// The same figure for people: thousands grouped with ',' ("-1,234.50"); built from the exact text.
inline std::string grouped_figure(const Decimal& value) {
  const std::string text = plain_figure(value);
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
  const std::size_t point = digits.find('.');
  const std::string_view whole = digits.substr(0, point);
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  if (point != std::string_view::npos) out += digits.substr(point);
  return out;
}

// A JSON string: the text quoted, with '"' and '\\' escaped (ids and codes hold nothing else that needs it).
inline std::string json_text(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// "income_tax" -> "income tax": codes as people read them.
inline std::string readable_code(std::string_view code) {
  std::string out(code);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

// "6 April 2024".
inline std::string long_date(const Date& day) {
  static constexpr const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                           "July",    "August",   "September", "October", "November", "December"};
  return std::to_string(static_cast<unsigned>(day.day())) + " " + months[static_cast<unsigned>(day.month()) - 1] +
         " " + std::to_string(static_cast<int>(day.year()));
}

// Columns a text takes on a terminal: one per code point (UTF-8 continuation bytes take none).
inline std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

// Text safe for a terminal: control characters (escape sequences included) become '?'.
inline std::string terminal_safe(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return out;
}

// Words of text in lines of at most width columns; a word longer than a line is cut
// between code points.
inline std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t line_width = 0;
  const auto flush = [&] {
    lines.push_back(line);
    line.clear();
    line_width = 0;
  };
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && text[at] == ' ') ++at;
    if (at == text.size()) break;
    std::size_t end = text.find(' ', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(at, end - at);
    at = end;
    while (!word.empty()) {
      const std::size_t word_width = display_width(word);
      if (line_width == 0 ? word_width <= width : line_width + 1 + word_width <= width) {
        if (line_width > 0) line += ' ';
        line += word;
        line_width += (line_width > 0 ? 1 : 0) + word_width;
        word = {};
      } else if (line_width > 0) {
        flush();
      } else {  // a word longer than a whole line: cut it at a code point boundary
        std::size_t cut = 0, taken = 0;
        while (cut < word.size() && taken < width) {
          ++cut;
          while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
          ++taken;
        }
        line = std::string(word.substr(0, cut));
        line_width = taken;
        word = word.substr(cut);
        flush();
      }
    }
  }
  if (line_width > 0 || lines.empty()) flush();
  return lines;
}

// Lines of at most `width` columns: label at `indent`, figure right-aligned at the last
// column; a label too long for the line wraps, and the figure goes on its last line or the next.
inline void append_row(std::string& out, std::size_t indent, std::string_view label, std::string_view figure,
                       std::size_t width = 80) {
  const std::string pad(indent, ' ');
  const std::size_t figure_width = display_width(figure);
  std::vector<std::string> lines = wrap(terminal_safe(label), width - indent);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) out += pad + lines[i] + "\n";
  const std::string& last = lines.back();
  const std::size_t used = indent + display_width(last);
  if (figure.empty()) {
    out += pad + last + "\n";
  } else if (used + 2 + figure_width <= width) {
    out += pad + last + std::string(width - used - figure_width, ' ') + std::string(figure) + "\n";
  } else {
    out += pad + last + "\n" + std::string(width > figure_width ? width - figure_width : 0, ' ') + std::string(figure) + "\n";
  }
}

// A paragraph wrapped to width at indent; lines after the first are indented `hanging` more.
inline void append_paragraph(std::string& out, std::size_t indent, std::string_view text, std::size_t width = 80,
                             std::size_t hanging = 0) {
  const std::vector<std::string> first = wrap(terminal_safe(text), width - indent);
  out += std::string(indent, ' ') + first.front() + "\n";
  if (first.size() == 1) return;
  // The rest of the text, rewrapped to the narrower hanging width.
  std::string rest;
  for (std::size_t i = 1; i < first.size(); ++i) rest += (i > 1 ? " " : "") + first[i];
  for (const std::string& line : wrap(rest, width - indent - hanging)) {
    out += std::string(indent + hanging, ' ') + line + "\n";
  }
}

}  // namespace commonweal::render

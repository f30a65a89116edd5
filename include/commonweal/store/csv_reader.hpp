// commonweal::CsvReader: RFC 4180 records from UTF-8 text.
//
// Guarantees
// - Quoted fields may hold commas, quotes ("" is one quote) and line breaks;
//   a record's line is the line where it starts (1-based, the header is 1).
// - CRLF and LF both end records; a UTF-8 byte order mark is skipped; a
//   final line break is optional; blank lines are skipped.
// - Text that is not UTF-8 (binary garbage), a NUL byte, an unterminated
//   quote, or characters after a closing quote are errors naming the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/error.hpp"

namespace commonweal {

// A record that cannot be read; line() is where the record starts.
class CsvSyntaxError : public Error {
 public:
  CsvSyntaxError(int line, const std::string& reason) : Error(ErrorCode::invalid_input, reason), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") position_ = 3;
  }

  // Reads the next record; false at the end. Throws CsvSyntaxError.
  bool next(CsvRecord& record) {
    skip_blank_lines();
    if (position_ >= text_.size()) return false;
    record.fields.clear();
    record.line = line_;
    std::string field;
    while (true) {
      const bool quoted = position_ < text_.size() && text_[position_] == '"';
      if (quoted) {
        read_quoted(field, record.line);
      } else {
        read_plain(field);
      }
      check_utf8(field, record.line);
      record.fields.push_back(std::move(field));
      field.clear();
      if (position_ >= text_.size()) return true;
      const char c = text_[position_];
      if (c == ',') {
        ++position_;
        continue;
      }
      if (c == '\r' && position_ + 1 < text_.size() && text_[position_ + 1] == '\n') ++position_;
      if (c == '\r' || c == '\n') {
        ++position_;
        ++line_;
        return true;
      }
      fail(record.line, "a character follows a closing quote");
    }
  }

 private:
  [[noreturn]] static void fail(int line, const std::string& reason) {
    throw CsvSyntaxError(line, reason);
  }

  void skip_blank_lines() {
    while (position_ < text_.size() && (text_[position_] == '\n' || text_[position_] == '\r')) {
      if (text_[position_] == '\n') ++line_;
      if (text_[position_] == '\r' && (position_ + 1 >= text_.size() || text_[position_ + 1] != '\n')) ++line_;
      ++position_;
    }
  }

  void read_plain(std::string& field) {
    const std::size_t start = position_;
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == ',' || c == '\n' || c == '\r') break;
      ++position_;
    }
    field.assign(text_.substr(start, position_ - start));
  }

  void read_quoted(std::string& field, int record_line) {
    ++position_;  // the opening quote
    while (true) {
      if (position_ >= text_.size()) fail(record_line, "a quoted field is not closed (the file may be truncated)");
      const char c = text_[position_++];
      if (c == '"') {
        if (position_ < text_.size() && text_[position_] == '"') {
          field += '"';
          ++position_;
          continue;
        }
        return;
      }
      if (c == '\n') ++line_;
      field += c;
    }
  }

  static void check_utf8(const std::string& field, int line) {
    for (std::size_t i = 0; i < field.size();) {
      const auto byte = static_cast<unsigned char>(field[i]);
      if (byte == 0) fail(line, "the text holds a NUL byte: is it a CSV file?");
      const int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
      if (length == 0 || i + static_cast<std::size_t>(length) > field.size()) fail(line, "the text is not UTF-8");
      for (int k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(field[i + static_cast<std::size_t>(k)]) >> 6) != 0x2) fail(line, "the text is not UTF-8");
      }
      i += static_cast<std::size_t>(length);
    }
  }

  std::string_view text_;
  std::size_t position_ = 0;
  int line_ = 1;
};

}  // namespace commonweal

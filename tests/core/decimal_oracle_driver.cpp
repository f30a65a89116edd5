// Driver for tests/python/decimal_oracle.py: reads one case a line from stdin
// and writes one result line per case to stdout, so that Python's decimal
// module can check every result of commonweal::Decimal as an exact string.
//
// Input lines are fields separated by tabs:
//   add a b | sub a b | mul a b             exact + - *
//   round a scale mode                      a.rounded(scale, mode)
//   div a b scale mode                      Decimal::divide(a, b, scale, mode)
//   mulround a b scale mode                 Decimal::multiply_rounded(a, b, scale, mode)
//   parse text                              to_string(parse(text)); text is the rest of the line
//   cmp a b                                 -1, 0 or 1 from <=>
// Output: the result's to_string(), or ERROR:<code> when commonweal::Error
// is thrown. A line the driver cannot read gives BADLINE:<why>, and an
// inconsistency the driver sees itself (say, equal values with different
// hashes) gives INCONSISTENT:<what>; neither can match an expected value.
//
// All input is read at once and all output written at once: the oracle sends
// millions of lines, and per-line stream I/O would dominate the run time.
#include <charconv>
#include <compare>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/decimal.hpp"
#include "commonweal/core/error.hpp"
#include "commonweal/core/rounding_mode.hpp"

namespace {

using commonweal::Decimal;
using commonweal::ErrorCode;
using commonweal::RoundingMode;

// Thrown for a malformed input line, which is a bug in the oracle, not in Decimal.
struct BadLine {
  std::string why;
};


std::string read_all_stdin() {
  std::string text;
  char chunk[1 << 16];
  std::size_t count;
  while ((count = std::fread(chunk, 1, sizeof chunk, stdin)) > 0) text.append(chunk, count);
  return text;
}

// Splits a line at tabs; the op decides how many fields it needs.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

void require_fields(const std::vector<std::string_view>& fields, std::size_t count) {
  if (fields.size() != count) {
    throw BadLine{"expected " + std::to_string(count) + " fields, got " +
                  std::to_string(fields.size())};
  }
}

// Scales are passed through as given (even out of 0..18), so that Decimal's
// own range check is what gets tested.
int parse_scale(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw BadLine{"bad scale '" + std::string(text) + "'"};
  }
  return value;
}

RoundingMode parse_mode(std::string_view text) {
  for (RoundingMode mode : commonweal::all_rounding_modes) {
    if (commonweal::to_string(mode) == text) return mode;
  }
  throw BadLine{"bad rounding mode '" + std::string(text) + "'"};
}

int sign_of(std::strong_ordering order) { return (order > 0) - (order < 0); }

// -1, 0 or 1, after checking that <=>, == and hash agree with each other.
std::string compare_case(const Decimal& a, const Decimal& b) {
  const int forward = sign_of(a <=> b);
  const int backward = sign_of(b <=> a);
  if (forward != -backward) return "INCONSISTENT:a<=>b is not -(b<=>a)";
  if ((a == b) != (forward == 0)) return "INCONSISTENT:== disagrees with <=>";
  if (forward == 0 && (a.hash() != b.hash() ||
                       std::hash<Decimal>{}(a) != std::hash<Decimal>{}(b))) {
    return "INCONSISTENT:equal values hash differently";
  }
  return std::to_string(forward);
}

// The result line for one case; commonweal::Error propagates to the caller.
std::string run_case(const std::vector<std::string_view>& fields) {
  const std::string_view op = fields[0];
  if (op == "add" || op == "sub" || op == "mul" || op == "cmp") {
    require_fields(fields, 3);
    const Decimal a = Decimal::parse(fields[1]);
    const Decimal b = Decimal::parse(fields[2]);
    if (op == "cmp") return compare_case(a, b);
    if (op == "add") return (a + b).to_string();
    if (op == "sub") return (a - b).to_string();
    return (a * b).to_string();
  }
  if (op == "round") {
    require_fields(fields, 4);
    return Decimal::parse(fields[1])
        .rounded(parse_scale(fields[2]), parse_mode(fields[3]))
        .to_string();
  }
  if (op == "div" || op == "mulround") {
    require_fields(fields, 5);
    const Decimal a = Decimal::parse(fields[1]);
    const Decimal b = Decimal::parse(fields[2]);
    const int scale = parse_scale(fields[3]);
    const RoundingMode mode = parse_mode(fields[4]);
    const Decimal result = op == "div" ? Decimal::divide(a, b, scale, mode)
                                       : Decimal::multiply_rounded(a, b, scale, mode);
    return result.to_string();
  }
  throw BadLine{"unknown op '" + std::string(op) + "'"};
}

// parse takes the whole rest of the line, tabs and spaces included, so that
// refused texts with whitespace can be tested.
std::string run_line(std::string_view line) {
  constexpr std::string_view parse_prefix = "parse\t";
  try {
    if (line.substr(0, parse_prefix.size()) == parse_prefix) {
      return Decimal::parse(line.substr(parse_prefix.size())).to_string();
    }
    return run_case(split_fields(line));
  } catch (const commonweal::Error& error) {
    return "ERROR:" + std::string(commonweal::to_string(error.code()));
  } catch (const BadLine& bad) {
    return "BADLINE:" + bad.why;
  } catch (const std::exception& error) {
    return std::string("INCONSISTENT:unexpected exception: ") + error.what();
  }
}

}  // namespace

int main() {
  const std::string input = read_all_stdin();
  std::string output;
  output.reserve(input.size());
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    output += run_line(line);
    output += '\n';
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  std::fwrite(output.data(), 1, output.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

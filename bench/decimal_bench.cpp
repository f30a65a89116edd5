// decimal_bench: times commonweal::Decimal on values written by
// bench/decimal_bench.py, which times Python's decimal on the same values and
// compares. Run it through the script; on its own:
//
//   decimal_bench VALUES_FILE [--repeat R]
//
// VALUES_FILE: a first line with the count N, then N lines "a b r" (amount,
// nonzero amount, rate) in plain decimal notation.
//
// For each operation it runs the whole list R times (default 5), keeps the
// fastest pass, and prints one line
//
//   RESULT <operation> <ns per op> <checksum>
//
// where the checksum is the exact sum of the results as a Decimal (for
// "format": the CRC-32 of the strings joined by '\n', as Python's zlib.crc32
// computes it). The results are stored in a vector and checksummed after the
// timed pass, so no work can be dropped.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "commonweal/core/decimal.hpp"

namespace {

using commonweal::Decimal;
using commonweal::RoundingMode;
using Clock = std::chrono::steady_clock;

// Tells the compiler the memory behind p is read and written here, so passes
// over the same data cannot be merged or dropped.
inline void clobber(const void* p) { asm volatile("" : : "g"(p) : "memory"); }

template <class Pass>
double best_ns_per_op(std::size_t count, int repeat, const void* results, Pass pass) {
  double best = 0;
  for (int r = 0; r < repeat; ++r) {
    clobber(results);
    const auto start = Clock::now();
    pass();
    const auto stop = Clock::now();
    clobber(results);
    const double ns = std::chrono::duration<double, std::nano>(stop - start).count();
    if (r == 0 || ns < best) best = ns;
  }
  return best / static_cast<double>(count);
}

Decimal sum_of(const std::vector<Decimal>& values) {
  Decimal sum;
  for (const Decimal& value : values) sum += value;
  return sum;
}

std::uint32_t crc32_update(std::uint32_t crc, const std::string& bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (const char ch : bytes) crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VALUES_FILE [--repeat R]\n", argv[0]);
    return 2;
  }
  int repeat = 5;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  std::ifstream in(argv[1]);
  std::size_t count = 0;
  if (!(in >> count)) {
    std::fprintf(stderr, "cannot read the count from %s\n", argv[1]);
    return 2;
  }
  std::vector<std::string> a_text(count), b_text(count), r_text(count);
  std::vector<Decimal> a(count), b(count), r(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!(in >> a_text[i] >> b_text[i] >> r_text[i])) {
      std::fprintf(stderr, "line %zu of %s is not 'a b r'\n", i + 2, argv[1]);
      return 2;
    }
    a[i] = Decimal::parse(a_text[i]);
    b[i] = Decimal::parse(b_text[i]);
    r[i] = Decimal::parse(r_text[i]);
  }

  std::vector<Decimal> out(count);
  std::vector<std::string> text_out(count);

  const double add_ns = best_ns_per_op(count, repeat, out.data(), [&] {
    for (std::size_t i = 0; i < count; ++i) out[i] = a[i] + b[i];
  });
  std::printf("RESULT add %.3f %s\n", add_ns, sum_of(out).to_string().c_str());

  const double multiply_ns = best_ns_per_op(count, repeat, out.data(), [&] {
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = Decimal::multiply_rounded(a[i], r[i], 2, RoundingMode::half_even);
    }
  });
  std::printf("RESULT multiply_round %.3f %s\n", multiply_ns, sum_of(out).to_string().c_str());

  const double divide_ns = best_ns_per_op(count, repeat, out.data(), [&] {
    for (std::size_t i = 0; i < count; ++i) out[i] = Decimal::divide(a[i], b[i], 2, RoundingMode::half_even);
  });
  std::printf("RESULT divide %.3f %s\n", divide_ns, sum_of(out).to_string().c_str());

  const double parse_ns = best_ns_per_op(count, repeat, out.data(), [&] {
    for (std::size_t i = 0; i < count; ++i) out[i] = Decimal::parse(a_text[i]);
  });
  std::printf("RESULT parse %.3f %s\n", parse_ns, sum_of(out).to_string().c_str());

  const double format_ns = best_ns_per_op(count, repeat, text_out.data(), [&] {
    for (std::size_t i = 0; i < count; ++i) text_out[i] = a[i].to_string();
  });
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) crc = crc32_update(crc, "\n");
    crc = crc32_update(crc, text_out[i]);
  }
  std::printf("RESULT format %.3f %u\n", format_ns, crc);
  return 0;
}

// What both fuzz targets need: printable inputs in messages, and a check
// that aborts (so libFuzzer records the input) with what failed.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz_support {

inline std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  return out;
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\n*** fuzzer check failed: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace fuzz_support

#define FUZZ_CHECK(condition, context)                                                             \
  do {                                                                                             \
    if (!(condition)) fuzz_support::fail(std::string(#condition) + " -- " + std::string(context)); \
  } while (0)

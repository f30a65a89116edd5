// `commonweal simulate` (src/cli/simulate.cpp), kept apart from main.cpp's other commands.
#pragma once

#include <string>

#include "arguments.hpp"

namespace commonweal::cli {

inline constexpr const char* simulate_usage =
    "commonweal simulate --scheme F [--reform F] [--assumptions F (default: the built-in uk-assumptions.yaml)] --population N --seed S --start 2025 --years 50 "
    "[--threads T] --out FILE";
inline constexpr const char* simulate_summary =
    "a population run through the scheme's rules R1-R9: one CSV row per citizen to FILE and a summary on stdout; "
    "with --reform, the reform's run and its winners, losers and cost against the baseline";

int run_simulate_command(const Arguments& arguments);

}  // namespace commonweal::cli

#!/usr/bin/env bash
# Installs what is needed, builds, and runs the main job. Until the command
# line tool lands, the main job is the worked example: one citizen's year
# posted into the journal, with the balances printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target citizen_year
build/examples/cpp/citizen_year

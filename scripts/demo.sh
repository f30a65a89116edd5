#!/usr/bin/env bash
# Installs what is needed, builds, and runs the main job. Until the command
# line tool lands (`commonweal demo`), the main job is the reference scheme's
# worked example through the engine: CSV in, the 2024-25 statement out, and
# the explanation of one figure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target statement_tour
build/examples/cpp/statement_tour

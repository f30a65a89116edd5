#!/usr/bin/env bash
# Builds the benchmarks in build/ (Release) and runs them all; see bench/README.md.
# Usage: bench/run-all.sh            (BUILD_DIR=other-dir bench/run-all.sh for another tree)
# Exit status: 0 when every target is met, 1 when one is missed or a run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCOMMONWEAL_BUILD_BENCHMARKS=ON
cmake --build "$build_dir" -j"$(nproc)" --target decimal_bench journal_bench engine_bench commonweal_cli \
  commonweal_python_core

echo
echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|L3 cache)' || true
g++ --version | head -n 1
date -u '+%Y-%m-%d %H:%M UTC'
uptime

status=0
echo
echo "== Decimal against Python's decimal"
/usr/bin/python3 bench/decimal_bench.py --binary "$build_dir/bench/decimal_bench" || status=1
echo
echo "== Journal posting throughput and balance queries"
"$build_dir/bench/journal_bench" || status=1
echo
echo "== The engine (rules R1-R9) against the pure-Python model of the same rules"
/usr/bin/python3 bench/engine_bench.py --binary "$build_dir/bench/engine_bench" || status=1
echo
echo "== The Python package beside the CLI (import) and the sqlite3 module (reading back)"
/usr/bin/python3 bench/python_bench.py --bin "$build_dir/commonweal" --package "$build_dir/python" || status=1
exit "$status"

#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: the unit suites, the
# decimal oracle against Python's decimal, the must-not-compile tests, the
# consumer of the installed package, the Python package and its notebooks,
# then installs the build so that /usr/bin/python3 can `import commonweal`;
# the same suites under AddressSanitizer
# and UndefinedBehaviorSanitizer, and a short libFuzzer run of each parser.
# .ci/run runs exactly this. Exit status is non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/install-deps.sh

echo "== sanitizers: AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMMONWEAL_SANITIZE=ON \
  -DCOMMONWEAL_BUILD_BENCHMARKS=OFF -DCOMMONWEAL_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-sanitize -j"$jobs" --target commonweal_tests decimal_oracle_driver commonweal_cli
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -R '^(unit|decimal_oracle|cli)$'

echo "== fuzzing: a short seeded run of each libFuzzer target"
scripts/fuzz-smoke.sh

echo "== release build: every test"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure

echo "== install: the command line, the library and the Python package"
scripts/install-build.sh build

#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for a
# short fixed time on a copy of its seed corpus (the repository is never
# written to). Exits non-zero if a fuzzer finds a crash or a failed check.
#
#   FUZZ_SECONDS   seconds per fuzzer (default 20)
#   FUZZ_JOBS      build parallelism (default 2)
#   CXX_FUZZ       the clang++ to use (default clang++-14)
#
# On a finding, the temporary directory with the crashing input is kept and
# its path printed; reproduce with: build-fuzz/fuzz/<fuzzer> <crash-file>.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-fuzz"
seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-2}
compiler=${CXX_FUZZ:-clang++-14}
fuzzers=(decimal_parse_fuzzer date_parse_fuzzer csv_import_fuzzer)
declare -A corpus=([decimal_parse_fuzzer]=decimal [date_parse_fuzzer]=date [csv_import_fuzzer]=csv)

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz-smoke: FUZZ_SECONDS must be a positive integer" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$compiler" \
  -DCOMMONWEAL_BUILD_FUZZERS=ON -DCOMMONWEAL_BUILD_TESTS=OFF -DCOMMONWEAL_BUILD_BENCHMARKS=OFF \
  -DCOMMONWEAL_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${fuzzers[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/commonweal-fuzz.XXXXXX")
keep=0
cleanup() { if [[ $keep -eq 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

status=0
summary=()
for fuzzer in "${fuzzers[@]}"; do
  name=${corpus[$fuzzer]}
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  cp -R "$root/fuzz/corpus/$name/." "$work/$name/corpus/"
  log="$work/$name/log.txt"
  set +e
  (cd "$work/$name" && "$build/fuzz/$fuzzer" -seed=1 -max_total_time="$seconds" -timeout=10 \
     -print_final_stats=1 -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [[ -z "$runs" ]]; then  # a crash skips the final stats: take the last progress line
    runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  fi
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-22s ok      %s runs in %ss' "$fuzzer" "${runs:-?}" "$seconds")")
  else
    status=1
    keep=1
    summary+=("$(printf '%-22s FAILED  (exit %s) after %s runs; log and inputs in %s' \
      "$fuzzer" "$rc" "${runs:-?}" "$work/$name")")
    echo "---- $fuzzer: last lines of $log" >&2
    tail -n 40 "$log" >&2
    for artifact in "$work/$name/artifacts/"*; do
      [[ -f "$artifact" ]] || continue
      echo "---- input $artifact (hex):" >&2
      od -An -tx1 -c "$artifact" | head -n 20 >&2
    done
  fi
done

printf '%s\n' "${summary[@]}"
exit $status

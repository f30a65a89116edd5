#!/usr/bin/env bash
# Installs every Debian 12 package commonweal needs to build, test and run.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libfmt-dev libhowardhinnant-date-dev libyaml-cpp-dev
  libsqlite3-dev sqlite3 libssl-dev
  doctest-dev libbenchmark-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  pybind11-dev python3-dev python3-pytest python3-numpy python3-pandas
  libpython3.11-testsuite python3-yaml python3-nbclient python3-nbformat python3-ipykernel
  python3-distributed python3-matplotlib
  hledger beancount chromium
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
echo "commonweal: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs what is needed, builds, installs the command line and the Python
# package (so that Debian's /usr/bin/python3 can `import commonweal`), and
# runs the main job: `commonweal demo`
# (1,000 synthetic citizens' lives in a SQLite ledger, every 2024-25
# statement written). Arguments go to `commonweal demo` (default DIR:
# ./commonweal-demo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j"$(nproc)" --target commonweal_cli commonweal_python_core
"$root/scripts/install-build.sh" "$root/build"
"$root/build/commonweal" demo "$@"

#!/usr/bin/env bash
# Installs a build tree (default: build/) with `cmake --install` (with sudo when
# not root, as install-deps.sh does): the command line, the library and the
# Python package, which goes where Debian's /usr/bin/python3 finds it
# (/usr/local/lib/python3.X/dist-packages). Then checks that
# `/usr/bin/python3 -c "import commonweal"` works from outside the tree.
set -euo pipefail
build=${1:-build}
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" cmake --install "$build" >/dev/null
(cd / && env -u PYTHONPATH /usr/bin/python3 -c \
  "import commonweal; print('commonweal', commonweal.__version__, 'installed for /usr/bin/python3 in', commonweal.__path__[0])")

#!/usr/bin/env python3
"""The HTML statement in a real browser: headless Chromium loads each page from
a file:// address, its --dump-dom output (the DOM after parsing, as the
browser built it) must hold every JSON figure in its data-field element, and
screenshots at desktop and phone widths and a printed PDF are kept as test
artifacts.

Run:
    /usr/bin/python3 tests/python/test_statement_browser.py \
        --driver build/tests/statement_driver --source . --artifacts build/tests/artifacts

Chromium is the Debian package `chromium` (scripts/install-deps.sh installs
it); set COMMONWEAL_CHROMIUM to use another binary. Without it this test
fails, saying so: it never passes without having looked. The last line is
"test_statement_browser: N pages passed, M failed".
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import statement_pages as pages  # noqa: E402

PAGES = ["C1", "C2", "C3"]
WINDOWS = {"desktop": (1024, 3000), "phone": (390, 4200)}


def find_chromium() -> str | None:
    override = os.environ.get("COMMONWEAL_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(chromium: str, url: str, *options: str) -> subprocess.CompletedProcess:
    """One headless run with a fresh profile, so no state leaks between runs."""
    profile = tempfile.mkdtemp(prefix="commonweal_chromium_")
    try:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--no-first-run", "--disable-extensions", *options, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_problems(path: str, size: tuple[int, int]) -> list[str]:
    """A PNG of the window's size that is not one flat colour."""
    try:
        data = open(path, "rb").read()
    except OSError as error:
        return [f"no screenshot {path}: {error}"]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return [f"{path} is not a PNG"]
    width, height = struct.unpack(">II", data[16:24])
    problems = [] if (width, height) == size else [f"{path} is {width}x{height}, not {size[0]}x{size[1]}"]
    idat, at = b"", 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    if len(set(zlib.decompress(idat))) < 16:
        problems.append(f"{path} is blank")
    return problems


def check_citizen(chromium: str, args, paths, citizen: str) -> list[str]:
    expected = pages.expected_fields(pages.render(args.driver, args.source, paths, citizen, "json"))
    page = os.path.join(args.artifacts, f"statement-{citizen}.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(pages.render(args.driver, args.source, paths, citizen, "html"))
    url = "file://" + os.path.abspath(page)
    problems = []

    dump = run_chromium(chromium, url, "--dump-dom")
    if dump.returncode != 0 or "<html" not in dump.stdout:
        return [f"{citizen}: chromium --dump-dom exited {dump.returncode}: {dump.stderr[-800:]}"]
    with open(os.path.join(args.artifacts, f"statement-{citizen}.dom.html"), "w", encoding="utf-8") as f:
        f.write(dump.stdout)
    problems += pages.check_page(dump.stdout, expected, f"{citizen} (DOM from Chromium)")

    for name, (width, height) in WINDOWS.items():
        shot = os.path.join(args.artifacts, f"statement-{citizen}-{name}.png")
        if os.path.exists(shot):
            os.remove(shot)
        run = run_chromium(chromium, url, f"--window-size={width},{height}", "--hide-scrollbars",
                           f"--screenshot={shot}")
        if run.returncode != 0:
            problems.append(f"{citizen}: chromium --screenshot exited {run.returncode}: {run.stderr[-800:]}")
        problems += [f"{citizen}: {p}" for p in png_problems(shot, (width, height))]

    pdf = os.path.join(args.artifacts, f"statement-{citizen}.pdf")
    if os.path.exists(pdf):
        os.remove(pdf)
    run = run_chromium(chromium, url, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    if run.returncode != 0 or not os.path.exists(pdf):
        problems.append(f"{citizen}: chromium --print-to-pdf exited {run.returncode}: {run.stderr[-800:]}")
    elif not open(pdf, "rb").read(5) == b"%PDF-" or b"/Type /Page" not in open(pdf, "rb").read():
        problems.append(f"{citizen}: {pdf} is not a PDF with pages")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--artifacts", required=True, help="where screenshots, DOM dumps and PDFs are kept")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("FAILED: Chromium is not installed, so the statement was not checked in a browser. "
              "Install the Debian package with scripts/install-deps.sh (or `apt-get install chromium`), "
              "or set COMMONWEAL_CHROMIUM to a Chromium binary.")
        print("test_statement_browser: 0 pages passed, 1 failed")
        return 1
    os.makedirs(args.artifacts, exist_ok=True)
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix="statement_browser_") as workdir:
        paths = pages.write_ledger(workdir)
        for citizen in PAGES:
            problems = check_citizen(chromium, args, paths, citizen)
            for problem in problems:
                print(problem)
            if problems:
                failed += 1
            else:
                passed += 1
    print(f"artifacts in {os.path.abspath(args.artifacts)}")
    print(f"test_statement_browser: {passed} pages passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Keeps the examples in docs/ true.

A page marks a fenced block with an HTML comment on the line before it:
  <!-- example: examples/cpp/decimal_tour.cpp -->  the block must equal that file;
  <!-- output: decimal_tour -->                     the block must equal what that
                                                   example program prints.
Usage: check_doc_examples.py --source DIR --examples-bin DIR
"""
import argparse
import pathlib
import re
import subprocess
import sys

MARKER = re.compile(r"<!-- (example|output): (\S+) -->")


def fenced_block_after(lines, index):
    """The text of the fenced block that starts on the line after index."""
    if index + 1 >= len(lines) or not lines[index + 1].startswith("```"):
        raise ValueError(f"line {index + 1}: a marker must be followed by a fenced block")
    end = index + 2
    while end < len(lines) and not lines[end].startswith("```"):
        end += 1
    return "".join(lines[index + 2:end])


def check_page(page, source, examples_bin):
    failures, checked = [], 0
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = MARKER.search(line)
        if not match:
            continue
        kind, target = match.groups()
        block = fenced_block_after(lines, index)
        if kind == "example":
            expected = (source / target).read_text(encoding="utf-8")
        else:
            run = subprocess.run([str(examples_bin / target)], capture_output=True, text=True, check=False)
            if run.returncode != 0:
                failures.append(f"{page.name}:{index + 1}: {target} exited {run.returncode}: {run.stderr}")
                continue
            expected = run.stdout
        checked += 1
        if block != expected:
            failures.append(f"{page.name}:{index + 1}: the {kind} block differs from {target}:\n"
                            f"--- page\n{block}--- actual\n{expected}")
    return checked, failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=pathlib.Path, required=True)
    parser.add_argument("--examples-bin", type=pathlib.Path, required=True)
    args = parser.parse_args()
    checked, failures = 0, []
    for page in sorted((args.source / "docs").glob("*.md")):
        page_checked, page_failures = check_page(page, args.source, args.examples_bin)
        checked += page_checked
        failures += page_failures
    for failure in failures:
        print(failure)
    print(f"doc examples: {checked - len(failures)} passed, {len(failures)} failed")
    if checked == 0:
        print("no marked examples found in docs/")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

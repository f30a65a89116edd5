#!/usr/bin/env python3
"""The HTML statement, read by html.parser: balanced tags, nothing loaded from
outside, accessible structure, and every data-field figure equal to the JSON
statement's figure (and shown as that figure).

Run:
    /usr/bin/python3 tests/python/test_statement_html.py \
        --driver build/tests/statement_driver --source .

For each citizen of the ledger in statement_pages.py, the driver renders the
2024-25 statement as JSON and as HTML; the page must hold every JSON field in
an element whose data-field names it, with the same value. The last line is
"test_statement_html: N pages passed, M failed"; exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import statement_pages as pages  # noqa: E402


def checker_catches(html: str, expected: dict[str, str]) -> int:
    """The checker itself: pages spoiled in known ways must each be caught. Returns failures."""
    closing = expected["social_account.closing_balance"]
    spoiled = {
        "a changed figure": html.replace(f'value="{closing}"', 'value="1.00"', 1),
        "a figure shown unlike its value": html.replace('">£1,234.55<', '">£1,234.56<', 1),
        "a missing figure": html.replace('data-field="taxes_paid.council_tax"', 'data-x="1"'),
        "a script": html.replace("</main>", "<script>alert(1)</script></main>"),
        "an outside image": html.replace("</main>", '<img alt="" src="https://example.org/x.png"></main>'),
        "an outside stylesheet": html.replace("</style>", "@import 'x.css';</style>"),
        "an unclosed element": html.replace("</section>", "", 1),
        "a table without a caption": html.replace("<caption>", "<p>", 1).replace("</caption>", "</p>", 1),
        "no lang": html.replace(' lang="en-GB"', ""),
    }
    failures = 0
    for what, page in spoiled.items():
        if page == html:
            print(f"checker self-test: could not spoil the page with {what}")
            failures += 1
        elif not pages.check_page(page, expected, "spoiled"):
            print(f"checker self-test: a page with {what} passed")
            failures += 1
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--keep", help="write the pages to this directory")
    args = parser.parse_args()
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix="statement_html_") as workdir:
        paths = pages.write_ledger(workdir)
        shapes = set()
        for citizen in pages.CITIZENS:
            expected = pages.expected_fields(pages.render(args.driver, args.source, paths, citizen, "json"))
            html = pages.render(args.driver, args.source, paths, citizen, "html")
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                with open(os.path.join(args.keep, f"{citizen}.html"), "w", encoding="utf-8") as f:
                    f.write(html)
            problems = pages.check_page(html, expected, f"{citizen} {pages.TAX_YEAR}")
            # The ledger must really give the shapes it is there for.
            if expected["pension.settled"] == "true" and expected["pension.weekly_supplement"] != "0.00":
                shapes.add("settled with a supplement")
            if Decimal(expected["social_account.settlement"]) > 0:
                shapes.add("deficit written off")
            if len([k for k in expected if k.startswith("history.")]) > 4:
                shapes.add("several years of history")
            if all(v in ("0.00", "false") for k, v in expected.items() if k.startswith(("social_account", "lifetime", "history"))):
                shapes.add("an empty statement")
            for problem in problems:
                print(problem)
            if problems:
                failed += 1
            else:
                passed += 1
            if citizen == "C1":
                failed += checker_catches(html, expected)
        for shape in ("settled with a supplement", "deficit written off", "several years of history",
                      "an empty statement"):
            if shape not in shapes:
                print(f"the ledger gives no statement that is {shape}")
                failed += 1
    print(f"test_statement_html: {passed} pages passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

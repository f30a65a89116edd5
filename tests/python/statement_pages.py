"""What the HTML statement tests share: a small ledger, the driver that renders
it, and a checker that reads a page with html.parser.

The ledger (citizens.csv, events.csv) covers the shapes a page must handle:
the reference scheme's worked example with an earlier year and a time-bank
exchange (C1), a citizen settled at state pension age during the year with a
weekly supplement (C2), one whose deficit is written off (C3), one who died
(C4), and one with no events at all (C5).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from html.parser import HTMLParser

SCHEME = "examples/schemes/cswa-reference.yaml"
TAX_YEAR = "2024-25"
CITIZENS = ["C1", "C2", "C3", "C4", "C5"]

CITIZENS_CSV = """citizen,birth_date,death_date
C1,1990-06-01,
C2,1958-06-01,
C3,1958-09-10,
C4,1970-01-15,2024-11-30
C5,2001-03-03,
"""


def events_csv() -> str:
    rows = ["id,date,citizen,kind,code,amount,counterparty"]
    rows += [
        "E0,2021-05-31,C1,tax,income_tax,31040.00,",
        "E01,2022-07-31,C1,benefit,child_benefit,1500.00,",
        "E1,2024-05-31,C1,tax,income_tax,1234.55,",
        "E1b,2024-05-31,C1,tax,care_levy,100.00,",
        "E1c,2024-05-31,C1,tax,council_tax,900.00,",
        "E2,2024-06-30,C1,benefit,child_benefit,102.40,",
        "E2b,2024-06-30,C1,benefit,pip,4420.00,",
        "E3,2024-07-01,C1,volunteer,food-bank,2.10,",
        "E4,2024-08-15,C1,service,social_care,333.35,",
        "E5,2024-09-01,C1,exchange,tb-north,1.50,C2",
        "E6,2024-10-01,C2,exchange,tb-north,1.00,C1",
    ]
    for year in range(2000, 2024):  # C2: a working life, settled on 2024-06-01
        rows.append(f"C2T{year},{year}-07-15,C2,tax,income_tax,{2000 + 37 * (year - 2000)}.{year % 100:02d},")
        rows.append(f"C2N{year},{year}-08-15,C2,tax,national_insurance,{900 + 11 * (year - 2000)}.50,")
        if year % 3 == 0:
            rows.append(f"C2S{year},{year}-09-20,C2,service,gp_visit,39.00,")
    rows.append("C2L,2024-07-01,C2,tax,care_levy,250.00,")
    for year in range(2015, 2024):  # C3: benefits charged beyond contributions
        rows.append(f"C3B{year},{year}-10-01,C3,benefit,early_retirement,{3000 + year}.00,")
        rows.append(f"C3T{year},{year}-11-01,C3,tax,income_tax,500.00,")
    rows += [
        "C4T1,2023-05-01,C4,tax,income_tax,1200.00,",
        "C4T2,2024-05-01,C4,tax,income_tax,1300.00,",
        "C4V,2024-06-01,C4,volunteer,red.cross,3.30,",
    ]
    return "\n".join(rows) + "\n"


def write_ledger(directory: str) -> dict[str, str]:
    paths = {"citizens": os.path.join(directory, "citizens.csv"), "events": os.path.join(directory, "events.csv")}
    with open(paths["citizens"], "w", encoding="utf-8") as f:
        f.write(CITIZENS_CSV)
    with open(paths["events"], "w", encoding="utf-8") as f:
        f.write(events_csv())
    return paths


def render(driver: str, source: str, paths: dict[str, str], citizen: str, fmt: str) -> str:
    """One statement of the ledger, as the driver renders it (json, html, text or explain)."""
    cmd = [driver, "--scheme", os.path.join(source, SCHEME), "--citizens", paths["citizens"], "--events",
           paths["events"], "--advance-to", "2025-04-05", "--citizen", citizen, "--tax-year", TAX_YEAR,
           "--format", fmt]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}: {run.stdout}{run.stderr}")
    return run.stdout


def flatten_json(statement: dict) -> dict[str, str]:
    """The JSON statement's fields as "social_account.contributions.income_tax" -> "123.46";
    history rows as "history.2024-25.closing_balance"."""
    out: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        elif isinstance(value, list):
            for row in value:
                walk(f"{prefix}.{row['tax_year']}", {k: v for k, v in row.items() if k != "tax_year"})
        elif isinstance(value, bool):
            out[prefix] = "true" if value else "false"
        elif value is None:
            out[prefix] = "null"
        else:
            out[prefix] = str(value)

    walk("", statement)
    return out


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FETCHING_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "track", "frame",
                 "frameset", "portal", "base", "form", "image", "use", "foreignobject", "feimage"}
FETCHING_ATTRIBUTES = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data", "background",
                       "ping", "manifest", "codebase", "cite", "longdesc", "usemap"}
MONTHS = {m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                      "September", "October", "November", "December"], 1)}


class PageChecker(HTMLParser):
    """Reads a page, recording problems, headings, tables and data-field figures."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.figures: list[tuple[str, str, str, str]] = []  # (field, tag, machine value, shown text)
        self.open_figures: list[list] = []
        self.headings: list[int] = []
        self.tags: dict[str, int] = {}
        self.html_lang = None
        self.meta_viewport = False
        self.style_text = ""
        self.in_style = False
        self.th_without_scope = 0
        self.svg_title = self.svg_desc = False
        self.in_svg = False
        self.doctype = None

    def where(self) -> str:
        line, column = self.getpos()
        return f"line {line}, column {column}"

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        attributes = dict(attrs)
        if tag in FETCHING_TAGS:
            self.problems.append(f"{self.where()}: <{tag}> may load something")
        for name, value in attrs:
            if name in FETCHING_ATTRIBUTES:
                self.problems.append(f"{self.where()}: <{tag} {name}={value!r}> refers outside the page")
            if name.startswith("on"):
                self.problems.append(f"{self.where()}: <{tag} {name}> is a script")
            if name == "style" and value and re.search(r"url\(|@import", value):
                self.problems.append(f"{self.where()}: style attribute loads something")
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "meta" and attributes.get("name") == "viewport":
            self.meta_viewport = "width=device-width" in (attributes.get("content") or "")
        if tag == "style":
            self.in_style = True
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "th" and attributes.get("scope") not in ("row", "col"):
            self.th_without_scope += 1
        if tag == "svg":
            self.in_svg = True
        if self.in_svg and tag == "title":
            self.svg_title = True
        if self.in_svg and tag == "desc":
            self.svg_desc = True
        if "data-field" in attributes:
            machine = attributes.get("value") if tag == "data" else attributes.get("datetime")
            if machine is None:
                self.problems.append(f"{self.where()}: data-field {attributes['data-field']} on <{tag}> has no value")
            self.open_figures.append([attributes["data-field"], tag, machine, "", len(self.stack)])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <rect .../> in SVG: opened and closed at once.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append(f"{self.where()}: end tag for the void element {tag}")
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"{self.where()}: </{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False
        if tag == "svg":
            self.in_svg = False
        if self.open_figures and self.open_figures[-1][4] == len(self.stack):
            field, element, machine, shown, _ = self.open_figures.pop()
            self.figures.append((field, element, machine, shown))

    def handle_data(self, data):
        if self.in_style:
            self.style_text += data
        for figure in self.open_figures:
            figure[3] += data

    def finish(self) -> None:
        self.close()
        if self.stack:
            self.problems.append(f"unclosed elements at the end: {self.stack}")


def shown_matches(machine: str, shown: str) -> bool:
    """Whether what people read is the machine-readable figure: "£1,234.50" or "−£2.00" for
    an amount, "2.25 hours" for hours, "1 June 2057" for a date."""
    if re.fullmatch(r"-?\d+\.\d\d", machine):
        text = shown.replace("\u2212", "-").replace(",", "").replace(" hours", "")
        text = re.sub(r"^(-?)[^\d-]+", r"\1", text)  # the currency symbol or code after any sign
        return text == machine
    if re.fullmatch(r"\d{4}-\d\d-\d\d", machine):
        match = re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", shown)
        return bool(match) and dt.date(int(match[3]), MONTHS[match[2]], int(match[1])).isoformat() == machine
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", machine):
        date_part, time_part = machine[:10], machine[11:-1]
        return shown_matches(date_part, shown.split(" at ")[0]) and shown.endswith(f" at {time_part} UTC")
    if machine in ("true", "false"):
        return shown == {"true": "yes", "false": "not yet"}[machine]
    if machine == "null":
        return shown.startswith("no date")
    return shown == machine


def check_page(html: str, expected: dict[str, str], name: str) -> list[str]:
    """Every problem found in the page: structure, outside references, figures."""
    checker = PageChecker()
    checker.feed(html)
    checker.finish()
    problems = [f"{name}: {p}" for p in checker.problems]
    lowered = html.lower()
    for needle in ("<script", "http:", "https:", "url(", "@import", "@font-face"):
        if needle in lowered:
            problems.append(f"{name}: the page holds {needle!r}")
    if re.search(r"""(src|href)\s*=\s*["']?//""", lowered):
        problems.append(f"{name}: a protocol-relative reference")
    if checker.doctype is None or checker.doctype.lower() != "doctype html":
        problems.append(f"{name}: no <!DOCTYPE html>")
    if not checker.html_lang:
        problems.append(f"{name}: <html> has no lang")
    if not checker.meta_viewport:
        problems.append(f"{name}: no viewport meta for phones")
    if "@media print" not in checker.style_text:
        problems.append(f"{name}: no print styles")
    if checker.headings[:1] != [1] or checker.headings.count(1) != 1:
        problems.append(f"{name}: headings {checker.headings}: one h1 first")
    for before, after in zip(checker.headings, checker.headings[1:]):
        if after > before + 1:
            problems.append(f"{name}: heading h{after} follows h{before}")
    if checker.tags.get("table", 0) != checker.tags.get("caption", 0):
        problems.append(f"{name}: {checker.tags.get('table', 0)} tables, {checker.tags.get('caption', 0)} captions")
    if checker.th_without_scope:
        problems.append(f"{name}: {checker.th_without_scope} <th> without scope")
    if not (checker.tags.get("svg") == 1 and checker.svg_title and checker.svg_desc):
        problems.append(f"{name}: the chart needs one inline <svg> with <title> and <desc>")
    seen = set()
    for field, tag, machine, shown in checker.figures:
        seen.add(field)
        if field not in expected:
            problems.append(f"{name}: data-field {field} is not in the JSON")
        elif machine != expected[field]:
            problems.append(f"{name}: {field}: page {machine}, JSON {expected[field]}")
        if machine is not None and not shown_matches(machine, shown.strip()):
            problems.append(f"{name}: {field}: shown as {shown!r}, which is not {machine}")
    for field in sorted(set(expected) - seen):
        problems.append(f"{name}: JSON field {field} = {expected[field]} is not on the page")
    if not checker.figures:
        problems.append(f"{name}: no data-field figures at all")
    return problems


def expected_fields(json_text: str) -> dict[str, str]:
    return flatten_json(json.loads(json_text))

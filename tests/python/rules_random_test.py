#!/usr/bin/env python3
"""Seeded randomised comparison of the C++ engine's statements with rules_model.py.

Run:
    /usr/bin/python3 tests/python/rules_random_test.py \
        --driver build/tests/statement_driver --source /work/main --seed 20261123 --runs 500

First, fixed cases whose figures were worked out by hand from the spec (the
worked example of section 8, R9 rounding ties, a write-off, a settlement with
nothing posted, a debitable benefit after settlement): the model must give the
hand-worked figures, and the driver must agree with the model on every field.

Then random runs. Each draws, from its own seed (printed on failure), a
population of citizens born 1940-2010 (many reach state pension age before the
clock, some die, some on or around that birthday, some are born on 29
February, some have no events), events of every kind over many years (ties
like x.xx5 after a 0.10 share, odd volunteer hours like 2.10, exchanges
between citizens up to the time-credit limit, budget grants, top-ups and
spends, learning grants and spends at providers accredited in date ranges,
corrections and corrections of corrections, same-date events, repeated rows),
sometimes a reform or another tax-year start, shuffled columns, and a clock
(or none). It writes the files to a temporary directory, runs
tests/lifecycle/statement_driver.cpp on them, and compares every field of
every statement (1999-00 to 2030-31) with the independent model, or, when
the model refuses the import, checks that the driver refuses it too (and vice
versa). Most runs are made valid by dropping the events the model refuses for
a limit; some keep their natural refusals and some get a deliberately bad row.

Reproduce one run with --run-seed S (and --keep DIR to keep its files).
The last line is "rules_random_test: N passed, M failed", counting statements
(and refused runs, one each); the exit status is 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rules_model as model  # noqa: E402

FROM_YEAR, TO_YEAR = 1999, 2030
SCHEME = "examples/schemes/cswa-reference.yaml"
D = dt.date
DAY = dt.timedelta(days=1)

TAXES = [("income_tax", 6), ("national_insurance", 4), ("care_levy", 2), ("council_tax", 1)]
BENEFITS = [("child_benefit", 3), ("student_grant", 1), ("parental_leave", 1), ("early_retirement", 1),
            ("pip", 2), ("housing_benefit", 1)]
SERVICES = [("social_care", 4), ("gp_visit", 2), ("hospital_stay", 1), ("home_help", 1)]
KINDS = [("tax", 22), ("benefit", 11), ("service", 12), ("volunteer", 10), ("exchange", 10),
         ("budget_grant", 5), ("budget_topup", 4), ("budget_spend", 8), ("learning_grant", 4),
         ("learning_spend", 6), ("time_grant", 3), ("time_donation", 4), ("time_session", 3)]
CODES = {"volunteer": ["food-bank", "red.cross", "scouts_1"], "exchange": ["tb-north", "tb.south"],
         "time_grant": ["food-bank", "council.hours"], "time_donation": ["tb-north"], "time_session": ["tb.south"],
         "budget_grant": ["LEEDS", "york-council"], "budget_topup": ["cash", "card"],
         "budget_spend": ["care-hours", "day.centre"], "learning_grant": ["state", "employer"],
         "learning_spend": ["maths-101", "welding.2"]}
ODD_HOURS = [210, 1, 199, 326, 1001, 1000, 980, 5, 24, 26, 74, 76, 333]  # hundredths of an hour


def weighted(rng, pairs):
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]


def rand_date(rng, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def money(rng, hi_pounds: int) -> str:
    cents = 0 if rng.random() < 0.02 else rng.randint(1, hi_pounds * 100)
    if rng.random() < 0.35:  # x.x5 or xx.x5: a tie after a 0.10 share or a 0.02 indexation
        cents = cents // 10 * 10 + 5
    text = f"{cents // 100}.{cents % 100:02d}"
    if rng.random() < 0.1:
        text = text.rstrip("0").rstrip(".")  # "12.5", "12": fewer decimals are fine
    return text


def hours(rng) -> str:
    r = rng.random()
    cents = rng.choice(ODD_HOURS) if r < 0.4 else (rng.randint(1, 24) * 25 if r < 0.6 else rng.randint(1, 800))
    return f"{cents // 100}.{cents % 100:02d}"


def spa_guess(birth: dt.date) -> dt.date:
    return model.add_years(birth, 66 if birth < D(1960, 4, 6) else 67)


# ---------------------------------------------------------------- one random case

class Case:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.note = []
        self.citizens: list[dict] = []
        self.providers: list[tuple[str, dt.date, dt.date | None]] = []
        self.events: list[dict] = []  # file order
        self.reform: str | None = None
        self.scheme_text = ""
        self._parameters: model.Parameters | None = None
        self.clock: dt.date | None = None
        self.columns_shuffled = False
        self.all_columns = True
        self.with_providers = True
        self.special_dates: list[dt.date] = []

    # -- population
    def make_citizens(self):
        rng = self.rng
        for i in range(rng.randint(3, 7)):
            r = rng.random()
            if r < 0.12:
                birth = D(rng.choice(range(1940, 2009, 4)), 2, 29)
            elif r < 0.5:  # reaches state pension age between 2010 and 2031
                birth = rand_date(rng, D(1944, 4, 6), D(1964, 12, 31))
            else:
                birth = rand_date(rng, D(1940, 1, 1), D(2010, 12, 31))
            spa = spa_guess(birth)
            death = None
            r = rng.random()
            if r < 0.15:
                death = rng.choice([spa - DAY, spa, spa + DAY, spa + 200 * DAY])
            elif r < 0.35:
                death = rand_date(rng, birth + DAY, D(2035, 12, 31))
            self.citizens.append({"citizen": f"C{i + 1:02d}", "birth": birth, "death": death,
                                  "region": rng.choice(["north", "south", ""])})
            self.special_dates += [birth, spa - DAY, spa, spa + DAY] + ([death] if death else [])
        for y in range(2000, 2032):
            self.special_dates += [D(y, 4, 5), D(y, 4, 6)]

    def make_providers(self):
        rng = self.rng
        for p in ("P1", "P2", "P3"):
            start = rand_date(rng, D(2000, 1, 1), D(2022, 12, 31))
            for _ in range(rng.randint(1, 2)):
                end = None if rng.random() < 0.3 else start + rng.randint(0, 3000) * DAY
                self.providers.append((p, start, end))
                if end is None:
                    break
                start = end + rng.randint(1, 800) * DAY

    def accredited(self, provider, on):
        return any(p == provider and s <= on and (e is None or on <= e) for p, s, e in self.providers)

    def alive(self, c, on):
        return c["birth"] <= on and (c["death"] is None or on <= c["death"])

    def window(self, c):
        lo, hi = max(c["birth"], D(2000, 1, 1)), min(c["death"] or D(2031, 12, 31), D(2031, 12, 31))
        if c.get("early"):
            hi = min(hi, D(2010, 4, 5))
        elif self.rng.random() < 0.7 and max(lo, D(2010, 4, 6)) <= hi:
            lo = max(lo, D(2010, 4, 6))
        return lo, hi

    def pick_date(self, c):
        lo, hi = self.window(c)
        if lo > hi:
            return None
        if self.rng.random() < 0.3:
            near = [d for d in self.special_dates if lo <= d <= hi]
            if near:
                return self.rng.choice(near)
        return rand_date(self.rng, lo, hi)

    def make_event(self, c, kind=None, on=None, counterparty=None):
        rng = self.rng
        kind = kind or weighted(rng, KINDS)
        on = on or self.pick_date(c)
        if on is None:
            return None
        e = {"id": "", "date": on.isoformat(), "citizen": c["citizen"], "kind": kind,
             "code": "", "amount": "", "counterparty": "", "corrects": ""}
        if kind == "tax":
            e["code"], e["amount"] = weighted(rng, TAXES), money(rng, rng.choice([50, 500, 5000]))
        elif kind == "benefit":
            e["code"], e["amount"] = weighted(rng, BENEFITS), money(rng, rng.choice([100, 2000]))
        elif kind == "service":
            e["code"], e["amount"] = weighted(rng, SERVICES), money(rng, rng.choice([100, 1000]))
        elif kind in ("volunteer", "exchange", "time_grant", "time_donation", "time_session"):
            e["code"], e["amount"] = rng.choice(CODES[kind]), hours(rng)
            if kind == "time_session":
                others = [o["citizen"] for o in self.citizens if o is not c and self.alive(o, on)]
                if len(others) < 2:
                    e["kind"], e["code"] = "volunteer", rng.choice(CODES["volunteer"])
                else:
                    e["counterparty"] = ";".join(rng.sample(others, rng.randint(2, min(3, len(others)))))
            elif kind in ("exchange", "time_donation"):
                others = [o for o in self.citizens if o is not c and self.alive(o, on)]
                if counterparty is None and not others:
                    e["kind"], e["code"] = "volunteer", rng.choice(CODES["volunteer"])
                else:
                    e["counterparty"] = counterparty or rng.choice(others)["citizen"]
        else:
            e["code"] = rng.choice(CODES[kind])
            e["amount"] = money(rng, {"budget_grant": 2000, "budget_topup": 300, "budget_spend": 600,
                                      "learning_grant": 1500, "learning_spend": 500}[kind])
            if kind == "budget_spend":
                e["counterparty"] = rng.choice(["homecare-ltd", "P1", "day.centre.7"])
            elif kind == "learning_spend":
                ok = [p for p in ("P1", "P2", "P3") if self.accredited(p, on)]
                e["counterparty"] = counterparty or (rng.choice(ok) if ok and rng.random() < 0.9
                                                     else rng.choice(["P1", "P2", "P3", "P9"]))
        return e

    def make_events(self):
        rng = self.rng
        blocks = []  # events that stay together, in this order, when the file is shuffled
        for c in self.citizens:
            r = rng.random()  # some citizens have no events, some only before the scheme's first values
            c["quiet"] = r < 0.1
            c["early"] = 0.1 <= r < 0.2
            for _ in range(0 if c["quiet"] else rng.randint(4, 25)):
                e = self.make_event(c)
                if e is None:
                    continue
                blocks.append([e])
                if e["kind"] in ("budget_grant", "learning_grant") and rng.random() < 0.3:
                    blocks[-1].append(self.drain(e))
                if rng.random() < 0.15:  # same date again, maybe another citizen
                    on = dt.date.fromisoformat(e["date"])
                    e2 = self.make_event(rng.choice([o for o in self.citizens if self.alive(o, on)]), on=on)
                    if e2:
                        blocks.append([e2])
        rng.shuffle(blocks)
        self.events = [e for block in blocks for e in block]
        for i, e in enumerate(self.events):
            e["id"] = f"E{i + 1:04d}"
        # corrections (sometimes of a correction), each after its target in the file
        for k in range(rng.randint(0, 5)):
            corrected = {e["corrects"] for e in self.events}
            targets = [e for e in self.events if e["id"] not in corrected]
            if not targets:
                break
            t = rng.choice(targets)
            c = next(x for x in self.citizens if x["citizen"] == t["citizen"])
            on = dt.date.fromisoformat(t["date"]) if rng.random() < 0.4 else None
            fix = self.make_event(c, kind=t["kind"], on=on,
                                  counterparty=t["counterparty"] if t["kind"] == "learning_spend" else None)
            if fix is None or fix["kind"] != t["kind"]:
                continue
            fix["id"], fix["corrects"] = f"K{k + 1:03d}", t["id"]
            pos = self.events.index(t)
            self.events.insert(rng.randint(pos + 1, len(self.events)), fix)
        if rng.random() < 0.08 and self.events:  # the same row again: a no-op
            i = rng.randrange(len(self.events))
            self.events.insert(rng.randint(i + 1, len(self.events)), dict(self.events[i]))
            self.note.append("repeated row")

    def drain(self, grant):
        """A spend of exactly what `grant` gave, the same day: a balance spent to zero."""
        spend = dict(grant, kind=grant["kind"].replace("grant", "spend"))
        spend["code"] = self.rng.choice(CODES[spend["kind"]])
        on = dt.date.fromisoformat(grant["date"])
        accredited = [p for p in ("P1", "P2", "P3") if self.accredited(p, on)] or ["P9"]
        spend["counterparty"] = self.rng.choice(accredited) if spend["kind"] == "learning_spend" else "homecare-ltd"
        return spend

    def make_clock(self):
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            self.clock = None
        elif r < 0.35:
            self.clock = rng.choice([d for d in self.special_dates if D(2012, 1, 1) <= d <= D(2031, 12, 31)])
        else:
            self.clock = rand_date(rng, D(2012, 1, 1), D(2031, 12, 31))

    def make_reform(self):
        rng = self.rng
        y = lambda lo, hi: rng.randint(lo, hi)  # noqa: E731
        options = [
            f"indexation_rate:\n  values:\n    {y(2012, 2020)}-04-06: {{value: {rng.choice(['0.035', '0.015', '0', '0.0125'])}}}\n"
            + (f"    {y(2021, 2027)}-01-01: {{value: null}}\n" if rng.random() < 0.4 else ""),
            f"index_deficits:\n  {y(2012, 2024)}-{rng.choice(['04-06', '09-01'])}: true\n",
            f"contribution_share:\n  income_tax:\n    values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['0.125', '0.2'])}}}}}\n"
            f"  council_tax:\n    description: a new share\n    values: {{{y(2012, 2024)}-04-06: 0.05}}\n",
            f"debitable:\n  housing_benefit: {{values: {{{y(2012, 2024)}-04-06: {{value: true}}}}}}\n"
            f"  child_benefit: {{values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['false', 'null'])}}}}}}}\n",
            f"copayment_rate:\n  social_care: {{values: {{{y(2012, 2024)}-04-06: {{value: 0.125}}}}}}\n"
            f"  home_help: {{values: {{{y(2012, 2024)}-07-01: {{value: 0.2}}}}}}\n",
            f"valuation_rate_per_hour: {{values: {{{y(2012, 2024)}-04-06: {{value: 12.37}}}}}}\n",
            f"social_credit_share: {{values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['0.35', '1'])}}}}}}}\n",
            f"volunteer_hours_step: {{values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['0.5', '0.1', 'null'])}}}}}}}\n",
            f"time_credit_limit: {{values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['5', '20', '0'])}}}}}}}\n",
            f"state_pension_age:\n  values: {rng.choice(['{1950-06-01: {value: 65}}', '{1970-01-01: {value: 68}}'])}\n",
            f"annuity_divisor: {{values: {{{y(2012, 2024)}-04-06: {{value: {rng.choice(['25', '18', '17.5', 'null'])}}}}}}}\n",
        ]
        picked = rng.sample(options, rng.randint(1, 4))
        self.reform = "description: random reform\n" + "".join(picked)
        self.note.append("reform")

    # -- files
    def citizens_csv(self):
        cols = ["citizen", "birth_date"]  # optional columns may be absent
        cols += [k for k, key in (("death_date", "death"), ("region", "region"))
                 if any(c[key] for c in self.citizens) or self.all_columns]
        if self.columns_shuffled:
            self.rng.shuffle(cols)
        lines = [",".join(cols)]
        for c in self.citizens:
            row = {"citizen": c["citizen"], "birth_date": c["birth"].isoformat(),
                   "death_date": c["death"].isoformat() if c["death"] else "", "region": c["region"]}
            lines.append(",".join(str(row[k]) for k in cols))
        return "\n".join(lines) + "\n"

    def events_csv(self):
        cols = ["id", "date", "citizen", "kind", "code", "amount"]
        if any(e["counterparty"] for e in self.events):
            cols.append("counterparty")
        if any(e["corrects"] for e in self.events):
            cols.append("corrects")
        if self.columns_shuffled:
            self.rng.shuffle(cols)
        return "\n".join([",".join(cols)] + [",".join(e[k] for k in cols) for e in self.events]) + "\n"

    def providers_csv(self):
        if not self.with_providers:
            return None
        lines = ["provider,accredited_from,accredited_to"]
        lines += [f"{p},{s.isoformat()},{e.isoformat() if e else ''}" for p, s, e in self.providers]
        return "\n".join(lines) + "\n"

    def files(self):
        rng_state = self.rng.getstate()  # column order must not change between writes
        out = (self.citizens_csv(), self.events_csv(), self.providers_csv())
        self.rng.setstate(rng_state)
        return out

    def parameters(self):
        if self._parameters is None:
            self._parameters = load_yaml_text(self.scheme_text)
            if self.reform is not None:
                self._parameters = self._parameters.with_reform(load_yaml_text(self.reform))
        return self._parameters

    def model(self, statements=True):
        c, e, p = self.files()
        return model.run_model(self.parameters(), c, e, p, self.clock, FROM_YEAR, TO_YEAR if statements else 0)

    # -- refusals
    def drop_refused(self, tries=80):
        """Remove the events the model refuses for a limit, until it accepts."""
        for _ in range(tries):
            try:
                self.model(statements=False)
                return
            except model.Refused as refused:
                if refused.event_id is None:
                    return
                self.events = [e for e in self.events if e["id"] != refused.event_id]
                for e in self.events:  # a correction of a dropped event now corrects nothing
                    if e["corrects"] == refused.event_id:
                        e["corrects"] = ""

    def inject_error(self):
        rng = self.rng
        if not self.events:
            return
        e = rng.choice(self.events)
        c = next(x for x in self.citizens if x["citizen"] == e["citizen"])
        kind = rng.choice(["3 decimals", "negative", "before birth", "after death", "unknown citizen",
                           "unknown corrects", "same id other row", "bad date", "unknown kind",
                           "bad code", "overlapping providers", "no counterparty", "overspend",
                           "owe too many hours", "unaccredited provider"])
        bad = dict(e)
        bad["id"] = "X1"
        if kind == "3 decimals":
            bad["amount"] = "12.345"
        elif kind == "negative":
            bad["amount"] = "-5.00"
        elif kind == "before birth":
            bad["date"] = (c["birth"] - rng.randint(1, 400) * DAY).isoformat()
        elif kind == "after death":
            if c["death"] is None:
                return
            bad["date"] = (c["death"] + rng.randint(1, 400) * DAY).isoformat()
        elif kind == "unknown citizen":
            bad["citizen"] = "C99"
        elif kind == "unknown corrects":
            bad["corrects"] = "NOPE1"
        elif kind == "same id other row":
            bad["id"], bad["amount"] = e["id"], "999.99" if e["amount"] != "999.99" else "1.00"
        elif kind == "bad date":
            bad["date"] = "2021-02-30"
        elif kind == "unknown kind":
            bad["kind"] = "gift"
        elif kind == "bad code":
            bad["code"] = "food bank"
        elif kind == "overlapping providers":
            p, s, end = rng.choice(self.providers)
            self.providers.append((p, s + rng.randint(0, min(30, (end - s).days if end else 30)) * DAY, None))
            self.with_providers, bad = True, None
        elif kind == "no counterparty":
            bad.update(kind="exchange", code="tb-north", amount="1.00", counterparty="")
        elif kind == "overspend":
            bad.update(kind="budget_spend", code="care-hours", amount="999999.00", counterparty="P1", corrects="")
        elif kind == "owe too many hours":
            others = [o for o in self.citizens if o is not c and self.alive(o, dt.date.fromisoformat(e["date"]))]
            if not others:
                return
            bad.update(kind="exchange", code="tb-north", amount="25.00", counterparty=rng.choice(others)["citizen"],
                       corrects="")
        elif kind == "unaccredited provider":
            bad.update(kind="learning_spend", code="maths-101", amount="0.01", counterparty="P9", corrects="")
        if bad is not None:
            self.events.insert(rng.randint(self.events.index(e) + 1, len(self.events)), bad)
        self.note.append("injected: " + kind)


def load_yaml_text(text: str) -> model.Parameters:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(text)
    try:
        return model.load_parameters(f.name)
    finally:
        os.unlink(f.name)


def make_case(seed: int, scheme_text: str) -> Case:
    case = Case(seed)
    rng = case.rng
    case.scheme_text = scheme_text
    if rng.random() < 0.1:  # another tax year start (section 2)
        start = rng.choice(["01-01", "07-01"])
        case.scheme_text = scheme_text.replace('tax_year_start: "04-06"', f'tax_year_start: "{start}"')
        case.note.append(f"tax year from {start}")
    if rng.random() < 0.2:  # a tight monthly cap on each provider's learning spends (R7), across citizens
        cap = rng.choice([1, 2])
        case.scheme_text = case.scheme_text.replace("{2010-04-06: {value: 200}}", f"{{2010-04-06: {{value: {cap}}}}}")
        assert f"value: {cap}}}" in case.scheme_text
        case.note.append(f"learning cap {cap}")
    case.make_citizens()
    case.make_providers()
    case.make_events()
    case.make_clock()
    if rng.random() < 0.3:
        case.make_reform()
    case.columns_shuffled = rng.random() < 0.15
    case.all_columns = rng.random() < 0.5
    if rng.random() < 0.1:
        case.with_providers = False
        case.note.append("no providers.csv")
    r = rng.random()
    if r < 0.85:
        case.drop_refused()
    else:
        case.note.append("natural refusals kept")
    if rng.random() < 0.1:
        case.inject_error()
    return case


# ---------------------------------------------------------------- running and comparing

def run_driver(args, case: Case, workdir: str):
    c, e, p = case.files()
    paths = {}
    for name, text in (("citizens.csv", c), ("events.csv", e), ("providers.csv", p), ("reform.yaml", case.reform)):
        if text is not None:
            paths[name] = os.path.join(workdir, name)
            with open(paths[name], "w", encoding="utf-8") as f:
                f.write(text)
    scheme = os.path.join(args.source, SCHEME)
    if case.scheme_text != args.scheme_text:
        scheme = os.path.join(workdir, "scheme.yaml")
        with open(scheme, "w", encoding="utf-8") as f:
            f.write(case.scheme_text)
    cmd = [args.driver, "--scheme", scheme,
           "--citizens", paths["citizens.csv"], "--events", paths["events.csv"],
           "--from-year", str(FROM_YEAR), "--to-year", str(TO_YEAR)]
    if "providers.csv" in paths:
        cmd += ["--providers", paths["providers.csv"]]
    if case.reform is not None:
        cmd[3:3] = ["--reform", paths["reform.yaml"]]
    if case.clock is not None:
        cmd += ["--advance-to", case.clock.isoformat()]
    with open(os.path.join(workdir, "command.sh"), "w", encoding="utf-8") as f:
        f.write(" ".join(cmd) + "\n")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode == 2 and proc.stdout.startswith("ERROR:"):
        return "ERROR", proc.stdout.strip()
    if proc.returncode != 0:
        return "CRASH", f"exit {proc.returncode}: {proc.stdout[-500:]}{proc.stderr[-500:]}"
    return "OK", [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def compare_case(args, case: Case, keep: str | None = None):
    """(passed, failed, differences, summary) for one run."""
    seed = case.seed
    try:
        expected, refusal = case.model(), None
    except model.Refused as refused:
        expected, refusal = None, str(refused)
    workdir = keep or tempfile.mkdtemp(prefix="rules_random_")
    os.makedirs(workdir, exist_ok=True)
    try:
        status, got = run_driver(args, case, workdir)
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    info = {"seed": seed, "note": ", ".join(case.note), "refused": refusal is not None,
            "events": len(case.events), "citizens": len(case.citizens),
            "settled": 0, "statements": 0, "coverage": {}}
    where = f"run seed {seed} ({info['note']})" if isinstance(seed, int) else f"fixed case {seed}"
    if status == "CRASH":
        return 0, 1, [("driver crashed", f"{where}: driver crashed: {got}")], info
    if refusal is not None or status == "ERROR":
        if refusal is not None and status == "ERROR":
            return 1, 0, [], info
        if refusal is not None:
            return 0, 1, [("model refuses, driver accepts", f"{where}: model refuses ({refusal}), driver accepts")], info
        kind = "driver refuses, model accepts: " + re.sub(r"\b[A-Z]\d+\b", "#", got)
        return 0, 1, [(kind, f"{where}: driver refuses ({got}), model accepts")], info
    want = {(s["citizen"], s["tax_year"]): s for s in expected}
    have = {(s["citizen"], s["tax_year"]): s for s in got}
    passed, failed, diffs = 0, 0, []
    for key in sorted(set(want) | set(have)):
        w, h = want.get(key), have.get(key)
        if w is None or h is None:
            failed += 1
            diffs.append(("statement missing", f"{where}: statement {key} only in {'driver' if w is None else 'model'}"))
            continue
        bad = [(f, h.get(f, "<absent>"), w.get(f, "<absent>")) for f in sorted(set(w) | set(h)) if w.get(f) != h.get(f)]
        if bad:
            failed += 1
            for f, hv, wv in bad:
                diffs.append((f"field {f}", f"{where}: {key[0]} {key[1]} {f}: driver {hv}, model {wv}"))
        else:
            passed += 1
        info["settled"] += w["pension.settled"] == "true"
        cover(info, w)
    info["statements"] = len(want)
    return passed, failed, diffs, info


def cover(info, s):
    """Counts the interesting situations a statement shows (printed in the summary)."""
    seen = []
    if s["period.start"] <= s["pension.state_pension_age_date"] <= s["period.end"] and s["pension.settled"] == "true":
        settlement = model.Decimal(s["social_account.settlement"])
        seen.append("settled paid" if settlement < 0 else "settled written off" if settlement > 0 else "settled at zero")
    if model.Decimal(s["social_account.indexation"]) < 0:
        seen.append("deficit indexed")
    if s["pension.weekly_supplement"] != "0.00":
        seen.append("supplement")
    if s["pension.projected_weekly_supplement"] != "0.00":
        seen.append("projection")
    if s["pension.settled"] == "true" and any(k.startswith("benefits_not_charged.") for k in s):
        seen.append("memo after settlement")
    if s["time_credits.closing_balance"].startswith("-"):
        seen.append("time owed")
    for k in seen:
        info["coverage"][k] = info["coverage"].get(k, 0) + 1


class FixedCase(Case):
    """A hand-written case with figures worked out by hand from the spec."""

    def __init__(self, name, scheme_text, citizens, events, clock, expected):
        super().__init__(0)
        self.seed, self.scheme_text, self.clock, self.expected = name, scheme_text, clock, expected
        self.texts = (citizens, events, None)

    def files(self):
        return self.texts


FIXED = [
    ("worked example (section 8)", "citizen,birth_date\nC1,1990-06-01\n",
     "id,date,citizen,kind,code,amount\nE1,2024-05-31,C1,tax,income_tax,1234.55\n"
     "E2,2024-06-30,C1,benefit,child_benefit,102.40\nE3,2024-07-01,C1,volunteer,food-bank,2.10\n"
     "E4,2024-08-15,C1,service,social_care,333.35\n", D(2025, 4, 5),
     {("C1", "2024-25"): {
         "social_account.contributions.income_tax": "123.46", "social_account.benefits_charged.child_benefit": "102.40",
         "volunteering.hours": "2.25", "volunteering.value": "25.74", "social_account.social_credits": "12.87",
         "social_account.copayments.social_care": "33.34", "social_account.indexation": "0.01",
         "social_account.closing_balance": "0.60", "pension.projected_weekly_supplement": "0.00",
         "pension.state_pension_age_date": "2057-06-01"}}),
    # R9 at D = 2016-01-15 (age 66): 5.20 / (20 x 52) = 0.005 -> 0.00 and 15.60 / 1040 = 0.015 -> 0.02 (half-even);
    # a deficit is written off; P1, P2 (age 67 in 2027) project the same ties; Z1 reaches it with nothing.
    ("R9 ties and write-off",
     "citizen,birth_date\nS1,1950-01-15\nS2,1950-01-15\nS3,1950-01-15\nP1,1960-01-15\nP2,1960-01-15\n"
     "Z1,1950-01-15\n",
     "id,date,citizen,kind,code,amount\nE1,2015-05-01,S1,tax,income_tax,52.00\n"
     "E2,2015-05-01,S2,tax,income_tax,156.00\nE3,2015-05-01,S3,benefit,child_benefit,100.00\n"
     "E4,2015-05-01,P1,tax,income_tax,52.00\nE5,2015-05-01,P2,tax,income_tax,156.00\n"
     "E6,2016-01-15,S1,tax,income_tax,10.00\nE7,2016-01-15,S3,service,social_care,10.00\n", D(2016, 3, 1),
     {("S1", "2015-16"): {"social_account.settlement": "-5.20", "social_account.closing_balance": "0.00",
                          "pension.settled": "true", "pension.weekly_supplement": "0.00",
                          "taxes_paid.income_tax": "62.00", "social_account.contributions.income_tax": "5.20"},
      ("S2", "2015-16"): {"social_account.settlement": "-15.60", "pension.weekly_supplement": "0.02"},
      ("S3", "2015-16"): {"social_account.settlement": "100.00", "social_account.closing_balance": "0.00",
                          "pension.weekly_supplement": "0.00", "service_use.social_care": "10.00"},
      ("P1", "2015-16"): {"social_account.closing_balance": "5.20", "pension.projected_weekly_supplement": "0.00"},
      ("P2", "2015-16"): {"social_account.closing_balance": "15.60", "pension.projected_weekly_supplement": "0.02"},
      ("Z1", "2015-16"): {"pension.settled": "true", "social_account.settlement": "0.00"}}),
    # Settlement is "a state, reached even when nothing is posted" (R9): here the advance posts nothing at all.
    ("settled with nothing posted", "citizen,birth_date\nZ1,1948-04-29\n", "id,date,citizen,kind,code,amount\n",
     D(2015, 4, 5), {("Z1", "2014-15"): {"pension.settled": "true", "pension.state_pension_age_date": "2014-04-29"}}),
    # A debitable benefit after D is only shown (R9: "debitable benefits become memo").
    ("debitable benefit after settlement", "citizen,birth_date\nC1,1948-04-29\n",
     "id,date,citizen,kind,code,amount\nE1,2015-01-10,C1,benefit,child_benefit,100.00\n", D(2015, 4, 5),
     {("C1", "2014-15"): {"pension.settled": "true", "benefits_not_charged.child_benefit": "100.00",
                          "social_account.closing_balance": "0.00", "lifetime.benefits_charged": "0.00"}}),
]


def fixed_cases(scheme_text) -> tuple[list[Case], list[str]]:
    """The fixed cases, and where the model disagrees with their hand-worked figures."""
    cases, problems = [], []
    for name, citizens, events, clock, expected in FIXED:
        case = FixedCase(name, scheme_text, citizens, events, clock, expected)
        got = {(s["citizen"], s["tax_year"]): s for s in case.model()}
        problems += [f"{name}: model {k[0]} {k[1]} {f} = {got[k].get(f)}, worked by hand: {v}"
                     for k, fields in expected.items() for f, v in fields.items() if got[k].get(f) != v]
        cases.append(case)
    return cases, problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--source", required=True, help="the project's source directory")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--run-seed", type=int, help="run only this run seed (printed with each failure)")
    ap.add_argument("--keep", help="with --run-seed: keep the run's files in this directory")
    ap.add_argument("--jobs", type=int, default=2, help="drivers run in parallel")
    ap.add_argument("--show", type=int, default=12, help="differences shown")
    args = ap.parse_args()

    started = time.monotonic()
    with open(os.path.join(args.source, SCHEME), encoding="utf-8") as f:
        args.scheme_text = f.read()
    assert 'tax_year_start: "04-06"' in args.scheme_text
    cases, problems = fixed_cases(args.scheme_text)
    for p in problems:
        print(p)
    seeds = [args.run_seed] if args.run_seed is not None else [args.seed * 10000 + i for i in range(args.runs)]
    if args.run_seed is not None:
        cases = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda s: compare_case(args, s if isinstance(s, Case) else make_case(s, args.scheme_text),
                                                        args.keep), cases + seeds))

    passed = sum(r[0] for r in results)
    failed = sum(r[1] for r in results) + len(problems)
    diffs = [d for r in results for d in r[2]]
    infos = [r[3] for r in results]
    refused = sum(i["refused"] for i in infos)
    notes = {}
    for i in infos:
        for n in filter(None, (x.strip() for x in i["note"].split(","))):
            key = n.split(":")[0]
            notes[key] = notes.get(key, 0) + 1
    coverage = {}
    for i in infos:
        for k, v in i["coverage"].items():
            coverage[k] = coverage.get(k, 0) + v
    print(f"fixed cases: {len(cases)}; random runs: {len(seeds)} (seed {args.seed}), {sum(i['events'] for i in infos)} events; "
          f"refused by the model: {refused}; statements compared: {sum(i['statements'] for i in infos)} "
          f"({sum(i['settled'] for i in infos)} settled); {time.monotonic() - started:.1f} s")
    print(f"runs with: {notes}")
    print(f"statements with: {coverage}")
    if diffs:
        kinds = {}
        for kind, text in diffs:
            kinds.setdefault(kind, [0, text])[0] += 1
        print(f"runs failing: {sum(1 for r in results if r[1])}; differences by kind (count, first example):")
        for kind, (count, text) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
            print(f"  {count:6d}  {kind}\n          {text}")
        print("reproduce a run: add --run-seed S --keep DIR (DIR gets its files and the driver's command.sh)")
        print("first differences:")
        for _, text in diffs[:args.show]:
            print("  " + text)
        if len(diffs) > args.show:
            print(f"  ... and {len(diffs) - args.show} more")
    print(f"rules_random_test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

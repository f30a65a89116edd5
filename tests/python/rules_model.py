"""An independent model of the reference scheme's rules.

Written from ../shared/design/reference-scheme.md (sections 1-8) alone, never
from the C++ engine, so that tests/python/rules_random_test.py can compare the
two. It reads the same scheme YAML and CSV files as
tests/lifecycle/statement_driver.cpp and produces the same flattened
statements (one dict of strings per citizen and tax year).

Money and hours are decimal.Decimal only; no float touches a value. All
arithmetic runs in a context that traps Inexact, so a product or sum is always
exact, and the only roundings are the named ones below:
  - round_half_even(x): round(x) of section 5 (to 0.01, half-even);
  - round_div(n, d): round(n / d), the R9 weekly supplement, done with
    integers so the quotient is never rounded twice;
  - round_up_to_step(hours, step): R4/R5 hours rounded up to a multiple of step.

Where the spec is open, the model follows the engine's stated decisions:
taxes always count in taxes_paid; volunteering.value sums V settled or not;
time_credits.earned = R4 hours + R5 hours received, spent = R5 hours paid,
other = time_grant hours in, time_donation and time_session hours in less out
(docs/timebanks.md); pension.settled needs the state pension age date <= period end,
<= the clock and the citizen alive on it; a corrected event counts nowhere
(nor in limit checks); same-date events apply in file order, R9 at the start
of its day and R8 at the end of its day. Where even those are silent: a
projection with no annuity_divisor at the state pension age date is 0.00 (only
a settlement that needs it is an error, section 5), and an exchange's
counterparty must be a known citizen.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import decimal
import io
import re
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal

import yaml  # used with BaseLoader only: every scalar stays a string

EXACT = decimal.Context(prec=200, traps=[decimal.Inexact, decimal.InvalidOperation,
                                         decimal.DivisionByZero, decimal.Overflow])
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
AMOUNT_RE = re.compile(r"^\d+(\.\d{1,2})?$")  # section 1: no more decimals than the scale


class Refused(Exception):
    """The import (or the advance) is refused; event_id names a limit breach."""

    def __init__(self, message: str, event_id: str | None = None):
        super().__init__(message)
        self.event_id = event_id


# ---------------------------------------------------------------- rounding (section 1)

def round_half_even(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_EVEN, context=decimal.Context(prec=200))


def _as_integers(a: Decimal, b: Decimal) -> tuple[int, int]:
    """a, b scaled by the same power of ten to exact integers."""
    k = max(0, -a.as_tuple().exponent, -b.as_tuple().exponent)
    return int(a.scaleb(k, context=EXACT)), int(b.scaleb(k, context=EXACT))


def round_div(n: Decimal, d: Decimal) -> Decimal:
    """round(n / d): exact quotient to 0.01, half-even, by integer division."""
    num, den = _as_integers(n, d)
    if den < 0:
        num, den = -num, -den
    sign = -1 if num < 0 else 1
    q, r = divmod(abs(num) * 100, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return Decimal(sign * q).scaleb(-2, context=EXACT)


def round_up_to_step(hours: Decimal, step: Decimal | None) -> Decimal:
    """R4/R5: hours rounded up to a multiple of step (no step: unchanged)."""
    if step is None or step <= 0:
        return hours
    h, s = _as_integers(hours, step)
    return Decimal(-(-h // s)) * step


def fmt(x: Decimal) -> str:
    """Two decimals, exactly (a value with more would raise Inexact)."""
    x = x.quantize(CENT, context=EXACT)
    return str(ZERO if x == 0 else x)


# ---------------------------------------------------------------- parameters (section 7)

META_KEYS = {"description", "reference", "metadata", "documentation", "unit"}
NULLS = {"null", "Null", "NULL", "~", ""}


class Parameters:
    def __init__(self, leaves: dict[str, list[tuple[dt.date, str | None]]], metadata: dict):
        self.leaves = leaves
        self.metadata = metadata
        month, day = metadata.get("tax_year_start", "04-06").split("-")
        self.tax_year_start = (int(month), int(day))
        self.currency = metadata.get("currency", "GBP")

    def text(self, name: str, on: dt.date) -> str | None:
        """The value in force on `on`, None before the first date or after `value: null`."""
        value = None
        for start, v in self.leaves.get(name, []):
            if start <= on:
                value = v
        return value

    def number(self, name: str, on: dt.date) -> Decimal | None:
        t = self.text(name, on)
        return None if t is None else Decimal(t)

    def flag(self, name: str, on: dt.date) -> bool:
        return self.text(name, on) in ("true", "True", "TRUE")

    def with_reform(self, reform: "Parameters") -> "Parameters":
        """Each parameter the reform names: its values replace the scheme's from
        the reform's earliest date for it onwards; earlier scheme values stay."""
        leaves = dict(self.leaves)
        for name, entries in reform.leaves.items():
            if entries:
                first = entries[0][0]
                leaves[name] = [e for e in self.leaves.get(name, []) if e[0] < first] + entries
        return Parameters(leaves, self.metadata)


def _leaf(node: dict) -> list[tuple[dt.date, str | None]]:
    entries = node["values"] if "values" in node else {k: v for k, v in node.items() if DATE_RE.match(k)}
    out = []
    for key, v in entries.items():
        if isinstance(v, dict):
            if "value" not in v:  # e.g. an `expected` entry: ignored
                continue
            v = v["value"]
        out.append((dt.date.fromisoformat(key), None if v in NULLS else v))
    return sorted(out)


def _collect(node: dict, prefix: str, leaves: dict) -> None:
    if "values" in node or any(DATE_RE.match(k) for k in node):
        leaves[prefix] = _leaf(node)
        return
    for key, child in node.items():
        if key not in META_KEYS and isinstance(child, dict):
            _collect(child, f"{prefix}.{key}" if prefix else key, leaves)


def load_parameters(path: str) -> Parameters:
    with open(path, encoding="utf-8") as f:
        tree = yaml.load(f, Loader=yaml.BaseLoader)
    leaves: dict = {}
    _collect(tree, "", leaves)
    return Parameters(leaves, tree.get("metadata", {}) or {})


# ---------------------------------------------------------------- dates (section 2)

def tax_year_bounds(p: Parameters, year: int) -> tuple[dt.date, dt.date]:
    month, day = p.tax_year_start
    return dt.date(year, month, day), dt.date(year + 1, month, day) - dt.timedelta(days=1)


def tax_year_of(p: Parameters, day: dt.date) -> int:
    """The start year of the tax year holding day."""
    return day.year if (day.month, day.day) >= p.tax_year_start else day.year - 1


def tax_year_label(p: Parameters, year: int) -> str:
    return str(year) if p.tax_year_start == (1, 1) else f"{year}-{(year + 1) % 100:02d}"


def add_years(birth: dt.date, years: int) -> dt.date:
    """The birthday `years` on; 29 February falls on 1 March in common years."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


# ---------------------------------------------------------------- inputs (section 4)

@dataclasses.dataclass
class Citizen:
    id: str
    birth: dt.date
    death: dt.date | None

    def alive(self, on: dt.date) -> bool:
        return self.birth <= on and (self.death is None or on <= self.death)


@dataclasses.dataclass
class Event:
    id: str
    date: dt.date
    citizen: str
    kind: str
    code: str
    amount: Decimal
    counterparty: str
    corrects: str


KINDS = {"tax", "benefit", "service", "volunteer", "exchange", "budget_grant", "budget_topup",
         "budget_spend", "learning_grant", "learning_spend", "time_grant", "time_donation", "time_session"}
NEEDS_COUNTERPARTY = {"exchange", "budget_spend", "learning_spend", "time_donation", "time_session"}
BETWEEN_CITIZENS = {"exchange", "time_donation", "time_session"}
EVENT_COLUMNS = ("id", "date", "citizen", "kind", "code", "amount", "counterparty", "corrects")


def _rows(text: str, name: str, required: tuple[str, ...]) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise Refused(f"{name}: missing column {missing[0]}")
    return [{k: (v or "") for k, v in row.items()} for row in reader]


def _date(text: str, what: str) -> dt.date:
    if not DATE_RE.match(text):
        raise Refused(f"{what}: not a date: {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refused(f"{what}: not a date: {text!r}") from None


def _ident(text: str, what: str) -> str:
    if not ID_RE.match(text):
        raise Refused(f"{what}: not an identifier: {text!r}")
    return text


def read_citizens(text: str) -> dict[str, Citizen]:
    citizens: dict[str, Citizen] = {}
    for row in _rows(text, "citizens.csv", ("citizen", "birth_date")):
        cid = _ident(row["citizen"], "citizen")
        birth = _date(row["birth_date"], "birth_date")
        death = _date(row["death_date"], "death_date") if row.get("death_date") else None
        if death is not None and death < birth:
            raise Refused(f"{cid}: death before birth")
        if cid in citizens and (citizens[cid].birth, citizens[cid].death) != (birth, death):
            raise Refused(f"{cid}: imported twice with different dates")
        citizens[cid] = Citizen(cid, birth, death)
    return citizens


def read_providers(text: str | None) -> dict[str, list[tuple[dt.date, dt.date]]]:
    ranges: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    if text is None:
        return ranges
    for row in _rows(text, "providers.csv", ("provider", "accredited_from")):
        pid = _ident(row["provider"], "provider")
        start = _date(row["accredited_from"], "accredited_from")
        end = _date(row["accredited_to"], "accredited_to") if row.get("accredited_to") else dt.date.max
        if end < start:
            raise Refused(f"{pid}: accreditation ends before it starts")
        for s, e in ranges[pid]:
            if start <= e and s <= end:
                raise Refused(f"{pid}: overlapping accreditation ranges")
        ranges[pid].append((start, end))
    return ranges


def read_events(text: str, citizens: dict[str, Citizen]) -> list[Event]:
    """Events in file order; an exact repeat of a row is a no-op (section 4)."""
    events: list[Event] = []
    seen: dict[str, tuple] = {}
    for row in _rows(text, "events.csv", EVENT_COLUMNS[:6]):
        raw = tuple(row.get(c, "") for c in EVENT_COLUMNS)
        eid = _ident(row["id"], "id")
        if eid in seen:
            if seen[eid] != raw:
                raise Refused(f"{eid}: same id, different row")
            continue
        on = _date(row["date"], "date")
        cid = row["citizen"]
        if cid not in citizens:
            raise Refused(f"{eid}: unknown citizen {cid!r}")
        if not citizens[cid].alive(on):
            raise Refused(f"{eid}: dated before birth or after death")
        kind = row["kind"]
        if kind not in KINDS:
            raise Refused(f"{eid}: unknown kind {kind!r}")
        code = _ident(row["code"], "code")
        if not AMOUNT_RE.match(row["amount"]):
            raise Refused(f"{eid}: bad amount {row['amount']!r}")
        amount = Decimal(row["amount"])
        counterparty = row.get("counterparty", "")
        if kind in NEEDS_COUNTERPARTY:
            others = counterparty.split(";") if kind == "time_session" else [counterparty]
            for other in others:
                _ident(other, "counterparty")
                if kind in BETWEEN_CITIZENS and (other not in citizens or other == cid):
                    raise Refused(f"{eid}: bad counterparty {other!r}")
            if len(set(others)) != len(others):
                raise Refused(f"{eid}: a receiver is listed twice")
        corrects = row.get("corrects", "")
        if corrects and corrects not in seen:
            raise Refused(f"{eid}: corrects unknown event {corrects!r}")
        seen[eid] = raw
        events.append(Event(eid, on, cid, kind, code, amount, counterparty, corrects))
    return events


# ---------------------------------------------------------------- the ledger and rules R1-R9 (section 5)

# Statement lines that move the social balance, with their sign.
SOCIAL_SIGN = {"contributions": 1, "social_credits": 1, "benefits_charged": -1, "copayments": -1,
               "indexation": 1, "settlement": 1}


class Ledger:
    def __init__(self, p: Parameters, citizens: dict[str, Citizen], providers, clock: dt.date | None):
        self.p = p
        self.citizens = citizens
        self.providers = providers
        self.clock = clock
        self.lines: dict[str, list[tuple[dt.date, str, str, Decimal]]] = defaultdict(list)
        self.social: dict[str, Decimal] = defaultdict(Decimal)
        self.time: dict[str, Decimal] = defaultdict(Decimal)
        self.council: dict[str, Decimal] = defaultdict(Decimal)
        self.own: dict[str, Decimal] = defaultdict(Decimal)
        self.learning: dict[str, Decimal] = defaultdict(Decimal)
        self.provider_month: dict[tuple[str, int, int], int] = defaultdict(int)
        self.settled_on: dict[str, dt.date] = {}
        self.supplement: dict[str, Decimal] = {}

    def post(self, cid: str, on: dt.date, line: str, amount: Decimal, code: str = "") -> None:
        """Record a statement line; a zero amount posts nothing (section 1)."""
        if amount == 0:
            return
        self.lines[cid].append((on, line, code, amount))
        if line in SOCIAL_SIGN:
            self.social[cid] += SOCIAL_SIGN[line] * amount

    def settled(self, cid: str) -> bool:
        return cid in self.settled_on

    def state_pension_age_date(self, cid: str) -> dt.date:
        birth = self.citizens[cid].birth
        age = self.p.number("state_pension_age", birth)
        assert age is not None and age == age.to_integral_value(), "state_pension_age must be whole years"
        return add_years(birth, int(age))


def r1_contribution(L: Ledger, e: Event) -> None:
    L.post(e.citizen, e.date, "taxes_paid", e.amount, e.code)
    if e.code == "care_levy":
        L.post(e.citizen, e.date, "care_pot", e.amount)
        return
    share = L.p.number(f"contribution_share.{e.code}", e.date)
    if share is not None and not L.settled(e.citizen):
        L.post(e.citizen, e.date, "contributions", round_half_even(share * e.amount), e.code)


def r2_benefit(L: Ledger, e: Event) -> None:
    if L.p.flag(f"debitable.{e.code}", e.date) and not L.settled(e.citizen):
        L.post(e.citizen, e.date, "benefits_charged", e.amount, e.code)
    else:
        L.post(e.citizen, e.date, "benefits_not_charged", e.amount, e.code)


def r3_service_use(L: Ledger, e: Event) -> None:
    L.post(e.citizen, e.date, "service_use", e.amount, e.code)
    rate = L.p.number(f"copayment_rate.{e.code}", e.date)
    if rate is not None and rate > 0 and not L.settled(e.citizen):
        L.post(e.citizen, e.date, "copayments", round_half_even(rate * e.amount), e.code)


def r4_volunteering(L: Ledger, e: Event) -> None:
    hours = round_up_to_step(e.amount, L.p.number("volunteer_hours_step", e.date))  # rounding point 1
    v = round_half_even(hours * (L.p.number("valuation_rate_per_hour", e.date) or 0))  # rounding point 2
    s = round_half_even(v * (L.p.number("social_credit_share", e.date) or 0))  # rounding point 3
    L.time[e.citizen] += hours
    L.post(e.citizen, e.date, "time_earned", hours)
    L.post(e.citizen, e.date, "volunteer_hours", hours)
    L.post(e.citizen, e.date, "volunteer_value", v)
    if s > 0 and not L.settled(e.citizen):
        L.post(e.citizen, e.date, "social_credits", s)


def r5_exchange(L: Ledger, e: Event) -> None:
    hours = round_up_to_step(e.amount, L.p.number("volunteer_hours_step", e.date))
    limit = L.p.number("time_credit_limit", e.date) or 0
    payer = e.counterparty
    if L.time[payer] - hours < -limit:
        raise Refused(f"{e.id}: {payer} would owe more than {limit} hours", e.id)
    L.time[payer] -= hours
    L.time[e.citizen] += hours
    L.post(e.citizen, e.date, "time_earned", hours)
    L.post(payer, e.date, "time_spent", hours)


def r5_time_grant(L: Ledger, e: Event) -> None:
    """The default wallet's grant: hours from an organisation, rounded up to the step."""
    hours = round_up_to_step(e.amount, L.p.number("volunteer_hours_step", e.date))
    L.time[e.citizen] += hours
    L.post(e.citizen, e.date, "time_other", hours)


def r5_time_donation(L: Ledger, e: Event) -> None:
    """The default wallet's donation: the donor (citizen) pays, within time_credit_limit."""
    hours = round_up_to_step(e.amount, L.p.number("volunteer_hours_step", e.date))
    limit = L.p.number("time_credit_limit", e.date) or 0
    if L.time[e.citizen] - hours < -limit:
        raise Refused(f"{e.id}: {e.citizen} would owe more than {limit} hours", e.id)
    L.time[e.citizen] -= hours
    L.time[e.counterparty] += hours
    L.post(e.citizen, e.date, "time_other", -hours)
    L.post(e.counterparty, e.date, "time_other", hours)


def r5_time_session(L: Ledger, e: Event) -> None:
    """The default wallet's group session: each receiver pays the hours, within time_credit_limit; all or nothing."""
    hours = round_up_to_step(e.amount, L.p.number("volunteer_hours_step", e.date))
    limit = L.p.number("time_credit_limit", e.date) or 0
    receivers = e.counterparty.split(";")
    for receiver in receivers:
        if L.time[receiver] - hours < -limit:
            raise Refused(f"{e.id}: {receiver} would owe more than {limit} hours", e.id)
    for receiver in receivers:
        L.time[receiver] -= hours
        L.post(receiver, e.date, "time_other", -hours)
    L.time[e.citizen] += hours * len(receivers)
    L.post(e.citizen, e.date, "time_other", hours * len(receivers))


def r6_personal_budget(L: Ledger, e: Event) -> None:
    c = e.citizen
    if e.kind == "budget_grant":
        L.council[c] += e.amount
    elif e.kind == "budget_topup":
        L.own[c] += e.amount
    else:  # budget_spend: council first, then own
        if e.amount > L.council[c] + L.own[c]:
            raise Refused(f"{e.id}: budget spend exceeds both budgets", e.id)
        from_council = min(e.amount, L.council[c])
        L.council[c] -= from_council
        L.own[c] -= e.amount - from_council


def r7_learning(L: Ledger, e: Event) -> None:
    c = e.citizen
    if e.kind == "learning_grant":
        L.learning[c] += e.amount
        return
    if e.amount == 0:
        return  # a zero spend is no spend: it posts nothing and counts for nothing
    accredited = any(s <= e.date <= t for s, t in L.providers.get(e.counterparty, []))
    if not accredited:
        raise Refused(f"{e.id}: learning spend refused ({e.counterparty} on {e.date})", e.id)
    # The monthly cap counts spends at the provider across all citizens, in replay order.
    month = (e.counterparty, e.date.year, e.date.month)
    cap = L.p.number("learning_max_spends_per_provider_per_month", e.date)
    if cap is not None and L.provider_month[month] + 1 > cap:
        raise Refused(f"{e.id}: learning spend refused ({e.counterparty} full in {e.date:%Y-%m})", e.id)
    if e.amount > L.learning[c]:
        raise Refused(f"{e.id}: learning spend refused ({e.counterparty} on {e.date})", e.id)
    L.provider_month[month] += 1
    L.learning[c] -= e.amount


def r8_indexation(L: Ledger, cid: str, first_day: dt.date, last_day: dt.date) -> None:
    rate = L.p.number("indexation_rate", first_day)
    balance = L.social[cid]
    if rate is None or (balance < 0 and not L.p.flag("index_deficits", first_day)):
        return
    L.post(cid, last_day, "indexation", round_half_even(balance * rate))


def r9_settlement(L: Ledger, cid: str, d: dt.date) -> None:
    balance = L.social[cid]  # everything dated before d: R9 runs at the start of its day
    L.settled_on[cid] = d
    if balance > 0:
        divisor = L.p.number("annuity_divisor", d)
        if divisor is None:
            raise Refused(f"{cid}: settlement on {d} needs annuity_divisor, which has no value")
        L.supplement[cid] = round_div(balance, divisor * 52)
    L.post(cid, d, "settlement", -balance)


EVENT_RULES = {"tax": r1_contribution, "benefit": r2_benefit, "service": r3_service_use,
               "volunteer": r4_volunteering, "exchange": r5_exchange,
               "time_grant": r5_time_grant, "time_donation": r5_time_donation, "time_session": r5_time_session,
               "budget_grant": r6_personal_budget, "budget_topup": r6_personal_budget,
               "budget_spend": r6_personal_budget,
               "learning_grant": r7_learning, "learning_spend": r7_learning}


def replay(L: Ledger, events: list[Event]) -> None:
    """All surviving events and the scheduled operations on or before the clock,
    day by day: R9 at the start of a day, events in file order, R8 at its end."""
    corrected = {e.corrects for e in events if e.corrects}
    surviving = [e for e in events if e.id not in corrected]
    by_day: dict[dt.date, list[Event]] = defaultdict(list)
    for e in surviving:
        by_day[e.date].append(e)
    settlements: dict[dt.date, list[str]] = defaultdict(list)
    year_ends: dict[dt.date, dt.date] = {}
    if L.clock is not None:
        for cid, c in L.citizens.items():
            d = L.state_pension_age_date(cid)
            if d <= L.clock and c.alive(d):
                settlements[d].append(cid)
        first_year = min(c.birth.year for c in L.citizens.values()) - 1 if L.citizens else L.clock.year
        for year in range(first_year, L.clock.year + 1):
            first_day, last_day = tax_year_bounds(L.p, year)
            if last_day <= L.clock:
                year_ends[last_day] = first_day
    for day in sorted(set(by_day) | set(settlements) | set(year_ends)):
        for cid in sorted(settlements.get(day, [])):
            r9_settlement(L, cid, day)
        for e in by_day.get(day, []):
            EVENT_RULES[e.kind](L, e)
        if day in year_ends:
            for cid, c in sorted(L.citizens.items()):
                if c.alive(day) and not L.settled(cid):
                    r8_indexation(L, cid, year_ends[day], day)


# ---------------------------------------------------------------- the statement (section 6)

def statement(L: Ledger, cid: str, year: int) -> dict[str, str]:
    start, end = tax_year_bounds(L.p, year)
    lines = L.lines[cid]

    def total(line: str, lo: dt.date | None, hi: dt.date) -> Decimal:
        return sum((a for d, ln, _, a in lines if ln == line and (lo is None or lo <= d) and d <= hi), ZERO)

    def by_code(line: str) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for d, ln, code, a in lines:
            if ln == line and start <= d <= end:
                sums[code] += a
        return {k: v for k, v in sums.items() if v != 0}

    def social_at(hi: dt.date) -> Decimal:  # balance after everything dated <= hi
        return sum((SOCIAL_SIGN[ln] * a for d, ln, _, a in lines if ln in SOCIAL_SIGN and d <= hi), ZERO)

    day_before = start - dt.timedelta(days=1)
    out = {"citizen": cid, "tax_year": tax_year_label(L.p, year), "currency": L.p.currency,
           "period.start": start.isoformat(), "period.end": end.isoformat()}
    maps = {"social_account.contributions": "contributions",
            "social_account.benefits_charged": "benefits_charged",
            "social_account.copayments": "copayments",
            "taxes_paid": "taxes_paid", "benefits_not_charged": "benefits_not_charged",
            "service_use": "service_use"}
    for prefix, line in maps.items():
        for code, amount in by_code(line).items():
            out[f"{prefix}.{code}"] = fmt(amount)

    opening, closing = social_at(day_before), social_at(end)
    flows = {line: total(line, start, end) for line in SOCIAL_SIGN}
    assert closing == opening + sum(SOCIAL_SIGN[ln] * flows[ln] for ln in SOCIAL_SIGN)
    out["social_account.opening_balance"] = fmt(opening)
    out["social_account.social_credits"] = fmt(flows["social_credits"])
    out["social_account.indexation"] = fmt(flows["indexation"])
    out["social_account.settlement"] = fmt(flows["settlement"])
    out["social_account.closing_balance"] = fmt(closing)

    care_open = total("care_pot", None, day_before)
    care_in = total("care_pot", start, end)
    out["care_pot.opening_balance"] = fmt(care_open)
    out["care_pot.contributions"] = fmt(care_in)
    out["care_pot.closing_balance"] = fmt(care_open + care_in)

    time_open = (total("time_earned", None, day_before) - total("time_spent", None, day_before)
                 + total("time_other", None, day_before))
    earned, spent = total("time_earned", start, end), total("time_spent", start, end)
    other = total("time_other", start, end)
    out["time_credits.opening_balance"] = fmt(time_open)
    out["time_credits.earned"] = fmt(earned)
    out["time_credits.spent"] = fmt(spent)
    out["time_credits.other"] = fmt(other)
    out["time_credits.closing_balance"] = fmt(time_open + earned - spent + other)

    out["volunteering.hours"] = fmt(total("volunteer_hours", start, end))
    out["volunteering.value"] = fmt(total("volunteer_value", start, end))

    out["lifetime.contributions"] = fmt(total("contributions", None, end))
    out["lifetime.benefits_charged"] = fmt(total("benefits_charged", None, end))
    out["lifetime.service_use"] = fmt(total("service_use", None, end))
    out["lifetime.volunteer_hours"] = fmt(total("volunteer_hours", None, end))

    spa_date = L.state_pension_age_date(cid)
    settled = cid in L.settled_on and L.settled_on[cid] <= end
    death = L.citizens[cid].death
    out["pension.state_pension_age_date"] = spa_date.isoformat()
    out["pension.settled"] = "true" if settled else "false"
    out["pension.weekly_supplement"] = fmt(L.supplement.get(cid, ZERO) if settled else ZERO)
    projected = ZERO
    if not settled and closing > 0 and (death is None or death > end):
        divisor = L.p.number("annuity_divisor", spa_date)
        if divisor is not None:  # open point: no divisor at that date projects nothing (0.00), no error
            projected = round_div(closing, divisor * 52)
    out["pension.projected_weekly_supplement"] = fmt(projected)

    # The lifetime history: a row per tax year up to this one, from the first row that is not all zeros.
    flows: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
    for d, ln, _, a in lines:
        if d <= end:
            row = flows[tax_year_of(L.p, d)]
            if ln in ("contributions", "benefits_charged", "service_use"):
                row[("contributions", "benefits_charged", "service_use").index(ln)] += a
            row[3] += SOCIAL_SIGN.get(ln, 0) * a
    rows, balance = [], ZERO
    for y in range(min(flows, default=year), year + 1):
        contributions, benefits, services, social = flows.get(y, [ZERO] * 4)
        balance += social
        row = [contributions, benefits, services, balance]
        if rows or y == year or any(v != 0 for v in row):
            rows.append((y, row))
    for y, row in rows:
        label = tax_year_label(L.p, y)
        for name, value in zip(("contributions", "benefits_charged", "service_use", "closing_balance"), row):
            out[f"history.{label}.{name}"] = fmt(value)
    return out


# ---------------------------------------------------------------- entry point

def run_model(params: Parameters, citizens_csv: str, events_csv: str, providers_csv: str | None,
              clock: dt.date | None, from_year: int, to_year: int) -> list[dict[str, str]]:
    """Every statement (citizens sorted by id, then tax years), or Refused."""
    with decimal.localcontext(EXACT):
        citizens = read_citizens(citizens_csv)
        providers = read_providers(providers_csv)
        events = read_events(events_csv, citizens)
        L = Ledger(params, citizens, providers, clock)
        replay(L, events)
        return [statement(L, cid, year) for cid in sorted(citizens) for year in range(from_year, to_year + 1)]

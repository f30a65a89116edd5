"""`commonweal statement` and `budget-statement` read one citizen's part of the
ledger file (LedgerStore::statement); the package's Ledger reads the whole
engine. On seeded random ledgers (exchanges between citizens, corrections,
late events, budgets, settlements, a death, several imports and advances and
a reform) both must give the same JSON, byte for byte, for every citizen,
every tax year, every month with budget activity, and "as known at" each
recorded moment."""
import datetime as dt
from decimal import Decimal
import random
import re

import pytest

import commonweal as cw
from conftest import SCHEME, SOURCE, cli

REFORM = SOURCE / "tests" / "scenarios" / "index-deficits-from-2024-04-07-reform.yaml"


def random_ledger_files(folder, seed):
    rng = random.Random(seed)
    citizens = [f"C{n}" for n in range(10)]
    births = {c: dt.date(1955 + rng.randrange(45), 1 + rng.randrange(12), 1 + rng.randrange(28)) for c in citizens}
    deaths = {citizens[3]: dt.date(2024, 1, 15)}
    (folder / "citizens.csv").write_text("citizen,birth_date,death_date\n" + "".join(
        f"{c},{births[c]},{deaths.get(c, '')}\n" for c in citizens))
    (folder / "providers.csv").write_text("provider,accredited_from,accredited_to\nP1,2015-01-01,\n")
    rows, count = [], 0

    def add(day, citizen, kind, code, amount, counterparty="", corrects=""):
        nonlocal count
        count += 1
        rows.append((f"E{count}", day, citizen, kind, code, amount, counterparty, corrects))

    for citizen in citizens:
        granted = 0
        for _ in range(25):
            day = dt.date(2020, 4, 6) + dt.timedelta(days=rng.randrange(5 * 365))
            if citizen in deaths and day > deaths[citizen]:
                continue
            kind = rng.choice(["tax", "tax", "benefit", "service", "volunteer", "exchange", "budget"])
            if kind == "tax":
                add(day, citizen, "tax", rng.choice(["income_tax", "national_insurance", "care_levy"]),
                    f"{rng.randrange(1, 400000) / 100:.2f}")
            elif kind == "benefit":
                add(day, citizen, "benefit", rng.choice(["child_benefit", "pip"]), f"{rng.randrange(1, 90000) / 100:.2f}")
            elif kind == "service":
                add(day, citizen, "service", rng.choice(["gp_visit", "social_care"]), f"{rng.randrange(1, 90000) / 100:.2f}")
            elif kind == "volunteer":
                add(day, citizen, "volunteer", "food-bank", f"{rng.randrange(1, 400) / 100:.2f}")
            elif kind == "exchange":
                partner = rng.choice([c for c in citizens if c != citizen and c not in deaths])
                add(day, citizen, "exchange", "tb-north", f"{rng.randrange(1, 150) / 100:.2f}", partner)
            elif citizen not in deaths:
                add(day, citizen, "budget_grant", "kent", "300.00")
                granted += 300
                add(day + dt.timedelta(days=3), citizen, "budget_spend", "home_care",
                    f"{rng.randrange(1, granted * 100 // 4) / 100:.2f}", "HOME1")
                granted -= granted // 4 + 1
    rows.sort(key=lambda row: row[1])
    header = "id,date,citizen,kind,code,amount,counterparty,corrects\n"

    def csv(part):
        return header + "".join(",".join(str(v) for v in row) + "\n" for row in part)

    first, later = [r for r in rows if r[1] < dt.date(2023, 4, 6)], [r for r in rows if r[1] >= dt.date(2023, 4, 6)]
    late = rng.sample(first, 3)  # held back: imported after the advance past them
    first = [r for r in first if r not in late]
    (folder / "first.csv").write_text(csv(first))
    taxes = [r for r in first if r[3] == "tax" and r[4] != "care_levy"]
    fixed = rng.choice(taxes)
    correction = (f"X{seed}", fixed[1], fixed[2], "tax", fixed[4], "1.00", "", fixed[0])
    (folder / "second.csv").write_text(csv(late + later + [correction]))


def recorded_moments(*outputs):
    return [m for out in outputs for m in re.findall(r"recorded at (\S+)", out)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_citizens_statements_equal_the_whole_ledgers(tmp_path, seed):
    random_ledger_files(tmp_path, seed)
    db = tmp_path / "ledger.db"
    cli("init", db, "--scheme", SCHEME)
    outputs = [
        cli("import", db, "--citizens", tmp_path / "citizens.csv", "--providers", tmp_path / "providers.csv",
            "--events", tmp_path / "first.csv").stdout,
        cli("advance", db, "--to", "2023-04-05").stdout,
        cli("import", db, "--events", tmp_path / "second.csv").stdout,
        cli("advance", db, "--to", "2025-04-05").stdout,
        cli("scheme", db, "--reform", REFORM).stdout,
    ]
    moments = recorded_moments(*outputs)
    assert len(moments) >= 4, outputs
    with cw.Ledger.open(db) as led:
        citizens = led.citizens()
        assert len(citizens) == 10
        compared = 0
        for citizen in citizens:
            for tax_year in ["2022-23", "2024-25"]:
                for known in [None, moments[1], moments[3]]:
                    extra = ["--as-known-at", known] if known else []
                    one = cli("statement", db, "--citizen", citizen, "--tax-year", tax_year, "--format", "json",
                              *extra).stdout
                    whole = led.statement(citizen, tax_year, as_known_at=known).to_json() + "\n"
                    assert one == whole, (citizen, tax_year, known)
                    compared += 1
            for month in ["2021-06", "2023-01", "2024-07"]:
                one = cli("budget-statement", db, "--citizen", citizen, "--month", month, "--format", "json").stdout
                whole = led._core.budget_statement_json(citizen, month, None)
                assert one == whole, (citizen, month)
        assert compared == 60
    result = cli("statement", db, "--citizen", "C99", "--tax-year", "2024-25", check=2)
    assert "unknown citizen C99" in result.stderr


@pytest.mark.parametrize("seed", [1, 4])
def test_every_balance_read_with_sql_equals_the_sum_of_the_journals_postings(tmp_path, seed):
    """LedgerStore::balance reads a citizen's account from the postings table and a pooled
    account (a fund, a totals memo) from pooled_totals; the journal (entries(), read from each
    entry's hashed lines) is the independent sum, as of dates and as known at each moment."""
    import pandas as pd
    random_ledger_files(tmp_path, seed)
    db = tmp_path / "ledger.db"
    cli("init", db, "--scheme", SCHEME)
    outputs = [
        cli("import", db, "--citizens", tmp_path / "citizens.csv", "--providers", tmp_path / "providers.csv",
            "--events", tmp_path / "first.csv").stdout,
        cli("advance", db, "--to", "2023-04-05").stdout,
        cli("import", db, "--events", tmp_path / "second.csv").stdout,
        cli("advance", db, "--to", "2025-04-05").stdout,
    ]
    moments = recorded_moments(*outputs)
    with cw.Ledger.open(db) as led:
        journal = led.entries()
        accounts = sorted(set(journal["account"]))
        pooled = [a for a in accounts if a.startswith("fund:") or (a.startswith("memo:") and not a.startswith("memo:citizen:"))]
        assert "fund:social" in pooled and len(pooled) >= 5 and len(accounts) - len(pooled) >= 20
        checked = 0
        for as_of in [None, "2021-12-31", "2023-04-05", "2024-06-30"]:
            for known in [None, moments[0], moments[2]]:
                rows = journal
                if as_of:
                    rows = rows[rows["effective_date"] <= pd.Timestamp(as_of)]
                if known:
                    rows = rows[rows["recorded_at"] <= pd.Timestamp(known)]
                sums = {account: sum(group["amount"], Decimal(0)) for account, group in rows.groupby("account")}
                for account in accounts:
                    assert led.balance(account, as_of=as_of, as_known_at=known) == sums.get(account, Decimal("0.00")), (
                        account, as_of, known)
                    checked += 1
        assert checked == 12 * len(accounts)
        for account in pooled[:3]:  # the journal of one pooled account: read from the entries' lines
            one = led.entries(account=account)
            whole = journal[journal["account"] == account]
            assert one["amount"].tolist() == whole["amount"].tolist() and one["entry_id"].tolist() == whole["entry_id"].tolist()

"""docs/budgets.md's session runs as written, and the monthly budget
statement closes on the journal's balances, nets a corrected event away and
answers "as known at"."""
import json
import re
import shutil
from decimal import Decimal

from conftest import SCHEME, page_session, run, run_session, write


def page_session_and_files():
    session, text = page_session("budgets.md", "budgets-session")
    after = text.split("With `citizens.csv` and `events.csv`:", 1)[1]
    blocks = re.findall(r"^```\n(.*?)^```$", after, re.S | re.M)
    return session, {"citizens.csv": blocks[0], "events.csv": blocks[1]}


def test_the_budgets_page_session_runs_as_written(tmp_path):
    session, files = page_session_and_files()
    for name, content in files.items():
        write(tmp_path / name, content)
    shutil.copy(SCHEME, tmp_path / "cswa-reference.yaml")
    assert run_session(session, tmp_path) >= 3


def test_the_statement_closes_on_the_balances_and_nets_corrections(tmp_path):
    session, files = page_session_and_files()
    for name, content in files.items():
        write(tmp_path / name, content)
    db = tmp_path / "b.db"
    run("init", db, "--scheme", SCHEME, check=0)
    run("import", db, "--citizens", "citizens.csv", "--events", "events.csv", check=0, cwd=tmp_path)

    def statement(*extra):
        return json.loads(run("budget-statement", db, "--citizen", "C1", "--month", "2024-07", "--format", "json",
                              *extra, check=0).stdout)

    before = statement()
    # A correction: P2 was 250.00, not 300.00. The July lines show P2x, not P2.
    write(tmp_path / "fix.csv", "id,date,citizen,kind,code,amount,counterparty,corrects\n"
                                "P2x,2024-07-03,C1,budget_spend,home_care,250.00,HOME1,P2\n")
    run("import", db, "--events", "fix.csv", check=0, cwd=tmp_path)
    after = statement()
    assert [t["event"] for t in after["transactions"]] == ["U1", "P2x", "G2", "P3"]
    assert after["closing_balance"] == {"council": "0.00", "own": "180.00", "total": "180.00"}
    for kind in ("council", "own"):
        held = run("balance", db, f"citizen:C1:budget:{kind}", "--as-of", "2024-07-31", check=0).stdout.strip()
        assert held == after["closing_balance"][kind]
    # Running balances add up, line by line.
    running = Decimal(after["opening_balance"]["total"])
    for line in after["transactions"]:
        running += Decimal(line["council"]) + Decimal(line["own"])
        assert Decimal(line["balance"]["total"]) == running
    # As known at before the correction: the first statement again.
    known = statement("--as-known-at", before["as_known_at"])
    assert known == before


def test_bad_month_and_unknown_citizen(tmp_path):
    db = tmp_path / "b.db"
    run("init", db, "--scheme", SCHEME, check=0)
    result = run("budget-statement", db, "--citizen", "C1", "--month", "2024-07")
    assert result.returncode == 2 and result.stderr == "commonweal: unknown citizen C1\n"
    write(tmp_path / "c.csv", "citizen,birth_date\nC1,1980-01-01\n")
    run("import", db, "--citizens", "c.csv", check=0, cwd=tmp_path)
    result = run("budget-statement", db, "--citizen", "C1", "--month", "2024-7")
    assert result.returncode in (1, 2)
    assert "not a calendar month like 2024-07" in result.stderr

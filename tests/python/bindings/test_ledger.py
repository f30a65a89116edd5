"""The Ledger API against the command line on the same files: the same figures,
the same statements, the same messages."""
import datetime as dt
import json
import sqlite3
import threading
import time
from decimal import Decimal

import pytest

import commonweal as cw
from conftest import SCHEME, cli, cli_message


def test_create_import_advance_balance_in_memory(files):
    led = cw.Ledger.create(":memory:", scheme=SCHEME)
    change = led.import_csv(citizens=files / "citizens.csv", events=files / "events.csv",
                            providers=files / "providers.csv")
    assert (change.citizens_added, change.events_added, change.stored) == (3, 8, True)
    assert change.entries_posted > 0 and len(change.chain_head) == 64
    assert led.advance(to=dt.date(2025, 4, 5)).entries_posted > 0
    assert led.clock == "2025-04-05"
    assert led.citizens() == ["C1", "C2", "C3"]
    # Importing the same files again changes nothing.
    again = led.import_csv(citizens=files / "citizens.csv", events=files / "events.csv")
    assert (again.stored, again.events_added, again.entries_posted) == (False, 0, 0)


def test_balances_equal_the_cli(ledger, ledger_path):
    for account in ["citizen:C1:social", "citizen:C1:time", "citizen:C2:time", "citizen:C2:social", "fund:social"]:
        for as_of in [None, "2024-06-30", "2024-12-31"]:
            args = ["balance", ledger_path, account] + (["--as-of", as_of] if as_of else [])
            expected = cli(*args).stdout.strip()
            got = ledger.balance(account, as_of=as_of)
            assert isinstance(got, Decimal)
            assert str(got) == expected  # same digits and the same two decimals


def test_balance_as_known_at_before_the_advance(ledger, ledger_path):
    before = ledger.balance("citizen:C1:social", as_known_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    assert before == Decimal("0.00") and before.as_tuple().exponent == -2
    now = ledger.balance("citizen:C1:social")
    assert ledger.balance("citizen:C1:social", as_known_at="2999-01-01") == now
    with pytest.raises(TypeError, match="no time zone"):
        ledger.balance("citizen:C1:social", as_known_at=dt.datetime(2025, 1, 1))


@pytest.mark.parametrize("citizen", ["C1", "C2", "C3"])
def test_statement_equals_the_cli_json(ledger, ledger_path, citizen):
    st = ledger.statement(citizen, "2024-25")
    cli_json = cli("statement", ledger_path, "--citizen", citizen, "--tax-year", "2024-25", "--format", "json").stdout
    assert st.to_json() + "\n" == cli_json
    expected = json.loads(cli_json, parse_float=Decimal)
    got = st.to_dict()
    # Every amount is a Decimal equal to the CLI's string, digit for digit.
    assert json.loads(json.dumps(got, default=str)) == expected
    assert st.social_account.closing_balance == Decimal(expected["social_account"]["closing_balance"])
    assert str(st.social_account.closing_balance) == expected["social_account"]["closing_balance"]
    assert st.history[-1].closing_balance == st.social_account.closing_balance
    assert st.citizen == citizen and st.tax_year == "2024-25"
    assert st.period_start == dt.date(2024, 4, 6) and st.period_end == dt.date(2025, 4, 5)
    assert st.as_known_at.tzinfo is not None


def test_statement_figures(ledger):
    st = ledger.statement("C1", "2024-25")
    assert st.taxes_paid == {"income_tax": Decimal("1234.55")}
    assert st.social_account.contributions == {"income_tax": Decimal("123.46")}
    assert st.social_account.benefits_charged == {"child_benefit": Decimal("100.00")}
    # The closing balance is the sum of its parts, exactly.
    s = st.social_account
    assert s.closing_balance == (s.opening_balance + sum(s.contributions.values()) + s.social_credits
                                 - sum(s.benefits_charged.values()) - sum(s.copayments.values())
                                 + s.indexation + s.settlement)
    assert st.volunteering.hours == Decimal("3.00")
    assert st.time_credits.earned == Decimal("5.50")  # 3 volunteered (R4) and 2.50 given to C2 (R5)
    assert ledger.statement("C2", "2024-25").time_credits.spent == Decimal("2.50")


def test_statement_renderings_equal_the_cli(ledger, ledger_path):
    st = ledger.statement("C1", "2024-25")
    assert st.to_html() == cli("statement", ledger_path, "--citizen", "C1", "--tax-year", "2024-25",
                               "--format", "html").stdout
    assert st.to_text() == cli("statement", ledger_path, "--citizen", "C1", "--tax-year", "2024-25").stdout
    assert str(st) == st.to_text()
    assert st._repr_html_().startswith("<iframe srcdoc=")
    assert "data-field=&quot;social_account.closing_balance&quot;" in st._repr_html_()
    assert ledger.explain("C1", "2024-25") == cli("explain", ledger_path, "--citizen", "C1", "--tax-year",
                                                  "2024-25").stdout


def test_statement_tables(ledger):
    st = ledger.statement("C1", "2024-25")
    table = st.to_frame(minor_units=True)
    row = table.set_index("field").loc["social_account.closing_balance"]
    assert row["amount"] == st.social_account.closing_balance
    assert row["amount_minor"] == int(st.social_account.closing_balance * 100)
    assert str(table["amount_minor"].dtype) == "int64"
    assert all(isinstance(a, Decimal) for a in table["amount"])
    assert set(table["field"]) == {f for f in st.flatten() if not f.startswith("history.")} - {
        "citizen", "tax_year", "period.start", "period.end", "currency", "pension.settled",
        "pension.state_pension_age_date"}
    history = st.history_frame(minor_units=True)
    assert list(history["tax_year"])[-1] == "2024-25"
    assert history["closing_balance"].iloc[-1] == st.social_account.closing_balance
    assert history["contributions_minor"].iloc[-1] == 12346


def test_statement_as_known_at_before_the_advance(ledger):
    now = ledger.statement("C1", "2024-25")
    assert now.social_account.indexation == Decimal("0.81")
    imported_at = ledger.entries(citizen="C1")["recorded_at"].min().to_pydatetime()
    before = ledger.statement("C1", "2024-25", as_known_at=imported_at)
    assert before.social_account.indexation == Decimal("0.00")


def test_entries_equal_the_stored_journal(ledger, ledger_path):
    frame = ledger.entries(minor_units=True)
    connection = sqlite3.connect(ledger_path)
    rows = connection.execute("SELECT position, id, effective_date, recorded_at, code, memo, reverses, account, "
                              "unit, amount_minor FROM journal").fetchall()
    connection.close()
    assert len(frame) == len(rows)
    got = sorted(zip(frame["position"], frame["entry_id"], frame["effective_date"].dt.strftime("%Y-%m-%d"),
                     frame["code"], frame["memo"], frame["reverses"], frame["account"], frame["unit"],
                     frame["amount_minor"]))
    expected = sorted((r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows)
    assert got == expected
    assert list(frame["position"]) == sorted(frame["position"])  # journal order
    assert all(isinstance(a, Decimal) and a.as_tuple().exponent == -2 for a in frame["amount"])
    assert (frame["amount"] * 100).map(int).tolist() == frame["amount_minor"].tolist()
    # Each entry balances per unit, exactly.
    assert all(total == 0 for total in frame.groupby(["position", "unit"])["amount"].sum())
    # Every account's postings sum to its balance.
    for account, amounts in frame.groupby("account")["amount"]:
        assert sum(amounts) == ledger.balance(account)


def test_entries_of_a_citizen_and_of_an_account(ledger):
    mine = ledger.entries(citizen="C1")
    assert len(mine) > 0 and mine["account"].str.startswith("citizen:C1:").all()
    assert sum(mine[mine["account"] == "citizen:C1:social"]["amount"]) == ledger.balance("citizen:C1:social")
    one = ledger.entries(account="citizen:C2:time")
    assert set(one["account"]) == {"citizen:C2:time"}
    assert sum(one["amount"]) == ledger.balance("citizen:C2:time") == Decimal("-2.50")
    with pytest.raises(cw.NotFoundError, match="unknown citizen C9"):
        ledger.entries(citizen="C9")
    with pytest.raises(cw.NotFoundError, match="no account named nothing"):
        ledger.entries(account="nothing")


def test_parameters_keep_their_decimals(ledger, tmp_path):
    rate = ledger.parameter("indexation_rate", on="2025-01-01")
    assert rate == Decimal("0.02") and rate.as_tuple().exponent == -2
    assert ledger.parameter("valuation_rate_per_hour", on=dt.date(2024, 6, 1)) == Decimal("11.44")
    assert ledger.parameter("index_deficits", on="2024-06-01") is False
    assert ledger.parameter("indexation_rate", on="2000-01-01") is None
    with pytest.raises(cw.NotFoundError, match="no parameter"):
        ledger.parameter("no_such_rate", on="2024-06-01")
    reform = tmp_path / "reform.yaml"
    reform.write_text("indexation_rate:\n  values: {2024-04-06: {value: 0.0375}}\n")
    led = cw.Ledger.create(":memory:", scheme=SCHEME, reform=reform)
    rate = led.parameter("indexation_rate", on="2025-01-01")
    assert str(rate) == "0.0375" and rate.as_tuple() == (0, (3, 7, 5), -4)
    assert led.parameter("indexation_rate", on="2024-01-01") == Decimal("0.02")


def test_verify_and_tampering(ledger, ledger_path):
    report = ledger.verify()
    assert report.entries_checked > 0 and report.anchors_checked == 3 and report.chain_head == ledger.chain_head
    connection = sqlite3.connect(ledger_path)
    connection.execute("UPDATE entries SET memo = memo || ' (edited)' WHERE position = 1")
    connection.commit()
    connection.close()
    with pytest.raises(cw.VerificationError) as caught:
        ledger.verify()
    result = cli("verify", ledger_path, check=3)
    assert str(caught.value) == cli_message(result)
    assert caught.value.problems and caught.value.code == "verification"


def test_scheme_info_and_path(ledger, ledger_path):
    info = ledger.scheme_info
    assert info["scheme_name"] == SCHEME.name and len(info["scheme_sha256"]) == 64 and info["reform_name"] is None
    assert ledger.path == str(ledger_path)
    assert repr(ledger) == f"<commonweal.Ledger {ledger_path}>"


def test_closed_ledger(ledger_path):
    led = cw.Ledger.open(ledger_path)
    led.close()
    assert led.closed
    with pytest.raises(cw.InputError, match="the ledger is closed"):
        led.balance("citizen:C1:social")


def test_the_gil_is_released_while_cpp_waits(ledger_path):
    """An advance waiting for another writer's lock must let Python threads run; holding the GIL,
    this thread could not commit and release the lock, and the advance would fail after its
    10-second busy timeout with LedgerEnvironmentError."""
    led = cw.Ledger.open(ledger_path)
    blocker = sqlite3.connect(ledger_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    outcome = {}

    def advance():
        try:
            outcome["change"] = led.advance(to="2025-06-01")
        except Exception as error:  # noqa: BLE001 - reported below
            outcome["error"] = error

    worker = threading.Thread(target=advance)
    worker.start()
    time.sleep(0.5)  # lets the worker reach SQLite's busy wait (not a timing assertion)
    ticks = sum(1 for _ in range(100_000))  # Python runs while the worker is inside C++
    blocker.execute("COMMIT")
    blocker.close()
    worker.join()
    assert ticks == 100_000
    assert "error" not in outcome, outcome.get("error")
    assert outcome["change"].stored and led.clock == "2025-06-01"
    led.close()

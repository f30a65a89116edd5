"""Errors arrive as Python exceptions carrying the CLI's message (its stderr
without the 'commonweal: ' prefix), and leave the ledger unchanged."""
import sqlite3

import pytest

import commonweal as cw
from conftest import SCHEME, cli, cli_message


def rows(db):
    connection = sqlite3.connect(db)
    try:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ["operations", "events", "entries", "postings", "citizen_records"]}
    finally:
        connection.close()


BAD_EVENTS = {
    "too_many_decimals": "id,date,citizen,kind,code,amount\nX1,2024-05-31,C1,tax,income_tax,1.234\n",
    "negative": "id,date,citizen,kind,code,amount\nX1,2024-05-31,C1,tax,income_tax,-5.00\n",
    "bad_date_and_kind": "id,date,citizen,kind,code,amount\nX1,2024-02-30,C1,taxes,income_tax,5.00\n"
                         "X2,2024-03-01,C1,tax,income_tax,1e3\n",
    "unknown_citizen": "id,date,citizen,kind,code,amount\nX1,2024-05-31,C9,tax,income_tax,5.00\n",
    "missing_column": "id,date,citizen,kind,amount\nX1,2024-05-31,C1,tax,5.00\n",
    "over_the_credit_limit": "id,date,citizen,kind,code,amount,counterparty\n"
                             "X1,2024-07-02,C1,exchange,care,14.00,C2\n",
}


@pytest.mark.parametrize("case", sorted(BAD_EVENTS))
def test_bad_imports_give_the_cli_message(ledger, ledger_path, tmp_path, case):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_EVENTS[case])
    before = rows(ledger_path)
    result = cli("import", ledger_path, "--events", path, check=2)
    with pytest.raises(cw.InputError) as caught:
        ledger.import_csv(events=path)
    assert str(caught.value) == cli_message(result)
    assert isinstance(caught.value, ValueError)
    assert rows(ledger_path) == before


def test_a_refusal_is_a_refused_error(ledger, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_EVENTS["over_the_credit_limit"])
    with pytest.raises(cw.RefusedError) as caught:
        ledger.import_csv(events=path)
    assert caught.value.code in {"refused", "limit_breached"}
    assert "below the credit limit" in str(caught.value)


def test_environment_errors(tmp_path, ledger_path):
    missing = tmp_path / "missing.db"
    result = cli("balance", missing, "fund:social", check=4)
    with pytest.raises(cw.LedgerEnvironmentError) as caught:
        cw.Ledger.open(missing)
    assert str(caught.value) == cli_message(result)
    assert isinstance(caught.value, OSError) and caught.value.code == "environment"
    result = cli("init", ledger_path, "--scheme", SCHEME, check=4)
    with pytest.raises(cw.LedgerEnvironmentError) as caught:
        cw.Ledger.create(ledger_path, scheme=SCHEME)
    assert str(caught.value) == cli_message(result)
    not_a_ledger = tmp_path / "text.db"
    not_a_ledger.write_text("hello")
    result = cli("verify", not_a_ledger, check=4)
    with pytest.raises(cw.LedgerEnvironmentError) as caught:
        cw.Ledger.open(not_a_ledger)
    assert str(caught.value) == cli_message(result)


def test_unknown_citizen_and_bad_labels(ledger, ledger_path):
    result = cli("statement", ledger_path, "--citizen", "C9", "--tax-year", "2024-25", check=2)
    with pytest.raises(cw.NotFoundError) as caught:
        ledger.statement("C9", "2024-25")
    assert str(caught.value) == cli_message(result) and isinstance(caught.value, LookupError)
    result = cli("statement", ledger_path, "--citizen", "C1", "--tax-year", "2024/25", check=2)
    with pytest.raises(cw.InputError) as caught:
        ledger.statement("C1", "2024/25")
    assert str(caught.value) == cli_message(result)
    result = cli("advance", ledger_path, "--to", "2025-13-01", check=2)
    with pytest.raises(cw.InputError) as caught:
        ledger.advance(to="2025-13-01")
    assert str(caught.value) == cli_message(result) and caught.value.code == "invalid_text"
    result = cli("balance", ledger_path, "citizen:C1:social", "--as-known-at", "2025-01-01T10:00:00+01:00", check=2)
    with pytest.raises(cw.InputError) as caught:
        ledger.balance("citizen:C1:social", as_known_at="2025-01-01T10:00:00+01:00")
    assert str(caught.value) == cli_message(result)


def test_bad_scheme_gives_the_cli_message(tmp_path):
    scheme = tmp_path / "bad.yaml"
    scheme.write_text("indexation_rate:\n  values: {2024-04-06: {value: 0.1.2}}\n")
    result = cli("init", tmp_path / "x.db", "--scheme", scheme, check=2)
    with pytest.raises(cw.InputError) as caught:
        cw.Ledger.create(tmp_path / "y.db", scheme=scheme)
    assert str(caught.value) == cli_message(result)
    assert not (tmp_path / "y.db").exists()


def test_argument_types():
    with pytest.raises(TypeError, match="path"):
        cw.Ledger.open(42)
    with pytest.raises(TypeError, match="Ledger.create"):
        cw.Ledger(None)

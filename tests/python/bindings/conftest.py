"""Fixtures for the tests of the Python package `commonweal`.

ctest sets PYTHONPATH to the build's package directory (build/python), so the
fresh build is tested rather than an installed copy; COMMONWEAL_BIN names the
CLI whose output the package must match, COMMONWEAL_SOURCE_DIR the source tree.
"""
import os
import subprocess
from pathlib import Path

import pytest

import commonweal as cw

SOURCE = Path(os.environ.get("COMMONWEAL_SOURCE_DIR", Path(__file__).resolve().parents[3]))
BIN = os.environ.get("COMMONWEAL_BIN", "commonweal")
SCHEME = SOURCE / "examples" / "schemes" / "cswa-reference.yaml"

CITIZENS = "citizen,birth_date,death_date\nC1,1990-06-01,\nC2,1991-01-01,\nC3,1950-01-01,2020-03-01\n"
PROVIDERS = "provider,accredited_from,accredited_to\nP1,2020-01-01,\nP2,2015-01-01,2019-12-31\n"
EVENTS = (
    "id,date,citizen,kind,code,amount,counterparty\n"
    "E1,2024-05-31,C1,tax,income_tax,1234.55,\n"
    "E2,2024-06-01,C1,volunteer,food-bank,3.00,\n"
    "E3,2024-06-02,C1,budget_grant,kent,100.00,\n"
    "E4,2024-06-03,C1,learning_grant,ila,200.00,\n"
    "E5,2019-06-03,C3,benefit,child_benefit,500.00,\n"
    "E6,2024-07-01,C1,exchange,gardening,2.50,C2\n"
    "E7,2024-08-01,C2,tax,income_tax,800.10,\n"
    "E8,2024-09-01,C1,benefit,child_benefit,100.00,\n"
)


def cli(*args, check=0, cwd=None):
    """Runs the command line; check=N asserts its exit status."""
    result = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout, result.stderr)
    return result


def cli_message(result):
    """The CLI's stderr as the Python message: each line without its 'commonweal: ' prefix."""
    return "\n".join(line.removeprefix("commonweal: ") for line in result.stderr.splitlines())


@pytest.fixture
def files(tmp_path):
    (tmp_path / "citizens.csv").write_text(CITIZENS)
    (tmp_path / "providers.csv").write_text(PROVIDERS)
    (tmp_path / "events.csv").write_text(EVENTS)
    return tmp_path


@pytest.fixture
def ledger_path(files):
    """A ledger file made by the package: three citizens, eight events, the clock at 2025-04-05."""
    path = files / "ledger.db"
    with cw.Ledger.create(path, scheme=SCHEME) as led:
        led.import_csv(citizens=files / "citizens.csv", providers=files / "providers.csv", events=files / "events.csv")
        led.advance(to="2025-04-05")
    return path


@pytest.fixture
def ledger(ledger_path):
    led = cw.Ledger.open(ledger_path)
    yield led
    led.close()

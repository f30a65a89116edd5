"""Shared fixtures for the end-to-end tests of the `commonweal` command line.

The binary comes from COMMONWEAL_BIN (set by ctest), the source tree from
COMMONWEAL_SOURCE_DIR.
"""
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

BIN = os.environ.get("COMMONWEAL_BIN", "commonweal")
SOURCE = Path(os.environ.get("COMMONWEAL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
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
)


def page_session(page, marker):
    """The console session under `<!-- marker -->` on docs/PAGE, and the page's text."""
    text = (SOURCE / "docs" / page).read_text()
    return text.split(f"<!-- {marker} -->\n```console\n", 1)[1].split("```", 1)[0], text


def mask(line):
    """A line of output with hashes and moments masked, as the pages write them."""
    line = re.sub(r"[0-9a-f]{64}", "<hash>", line)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<moment>", line)


def run_session(session, cwd, exit_status=0):
    """Runs each `$ commonweal ...` command of a page's session in cwd; its output (stdout, or stderr when it
    must fail) must be the lines that follow it. Returns how many commands ran."""
    commands = re.split(r"^\$ ", session, flags=re.M)[1:]
    for block in commands:
        command, *expected = block.rstrip("\n").split("\n")
        words = command.split()
        assert words[0] == "commonweal"
        result = subprocess.run([BIN, *words[1:]], cwd=cwd, capture_output=True, text=True)
        assert result.returncode == exit_status, (command, result.stderr)
        output = result.stdout if exit_status == 0 else result.stderr
        assert [mask(line) for line in output.splitlines()] == expected, command
    return len(commands)


def run(*args, check=None, cwd=None, timeout=None):
    """Runs the tool; check=N asserts the exit status is N; timeout=S fails a run that takes longer."""
    result = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout, result.stderr)
    return result


def snapshot(db):
    """Every row of every table, and the anchors file: what 'unchanged' means."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]
        state = {table: sorted(map(repr, connection.execute(f'SELECT * FROM "{table}"'))) for table in tables}
        state["user_version"] = connection.execute("PRAGMA user_version").fetchone()
    finally:
        connection.close()
    anchors = Path(str(db) + ".anchors")
    state["anchors"] = anchors.read_text() if anchors.exists() else None
    return state


def write(path, text):
    path = Path(path)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.fixture
def ledger(tmp_path):
    """A ledger with three citizens, two providers and five events."""
    db = tmp_path / "ledger.db"
    run("init", db, "--scheme", SCHEME, check=0)
    write(tmp_path / "citizens.csv", CITIZENS)
    write(tmp_path / "providers.csv", PROVIDERS)
    write(tmp_path / "events.csv", EVENTS)
    # Relative names, as a user types them: messages name files as given.
    run("import", db, "--citizens", "citizens.csv", "--providers", "providers.csv", "--events", "events.csv",
        check=0, cwd=tmp_path)
    return db

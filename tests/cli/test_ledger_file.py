"""The ledger file: tamper evidence, exports accepted by hledger and Beancount
with equal balances, readers beside a writer, the clock, scheme changes, the demo."""
import json
import random
import re
import shutil
import sqlite3
import subprocess
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SCHEME, SOURCE, run, snapshot, write


def sql(db, statement):
    connection = sqlite3.connect(db)
    try:
        connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def advanced(ledger):
    run("advance", ledger, "--to", "2025-04-05", check=0)
    return ledger


# Each tampering, done with the sqlite3 tool as an intruder would, and what verify must say.
# Each entry's postings are hashed in its `lines`; the postings table (the accounts of people and
# bodies) and pooled_totals (the funds, the world, the totals memos) hold them again by account.
LINES_DIFFER = "keeps other postings in its lines column than in the postings table"
TAMPERINGS = [
    ("change a posting's amount",
     "UPDATE postings SET amount_minor = amount_minor + 1 WHERE entry_position = 1 AND line = 1",
     LINES_DIFFER),
    ("change both postings of an entry so it still balances",
     "UPDATE postings SET amount_minor = amount_minor * 2 WHERE entry_position = 1",
     LINES_DIFFER),
    ("change an entry's date", "UPDATE entries SET effective_date = '2024-01-01' WHERE position = 2",
     "does not match its chained hash"),
    ("delete an entry in the middle",
     "DELETE FROM postings WHERE entry_position = 2; DELETE FROM entries WHERE position = 2",
     "entries jump from position 1 to 3"),
    ("cut the last operation and its entries off the end",
     "DELETE FROM postings WHERE entry_position IN (SELECT position FROM entries WHERE operation_id = "
     "(SELECT max(id) FROM operations)); DELETE FROM entries WHERE operation_id = (SELECT max(id) FROM operations); "
     "DELETE FROM operations WHERE id = (SELECT max(id) FROM operations)",
     "is no longer reached"),
    ("insert an entry", "INSERT INTO entries (position, id, operation_id, effective_date, code, memo, reverses, hash, lines) "
     "SELECT max(position) + 1, 'FAKE', 2, '2024-05-31', 'R1:income_tax', '', '', x'00', '[]' FROM entries",
     "does not match its chained hash"),
    ("change an event's amount", "UPDATE events SET amount = '1.00' WHERE id = 'E1'",
     "were changed since"),
    ("change a citizen's birth date", "UPDATE citizen_records SET birth_date = '1989-06-01' WHERE citizen = 'C1'",
     "were changed since"),
    ("change an operation's moment", "UPDATE operations SET recorded_at = '2001-01-01T00:00:00.000000Z' WHERE id = 2",
     "its hash does not match"),
    ("change the scheme's text", "UPDATE schemes SET scheme_yaml = scheme_yaml || ' '",
     "does not match its SHA-256"),
    ("move a posting to another account",
     "UPDATE postings SET account_id = (SELECT max(id) FROM accounts) WHERE entry_position = 1 AND line = 1",
     LINES_DIFFER),
    ("add a postings row for a pooled account",
     "INSERT INTO postings (account_id, entry_position, line, amount_minor) "
     "SELECT id, 1, 9, 100 FROM accounts WHERE name = 'fund:social'",
     LINES_DIFFER),
    ("change an entry's own copy of its postings (what one citizen's statement reads)",
     "UPDATE entries SET lines = replace(lines, ',-', ',-1') WHERE position = 1",
     "does not match its chained hash"),
    ("spoil an entry's own copy of its postings", "UPDATE entries SET lines = 'x' WHERE position = 1",
     "entry C1/E1/R1 has a damaged lines column"),
    ("change a pooled account's total (what its balance reads)",
     "UPDATE pooled_totals SET amount_minor = amount_minor + 1 "
     "WHERE account_id = (SELECT id FROM accounts WHERE name = 'fund:social')",
     "the pooled total of fund:social on "),
    ("delete a pooled account's totals",
     "DELETE FROM pooled_totals WHERE account_id = (SELECT id FROM accounts WHERE name = 'fund:social')",
     "is missing, but the entries' lines give"),
    ("mark a pooled account as not pooled (its balance read from the postings table)",
     "UPDATE accounts SET pooled = 0 WHERE name = 'fund:social'",
     "account fund:social is marked not pooled, which it is not"),
]


def test_an_untouched_ledger_verifies(ledger):
    advanced(ledger)
    result = run("verify", ledger, check=0)
    assert re.match(r"verified: \d+ entries, 3 operations, 3 recorded chain heads checked\nchain head [0-9a-f]{64}\n$",
                    result.stdout), result.stdout


@pytest.mark.parametrize("name,statement,message", TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_verify_catches_tampering(ledger, name, statement, message):
    advanced(ledger)
    subprocess.run(["sqlite3", str(ledger), statement], check=True)
    result = run("verify", ledger)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert result.stdout.startswith("FAILED:")


BANK_TAMPERINGS = [
    ("change a member's override", "UPDATE timebank_members SET credit_limit = '9' WHERE member = 'M2'"),
    ("change a bank's step", "UPDATE timebanks SET hours_step = '0.25'"),
    ("delete a member row", "DELETE FROM timebank_members WHERE member = 'M1'"),
    ("change a bank event's hours", "UPDATE events SET amount = '2.00' WHERE id = 'TX1'"),
]


@pytest.mark.parametrize("name,statement", BANK_TAMPERINGS, ids=[t[0] for t in BANK_TAMPERINGS])
def test_verify_catches_tampering_with_a_time_bank(ledger, tmp_path, name, statement):
    write(tmp_path / "timebanks.csv", "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0.50,5\n")
    write(tmp_path / "members.csv", "bank,member,kind,from,credit_limit\nnorth,M1,person,2024-01-01,\n"
                                    "north,M2,person,2024-01-01,2\n")
    write(tmp_path / "bank.csv", "id,date,citizen,kind,code,amount,counterparty\n"
                                 "TX1,2024-02-01,M1,bank_exchange,north,1.20,M2\n")
    run("import", ledger, "--timebanks", "timebanks.csv", "--members", "members.csv", "--events", "bank.csv",
        check=0, cwd=tmp_path)
    run("verify", ledger, check=0)
    subprocess.run(["sqlite3", str(ledger), statement], check=True)
    result = run("verify", ledger)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "the citizens, events, providers, time banks or scheme it stored were changed since" in result.stderr


def test_verify_with_an_anchor_given_and_a_truncated_anchors_file(ledger):
    head = run("verify", ledger, check=0).stdout.split()[-1]
    run("verify", ledger, "--anchor", head, check=0)
    assert run("verify", ledger, "--anchor", "ab" * 32).returncode == 3
    # Cutting the last operation and its anchor line too: an anchor kept elsewhere still catches it.
    advanced(ledger)
    head_after_advance = run("verify", ledger, check=0).stdout.split()[-1]
    statement = TAMPERINGS[4][1]
    subprocess.run(["sqlite3", str(ledger), statement], check=True)
    anchors = Path(str(ledger) + ".anchors")
    anchors.write_text("".join(anchors.read_text().splitlines(keepends=True)[:-1]))
    result = run("verify", ledger, "--anchor", head_after_advance)
    assert result.returncode == 3
    assert f"the recorded chain head {head_after_advance} is no longer reached" in result.stderr


def balances_from_csv(ledger, tmp_path):
    out = tmp_path / "journal.csv"
    run("export", ledger, "--format", "csv", "--out", out, check=0)
    totals = {}
    for line in out.read_text().splitlines()[1:]:
        fields = line.split(",")
        account, amount, unit = fields[-3], Decimal(fields[-2]), fields[-1]
        totals[(account, unit)] = totals.get((account, unit), Decimal(0)) + amount
    return totals


def test_hledger_reads_the_export_with_equal_balances(ledger, tmp_path):
    advanced(ledger)
    journal = tmp_path / "ledger.journal"
    run("export", ledger, "--format", "hledger", "--out", journal, check=0)
    result = subprocess.run(["hledger", "-f", str(journal), "balance", "--flat", "--no-total", "-O", "csv"],
                            capture_output=True, text=True, check=True)
    theirs = {}
    for line in result.stdout.splitlines()[1:]:
        account, amounts = [field.strip('"') for field in line.split('","')]
        for amount in amounts.split(", "):
            number, unit = amount.split(" ")
            theirs[(account, unit)] = Decimal(number)
    ours = balances_from_csv(ledger, tmp_path)
    ours = {key: value for key, value in ours.items() if value != 0}
    assert theirs == ours
    for (account, unit), value in ours.items():
        assert Decimal(run("balance", ledger, account, check=0).stdout) == value


def test_beancount_accepts_the_export_with_equal_balances(ledger, tmp_path):
    advanced(ledger)
    journal = tmp_path / "ledger.beancount"
    run("export", ledger, "--format", "beancount", "--out", journal, check=0)
    check = subprocess.run(["bean-check", str(journal)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == "" and check.stderr == "", check
    query = subprocess.run(["bean-query", "-f", "csv", str(journal),
                            "SELECT account, units(sum(position)) AS total GROUP BY account"],
                           capture_output=True, text=True, check=True)
    theirs = {}
    for line in query.stdout.splitlines()[1:]:
        account, total = line.rsplit(",", 1)
        for amount in filter(None, total.strip().split(",")):
            number, unit = amount.split()
            if Decimal(number) != 0:
                theirs[(account.strip(), unit)] = Decimal(number)
    ours = {}
    for (account, unit), value in balances_from_csv(ledger, tmp_path).items():
        if value != 0:
            mapped = run_name_mapping(account)
            ours[(mapped, unit)] = value
    assert theirs == ours


def run_name_mapping(account):
    """The documented mapping (docs/export.md), written again independently."""
    parts = account.split(":")
    roots = {"citizen": "Assets:Citizen", "org": "Assets:Org", "fund": "Equity:Fund"}
    if parts[0] in roots:
        out, rest = roots[parts[0]], parts[1:]
    else:
        out, rest = "Assets:Other", parts
    for part in rest:
        mapped = "" if (part and ((part[0].isupper() and part[0] != "X") or part[0].isdigit())) else "X"
        mapped += "".join(c if c.isalnum() and c.isascii() else f"-{ord(c):02X}" for c in part)
        out += ":" + mapped
    return out


def test_beancount_names_stay_distinct_and_valid(ledger, tmp_path):
    # Organisation codes that differ only where the mapping escapes or prefixes.
    codes = ["food-bank", "food_bank", "food.bank", "Xfood", "xfood", "9lives"]
    rows = "".join(f"V{i},2024-07-0{i + 1},C2,volunteer,{code},1.00\n" for i, code in enumerate(codes))
    write(tmp_path / "volunteers.csv", "id,date,citizen,kind,code,amount\n" + rows)
    run("import", ledger, "--events", "volunteers.csv", check=0, cwd=tmp_path)
    journal = tmp_path / "names.beancount"
    run("export", ledger, "--format", "beancount", "--out", journal, check=0)
    check = subprocess.run(["bean-check", str(journal)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stderr == "", check
    opened = re.findall(r'^\d{4}-\d\d-\d\d open (\S+) \S+\n  ledger-name: "([^"]+)"$', journal.read_text(), re.M)
    ledger_names = [name for _, name in opened]
    for code in codes:
        assert f"org:{code}" in ledger_names
    mapped = [beancount for beancount, _ in opened]
    assert len(set(mapped)) == len(mapped)  # distinct ledger accounts stay distinct
    for beancount, name in opened:
        assert re.fullmatch(r"(Assets|Equity)(:[A-Z0-9][A-Za-z0-9-]*)+", beancount), beancount
        assert beancount == run_name_mapping(name)  # the C++ mapping is the documented one

def test_balance_as_of_and_as_known_at(ledger, tmp_path):
    first_head = Path(str(ledger) + ".anchors").read_text().splitlines()[-1].split()
    known_then = first_head[1]
    write(tmp_path / "late.csv", "id,date,citizen,kind,code,amount\nL1,2024-05-01,C1,tax,income_tax,100.00\n")
    run("import", ledger, "--events", "late.csv", check=0, cwd=tmp_path)
    assert run("balance", ledger, "citizen:C1:social", check=0).stdout == "150.62\n"
    assert run("balance", ledger, "citizen:C1:social", "--as-known-at", known_then, check=0).stdout == "140.62\n"
    assert run("balance", ledger, "citizen:C1:social", "--as-of", "2024-05-31", check=0).stdout == "133.46\n"
    assert run("balance", ledger, "citizen:C1:social", "--as-of", "2024-05-30", check=0).stdout == "10.00\n"


def test_statement_json_matches_the_balance(ledger):
    advanced(ledger)
    result = run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", "--format", "json", check=0)
    statement = json.loads(result.stdout)
    assert statement["social_account"]["closing_balance"] == run("balance", ledger, "citizen:C1:social",
                                                                 "--as-of", "2025-04-05", check=0).stdout.strip()
    assert statement["taxes_paid"] == {"income_tax": "1234.55"}


def test_advance_only_moves_forward(ledger):
    advanced(ledger)
    before = snapshot(ledger)
    result = run("advance", ledger, "--to", "2024-04-05")
    assert result.returncode == 2
    assert "the clock only moves forward" in result.stderr
    assert snapshot(ledger) == before


def test_a_reform_restates_and_can_be_removed(ledger, tmp_path):
    advanced(ledger)
    reform = write(tmp_path / "reform.yaml",
                   "contribution_share:\n  income_tax:\n    values:\n      2024-04-06: {value: 0.20}\n")
    result = run("scheme", ledger, "--reform", reform, check=0)
    assert "reform reform.yaml sha256" in result.stdout
    assert run("balance", ledger, "citizen:C1:social", check=0).stdout != "140.62\n"
    run("scheme", ledger, "--no-reform", check=0)
    result = run("scheme", ledger, check=0)
    assert "reform none" in result.stdout
    run("verify", ledger, check=0)


def test_readers_see_a_consistent_ledger_while_a_writer_imports(ledger, tmp_path):
    rows = "".join(f"B{i},2024-0{1 + i % 9}-1{i % 10},C2,tax,income_tax,10.00\n" for i in range(20000))
    write(tmp_path / "big.csv", "id,date,citizen,kind,code,amount\n" + rows)
    allowed = {"0.00\n", "20000.00\n"}  # all of the import or none of it: 20,000 credits of 1.00
    failures, seen = [], set()

    def read_while_writing():
        for _ in range(40):
            result = run("balance", ledger, "citizen:C2:social")
            if result.returncode == 2 and "no account named" in result.stderr:
                seen.add("0.00\n")
                continue
            if result.returncode != 0 or result.stdout not in allowed:
                failures.append(result)
            seen.add(result.stdout)

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    run("import", ledger, "--events", "big.csv", check=0, cwd=tmp_path)
    reader.join()
    assert failures == []
    assert run("balance", ledger, "citizen:C2:social", check=0).stdout == "20000.00\n"


def test_demo_runs_and_verifies(tmp_path):
    result = run("demo", tmp_path / "demo", check=0)
    assert "1000 citizens" in result.stdout
    db = tmp_path / "demo" / "ledger.db"
    statements = sorted((tmp_path / "demo" / "statements").glob("*.json"))
    assert len(statements) == 1000
    first = json.loads(statements[0].read_text())
    assert first["tax_year"] == "2024-25"
    run("verify", db, check=0)
    # The same seed makes the same population.
    again = run("demo", tmp_path / "again", check=0)
    assert (tmp_path / "demo" / "input" / "events.csv").read_bytes() == (tmp_path / "again" / "input" / "events.csv").read_bytes()


def test_two_writers_at_once_both_land(ledger, tmp_path):
    for name, prefix in (("a.csv", "WA"), ("b.csv", "WB")):
        rows = "".join(f"{prefix}{i},2024-0{1 + i % 9}-1{i % 10},C2,tax,income_tax,10.00\n" for i in range(5000))
        write(tmp_path / name, "id,date,citizen,kind,code,amount\n" + rows)
    from conftest import BIN
    writers = [subprocess.Popen([BIN, "import", str(ledger), "--events", name], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a.csv", "b.csv")]
    results = [(w.wait(), w.stderr.read()) for w in writers]
    assert results == [(0, ""), (0, "")]
    assert run("balance", ledger, "citizen:C2:social", check=0).stdout == "10000.00\n"
    run("verify", ledger, check=0)


def test_a_refused_learning_spend_is_logged_once_and_nothing_else_changes(ledger, tmp_path):
    write(tmp_path / "spend.csv", "id,date,citizen,kind,code,amount,counterparty\n"
                                  "S1,2024-07-02,C1,learning_spend,course,10.00,P9\n")
    tables = lambda: {k: v for k, v in snapshot(ledger).items() if k != "refusals"}
    before = tables()
    for _ in range(2):  # the same file twice: logged once
        result = run("import", ledger, "--events", "spend.csv", cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr == ("commonweal: spend.csv:2: event S1 (learning_spend on 2024-07-02) is refused: "
                                 "provider P9 is not accredited on 2024-07-02\n")
    assert tables() == before
    connection = sqlite3.connect(ledger)
    rows = connection.execute("SELECT event_id, citizen, provider, date, amount, reason, source FROM refusals").fetchall()
    connection.close()
    assert rows == [("S1", "C1", "P9", "2024-07-02", "10.00", "provider P9 is not accredited on 2024-07-02",
                     "spend.csv:2")]
    report = run("refusals", ledger, "--detail", check=0).stdout.splitlines()
    assert report[1].split() == ["P9", "2024-07", "1", "10.00"]
    assert report[-1] == "1 refused learning-account spends"
    # Outside the hash chain: the ledger still verifies.
    run("verify", ledger, check=0)


def lines_columns(db):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT group_concat(lines, ';') FROM (SELECT lines FROM entries ORDER BY position)").fetchone()
    finally:
        connection.close()


NEW_IN_3 = ("timebanks", "timebank_members")
UNDO_3 = "DROP TABLE timebanks; DROP TABLE timebank_members;"
UNDO_4 = "ALTER TABLE entries DROP COLUMN lines;"
# Version 4 kept every posting in `postings` and `lines` as "LINE ACCOUNT_ID AMOUNT_MINOR,...".
UNDO_5 = (
    "INSERT INTO postings (account_id, entry_position, line, amount_minor) "
    "SELECT l.value ->> 0, e.position, l.key + 1, l.value ->> 1 FROM entries e, json_each(e.lines) l "
    "WHERE (l.value ->> 0) IN (SELECT id FROM accounts WHERE pooled = 1); "
    "UPDATE entries SET lines = coalesce((SELECT group_concat((l.key + 1) || ' ' || (l.value ->> 0) || ' ' || "
    "(l.value ->> 1), ',') FROM json_each(entries.lines) l), ''); "
    "DROP TABLE pooled_totals; DROP VIEW journal; ALTER TABLE accounts DROP COLUMN pooled; "
    "CREATE VIEW journal AS SELECT e.position, e.id, e.effective_date, o.recorded_at, e.code, e.memo, e.reverses, "
    "a.name AS account, a.unit, p.amount_minor FROM entries e JOIN operations o ON o.id = e.operation_id "
    "JOIN postings p ON p.entry_position = e.position JOIN accounts a ON a.id = p.account_id;")


def journal_view(db):
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return sorted(connection.execute("SELECT * FROM journal"))
    finally:
        connection.close()


@pytest.mark.parametrize("version, undo", [
    (1, f"{UNDO_5} DROP TABLE refusals; {UNDO_3} {UNDO_4}"),
    (2, f"{UNDO_5} {UNDO_3} {UNDO_4}"),
    (3, f"{UNDO_5} {UNDO_4}"),
    (4, UNDO_5),
])
def test_an_older_ledger_is_migrated_forward(ledger, tmp_path, version, undo):
    advanced(ledger)
    written = snapshot(ledger)  # as this version writes the file on import and advance
    view = journal_view(ledger)
    assert written["user_version"] == (5,)
    lines = lines_columns(ledger)[0]
    assert lines.startswith("[[") and "],[" in lines
    assert written["pooled_totals"] and len(view) > len(written["postings"])  # the funds' postings are totals
    subprocess.run(["sqlite3", str(ledger), f"{undo} PRAGMA user_version = {version};"], check=True)
    if version == 4:
        old = snapshot(ledger)
        assert len(old["postings"]) == len(view) and lines_columns(ledger)[0].startswith("1 ")
        assert journal_view(ledger) == view  # the undo gave back version 4's layout of the same journal
    statement = run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", "--format", "json", check=0).stdout
    # Migrated forward, the file is exactly what this version writes: every table, every row.
    assert snapshot(ledger) == written
    assert journal_view(ledger) == view
    run("verify", ledger, check=0)
    assert json.loads(statement)["taxes_paid"]["income_tax"] == "1234.55"


def test_a_version_2_ledger_is_migrated_forward_and_takes_time_banks(ledger, tmp_path):
    written = snapshot(ledger)
    subprocess.run(["sqlite3", str(ledger), f"{UNDO_5} {UNDO_3} {UNDO_4} PRAGMA user_version = 2;"], check=True)
    run("verify", ledger, check=0)
    assert snapshot(ledger) == written
    banks = write(tmp_path / "timebanks.csv", "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0.50,5\n")
    members = write(tmp_path / "members.csv", "bank,member,kind,from\nnorth,M1,person,2024-01-01\n"
                    "north,M2,organisation,2024-01-01\n")
    events = write(tmp_path / "bank.csv", "id,date,citizen,kind,code,amount,counterparty\n"
                   "TX1,2024-02-01,M1,bank_exchange,north,1.00,M2\n")
    run("import", ledger, "--timebanks", banks, "--members", members, "--events", events, check=0)
    run("verify", ledger, check=0)
    connection = sqlite3.connect(ledger)
    assert connection.execute("SELECT bank, from_date, hours_step, credit_limit FROM timebanks").fetchall() == [
        ("north", "2024-01-01", "0.50", "5")]
    assert connection.execute("SELECT bank, member, from_date, kind, credit_limit FROM timebank_members "
                              "ORDER BY member").fetchall() == [("north", "M1", "2024-01-01", "person", None),
                                                                 ("north", "M2", "2024-01-01", "organisation", None)]
    connection.close()
    assert run("balance", ledger, "timebank:north:M2", check=0).stdout == "-1.00\n"


def test_init_refuses_an_existing_ledger_or_stale_anchors(ledger, tmp_path):
    result = run("init", ledger, "--scheme", SCHEME)
    assert (result.returncode, result.stderr) == (4, f"commonweal: the ledger {ledger} already exists: open it, "
                                                     "or choose another name\n")
    Path(str(tmp_path / "new.db") + ".anchors").write_text("ab" * 32 + "\n")
    result = run("init", tmp_path / "new.db", "--scheme", SCHEME)
    assert result.returncode == 4
    assert "new.db.anchors is left from an earlier ledger of that name" in result.stderr
    assert not (tmp_path / "new.db").exists()
    bad_scheme = write(tmp_path / "bad.yaml", "contribution_share:\n  income_tax:\n    values:\n      2010-04-06: 1e-3\n")
    result = run("init", tmp_path / "other.db", "--scheme", bad_scheme)
    assert result.returncode == 2
    assert result.stderr.startswith("commonweal: bad.yaml:4: ")
    assert not (tmp_path / "other.db").exists()


def test_statement_formats_statements_and_explain(ledger, tmp_path):
    advanced(ledger)
    text = run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", check=0).stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "income tax" in text and "1,234.55" in text
    html = run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", "--format", "html", check=0).stdout
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    # Every citizen's statement, silently when stderr is not a terminal.
    result = run("statements", ledger, "--tax-year", "2024-25", "--out", tmp_path / "out", "--format", "json", check=0)
    assert result.stderr == ""
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["C1.json", "C2.json", "C3.json"]
    one = json.loads((tmp_path / "out" / "C1.json").read_text())
    cli = json.loads(run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", "--format", "json",
                         check=0).stdout)
    assert one == cli
    explained = run("explain", ledger, "--citizen", "C1", "--tax-year", "2024-25", check=0).stdout
    assert "rule R1" in explained and "contribution_share.income_tax = 0.10" in explained
    result = run("statement", ledger, "--citizen", "C9", "--tax-year", "2024-25")
    assert result.returncode == 2 and "C9" in result.stderr
    result = run("statement", ledger, "--citizen", "C1", "--tax-year", "2024-25", "--format", "pdf")
    assert result.returncode == 1


@pytest.mark.parametrize("table", ["entries", "postings", "events"])
def test_a_failed_insert_on_the_writer_thread_rolls_the_whole_import_back(ledger, tmp_path, table):
    # The import's rows are inserted by a second thread (docs/storage.md): a failure there must
    # reach the user, and leave the file exactly as it was, the anchors included.
    sql(ledger, f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the disk said no to {table}'); END")
    before = snapshot(ledger)
    rows = "".join(f"N{i},2024-0{1 + i % 9}-1{i % 10},C{1 + i % 2},tax,income_tax,{100 + i}.25,\n" for i in range(300))
    write(tmp_path / "more.csv", "id,date,citizen,kind,code,amount,counterparty\n" + rows)
    result = run("import", ledger, "--events", tmp_path / "more.csv")
    assert result.returncode == 2, result
    assert f"the disk said no to {table}" in result.stderr
    assert snapshot(ledger) == before
    # Once the cause is gone, the same import lands whole and verifies.
    sql(ledger, f"DROP TRIGGER refuse_{table}")
    run("import", ledger, "--events", tmp_path / "more.csv", check=0)
    run("verify", ledger, check=0)
    connection = sqlite3.connect(ledger)
    try:
        assert connection.execute("SELECT count(*) FROM events WHERE id LIKE 'N%'").fetchone() == (300,)
    finally:
        connection.close()


def test_a_writer_thread_failing_while_the_importing_thread_waits_for_room(ledger, tmp_path):
    # More than the 16 parts the writer thread may hold (docs/storage.md): 400 citizens of 200
    # events are about 20 parts of 4,096 entries. A trigger summing a 2,000-row table makes the
    # writer slow (measured: this import took 6.7 s with it, 0.86 s without, about 73 us more an
    # entry), so the importing thread has made every part before the writer is past the third:
    # it waits for room. The trigger then refuses an entry of the third part. The wait must end
    # with the writer's error (not hang: without the failure's wake-up this times out), and the
    # file must be as it was.
    sql(ledger, "CREATE TABLE slow (x INTEGER)")
    sql(ledger, "WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < 1999) "
                "INSERT INTO slow SELECT x FROM c")
    sql(ledger, "CREATE TRIGGER refuse_late BEFORE INSERT ON entries BEGIN "
                "SELECT sum(x) FROM slow; "
                "SELECT RAISE(ABORT, 'the disk said no late') WHERE NEW.position > 12000; END")
    before = snapshot(ledger)
    citizens = "".join(f"M{c},1980-01-01,\n" for c in range(400))
    write(tmp_path / "many.csv", "citizen,birth_date,death_date\n" + citizens)
    events = "".join(f"M{c}-{i},2024-{1 + i % 12:02}-{1 + i % 28:02},M{c},tax,income_tax,{100 + i}.25,\n"
                     for c in range(400) for i in range(200))
    write(tmp_path / "many-events.csv", "id,date,citizen,kind,code,amount,counterparty\n" + events)
    result = run("import", ledger, "--citizens", tmp_path / "many.csv", "--events", tmp_path / "many-events.csv",
                 timeout=120)
    assert result.returncode == 2, result
    assert "the disk said no late" in result.stderr
    assert snapshot(ledger) == before

"""Every bad input is refused with its message and exit status 2, and the
ledger file (every row of every table, and its anchors) stays exactly as it was."""
import pytest

from conftest import run, snapshot, write

HEADER = "id,date,citizen,kind,code,amount\n"
HEADER_CP = "id,date,citizen,kind,code,amount,counterparty\n"

# (name, which file, its content, the exact stderr lines)
CASES = [
    ("missing header", "events", "E9,2024-05-31,C1,tax,income_tax,1.00\n",
     [f"bad.csv:1: {column}: the header has no such column" for column in
      ("id", "date", "citizen", "kind", "code", "amount")]),
    ("unknown kind", "events", HEADER + "E9,2024-05-31,C1,lottery,x,1.00\n",
     ["bad.csv:2: kind: unknown kind 'lottery' (tax, benefit, service, volunteer, exchange, budget_grant, "
      "budget_topup, budget_spend, learning_grant, learning_spend, time_grant, time_donation, time_session, bank_exchange, bank_session, bank_donation or bank_grant)"]),
    ("month 13", "events", HEADER + "E9,2024-13-01,C1,tax,income_tax,1.00\n",
     ["bad.csv:2: date: '2024-13-01' is not a date: the month must be between 01 and 12"]),
    ("31 February", "events", HEADER + "E9,2024-02-31,C1,tax,income_tax,1.00\n",
     ["bad.csv:2: date: '2024-02-31' is not a date: that month has no such day"]),
    ("date in another format", "events", HEADER + "E9,31/05/2024,C1,tax,income_tax,12.00\n",
     ["bad.csv:2: date: '31/05/2024' is not a date: a date is written YYYY-MM-DD"]),
    ("three decimals", "events", HEADER + "E9,2024-05-31,C1,tax,income_tax,1.234\n",
     ["bad.csv:2: amount: '1.234' has more than 2 decimals"]),
    ("exponent", "events", HEADER + "E9,2024-05-31,C1,tax,income_tax,1e3\n",
     ["bad.csv:2: amount: '1e3' is not an amount: exponent notation is not accepted; write the digits out"]),
    ("empty amount", "events", HEADER + "E9,2024-05-31,C1,tax,income_tax,\n",
     ["bad.csv:2: amount: it is empty"]),
    ("negative hours", "events", HEADER + "E9,2024-05-31,C1,volunteer,food-bank,-2.00\n",
     ["bad.csv:2: amount: amounts are zero or positive; a refund or recovery is a correction"]),
    ("digit separators", "events", HEADER + 'E9,2024-07-02,C1,tax,income_tax,"1,000.00"\n',
     ["bad.csv:2: amount: '1,000.00' is not an amount: digit separators are not accepted"]),
    ("a space in the amount", "events", HEADER + "E9,2024-07-02,C1,tax,income_tax, 12.00\n",
     ["bad.csv:2: amount: ' 12.00' is not an amount: spaces are not accepted"]),
    ("a unicode minus", "events", HEADER + "E9,2024-07-02,C1,tax,income_tax,\u22125.00\n",
     ["bad.csv:2: amount: '\u22125.00' is not an amount: it has a character that is not a digit, a sign or '.'"]),
    ("an amount beyond 128 bits", "events", HEADER + "E9,2024-07-02,C1,tax,income_tax," + "9" * 41 + ".00\n",
     ["bad.csv:2: amount: '" + "9" * 41 + ".00' is not an amount: it has too many digits (more than about 38)"]),
    ("unknown citizen", "events", HEADER + "E9,2024-05-31,C9,tax,income_tax,1.00\n",
     ["bad.csv:2: citizen: unknown citizen C9"]),
    ("event after death", "events", HEADER + "E9,2021-05-31,C3,tax,income_tax,1.00\n",
     ["bad.csv:2: date: the event is dated after citizen C3's death on 2020-03-01"]),
    ("event before birth", "events", HEADER + "E9,1980-07-02,C1,tax,income_tax,1.00\n",
     ["bad.csv:2: date: the event is dated before citizen C1's birth on 1990-06-01"]),
    ("duplicate id with other content", "events", HEADER + "E1,2024-05-31,C1,tax,income_tax,1234.56\n",
     ["bad.csv:2: id: event id E1 is already used by another event (events.csv:2)"]),
    ("duplicate id inside one file", "events",
     HEADER + "E9,2024-07-02,C1,tax,income_tax,1.00\nE9,2024-07-02,C1,tax,income_tax,2.00\n",
     ["bad.csv:3: id: event id E9 is already used by another event (bad.csv:2)"]),
    ("credit limit breached", "events", HEADER_CP + "E9,2024-07-02,C1,exchange,bank,14.00,C2\n",
     ["bad.csv:2: event E9 (exchange on 2024-07-02) is refused: C2 would have -14.00 hours, "
      "below the credit limit of -10.00"]),
    ("unaccredited provider", "events", HEADER_CP + "E9,2024-07-02,C1,learning_spend,course,10.00,P9\n",
     ["bad.csv:2: event E9 (learning_spend on 2024-07-02) is refused: provider P9 is not accredited on 2024-07-02"]),
    ("expired accreditation", "events", HEADER_CP + "E9,2024-07-02,C1,learning_spend,course,10.00,P2\n",
     ["bad.csv:2: event E9 (learning_spend on 2024-07-02) is refused: provider P2 is not accredited on 2024-07-02"]),
    ("personal budget overspent", "events", HEADER_CP + "E9,2024-07-02,C1,budget_spend,care,100.01,P1\n",
     ["bad.csv:2: event E9 (budget_spend on 2024-07-02) is refused: spending 100.01 at P1 needs more than the "
      "budget holds (100.00 council money, 0.00 own money)"]),
    ("exchange without counterparty", "events", HEADER_CP + "E9,2024-07-02,C1,exchange,bank,1.00,\n",
     ["bad.csv:2: counterparty: exchange needs a counterparty"]),
    ("exchange with oneself", "events", HEADER_CP + "E9,2024-07-02,C1,exchange,bank,1.00,C1\n",
     ["bad.csv:2: counterparty: a member cannot exchange hours with themselves"]),
    ("correcting an unknown event", "events",
     "id,date,citizen,kind,code,amount,corrects\nE9,2024-07-02,C1,tax,income_tax,1.00,E77\n",
     ["bad.csv:2: corrects: unknown event E77"]),
    ("truncated last line", "events", HEADER + "E9,2024-05-31,C1,tax,income_tax",
     ["bad.csv:2: row: expected 6 fields, found 5"]),
    ("an extra field", "events", HEADER + "E9,2024-07-02,C1,tax,income_tax,1.00,extra\n",
     ["bad.csv:2: row: expected 6 fields, found 7"]),
    ("an unclosed quote", "events", HEADER + '"E9,2024-07-02,C1,tax,income_tax,1.00\n',
     ["bad.csv:2: row: a quoted field is not closed (the file may be truncated)"]),
    ("a missing column", "events", "id,date,citizen,kind,code\nE9,2024-07-02,C1,tax,income_tax\n",
     ["bad.csv:1: amount: the header has no such column"]),
    ("a repeated column", "events", HEADER.rstrip("\n") + ",amount\nE9,2024-07-02,C1,tax,income_tax,1.00,1.00\n",
     ["bad.csv:1: amount: the column appears twice in the header"]),
    ("an id with a space", "events", HEADER + "E 9,2024-07-02,C1,tax,income_tax,1.00\n",
     ["bad.csv:2: id: 'E 9' is not valid: only letters, digits, '_', '-' and '.' are allowed"]),
    ("an empty file", "events", "", ["bad.csv:1: header: the file is empty; it needs a header row"]),
    ("invalid UTF-8", "events", HEADER.encode() + b"E9,2024-07-02,C1,tax,inc\xff,1.00\n",
     ["bad.csv:2: row: the text is not UTF-8"]),
    ("binary garbage", "events", bytes(range(256)) * 2,
     ["bad.csv:1: header: the text holds a NUL byte: is it a CSV file?"]),
    ("a birth date changed", "citizens", "citizen,birth_date\nC1,1990-06-02\n",
     ["bad.csv:2: birth_date: citizen C1 was born on 1990-06-01; a birth date never changes"]),
    ("a death before recorded events", "citizens", "citizen,birth_date,death_date\nC1,1990-06-01,2024-06-01\n",
     ["bad.csv:2: death_date: event E3 (events.csv:4) is dated after it, on 2024-06-02",
      "bad.csv:2: death_date: event E4 (events.csv:5) is dated after it, on 2024-06-03"]),
    ("an overlapping accreditation", "providers", "provider,accredited_from,accredited_to\nP1,2021-01-01,\n",
     ["bad.csv:2: accredited_from: provider P1: accreditation from 2021-01-01 overlaps the one from 2020-01-01"]),
    ("an accreditation that ends first", "providers",
     "provider,accredited_from,accredited_to\nP5,2021-01-01,2020-01-01\n",
     ["bad.csv:2: accredited_to: the range ends before it starts"]),
]


def test_there_are_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name,which,content,expected", CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(ledger, tmp_path, name, which, content, expected):
    before = snapshot(ledger)
    bad = write(tmp_path / "bad.csv", content)
    result = run("import", ledger, f"--{which}", bad.name, cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["commonweal: " + line for line in expected]
    after = snapshot(ledger)
    # The one thing kept: a refused learning-account spend goes to the refusal log.
    learning = "learning_spend" in content if isinstance(content, str) else False
    assert len(after.pop("refusals")) == (1 if learning else 0)
    before.pop("refusals")
    assert after == before


def test_every_bad_row_is_reported_up_to_a_hundred(ledger, tmp_path):
    rows = "".join(f"X{i},2024-02-31,C1,tax,income_tax,1.00\n" for i in range(150))
    before = snapshot(ledger)
    write(tmp_path / "bad.csv", HEADER + rows)
    result = run("import", ledger, "--events", "bad.csv", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 101
    assert lines[0] == "commonweal: bad.csv:2: date: '2024-02-31' is not a date: that month has no such day"
    assert lines[99].startswith("commonweal: bad.csv:101: date:")
    assert lines[100] == "commonweal: (50 more errors not shown)"
    assert snapshot(ledger) == before


def test_one_bad_file_fails_the_whole_import(ledger, tmp_path):
    before = snapshot(ledger)
    write(tmp_path / "new_citizens.csv", "citizen,birth_date\nC4,1980-01-01\n")
    write(tmp_path / "bad.csv", HEADER + "E9,2024-05-31,C4,tax,income_tax,1.00\nE10,2024-13-01,C4,tax,x,1\n")
    result = run("import", ledger, "--citizens", "new_citizens.csv", "--events", "bad.csv", cwd=tmp_path)
    assert result.stderr == "commonweal: bad.csv:3: date: '2024-13-01' is not a date: the month must be between 01 and 12\n"
    assert result.returncode == 2
    assert snapshot(ledger) == before


def test_bad_rows_of_every_file_of_an_import_are_reported_together(ledger, tmp_path):
    """A bad row in one file does not hide the bad rows of the files read after it."""
    before = snapshot(ledger)
    write(tmp_path / "banks.csv", "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0,5\n")
    write(tmp_path / "members.csv", "bank,member,kind,from\nnorth,M1,robot,2024-01-01\n")
    write(tmp_path / "providers.csv", "provider,accredited_from\nP9,2024-02-30\n")
    write(tmp_path / "people.csv", "citizen,birth_date\nC4,1990-13-01\n")
    write(tmp_path / "bad.csv", HEADER + "E9,2024-05-31,C1,tax,income_tax,1.234\n")
    result = run("import", ledger, "--timebanks", "banks.csv", "--members", "members.csv", "--providers", "providers.csv",
                 "--citizens", "people.csv", "--events", "bad.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "commonweal: banks.csv:2: hours_step: the step must be more than zero",
        "commonweal: members.csv:2: kind: unknown kind 'robot' (person or organisation)",
        "commonweal: providers.csv:2: accredited_from: '2024-02-30' is not a date: that month has no such day",
        "commonweal: people.csv:2: birth_date: '1990-13-01' is not a date: the month must be between 01 and 12",
        "commonweal: bad.csv:2: amount: '1.234' has more than 2 decimals",
    ]
    assert snapshot(ledger) == before


def test_crlf_bom_and_quotes_are_accepted(ledger, tmp_path):
    text = "\ufeffid,date,citizen,kind,code,amount\r\n\"E9\",2024-07-02,C1,tax,\"income_tax\",1.00\r\n"
    run("import", ledger, "--events", write(tmp_path / "crlf.csv", text.encode("utf-8")), check=0)
    assert run("balance", ledger, "citizen:C1:social", check=0).stdout == "140.72\n"  # 123.46 + 0.10 + 17.16 (E2's social credit)


def test_reimporting_the_same_files_is_a_no_op(ledger, tmp_path):
    before = snapshot(ledger)
    result = run("import", ledger, "--citizens", "citizens.csv", "--events", "events.csv",
                 "--providers", "providers.csv", check=0, cwd=tmp_path)
    assert "nothing new" in result.stdout
    assert snapshot(ledger) == before


@pytest.mark.parametrize("args,message", [
    (["frobnicate"], "commonweal: unknown command frobnicate (commonweal --help lists them)"),
    (["import", "DB", "--bogus", "x"], "commonweal: import: unknown option --bogus"),
    (["advance", "DB"], "commonweal: advance: --to is required"),
    (["advance", "DB", "--to"], "commonweal: advance: --to needs a value"),
    (["balance", "DB"], "commonweal: balance: expected 2 arguments, got 1"),
    (["import", "DB"], "commonweal: import: give at least one of --citizens, --events, --providers, --timebanks, --members"),
    (["export", "DB", "--format", "xml"], "commonweal: export: --format is hledger, beancount or csv"),
])
def test_usage_errors_exit_1(ledger, args, message):
    args = [str(ledger) if a == "DB" else a for a in args]
    result = run(*args)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == message


def test_every_command_has_help():
    for command in ["demo", "init", "scheme", "import", "advance", "statement", "statements", "balance", "explain",
                    "verify", "export"]:
        result = run(command, "--help", check=0)
        assert result.stdout.startswith(f"usage: commonweal {command}")


def test_environment_errors_exit_4(ledger, tmp_path):
    result = run("import", ledger, "--events", tmp_path / "missing.csv")
    assert (result.returncode, result.stderr) == (4, f"commonweal: cannot read {tmp_path / 'missing.csv'}\n")
    result = run("balance", tmp_path / "nothing.db", "fund:social")
    assert result.returncode == 4
    assert "no ledger at" in result.stderr
    not_a_db = write(tmp_path / "text.db", "hello, this is not a database\n" * 100)
    result = run("balance", not_a_db, "fund:social")
    assert result.returncode == 4, result
    assert "is not a commonweal ledger" in result.stderr


def test_a_newer_ledger_is_refused(ledger):
    import sqlite3
    connection = sqlite3.connect(ledger)
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    result = run("balance", ledger, "fund:social")
    assert result.returncode == 4
    assert "has schema version 99, newer than this commonweal (5)" in result.stderr


def test_unknown_account_and_bad_dates(ledger):
    result = run("balance", ledger, "citizen:C9:social")
    assert (result.returncode, result.stderr) == (2, "commonweal: no account named citizen:C9:social\n")
    result = run("advance", ledger, "--to", "2025-02-30")
    assert result.returncode == 2
    assert "that month has no such day" in result.stderr

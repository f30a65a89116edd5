"""Every refusal by the rules through the command line: the message, exit
status 2, that no balance (no row of any table) changed, and what the
refusal log holds (learning-account spends only, docs/storage.md)."""
import json
import sqlite3

import pytest

from conftest import SCHEME, SOURCE, run, snapshot, write

CAP_REFORM = SOURCE / "tests" / "scenarios" / "learning-cap-2-reform.yaml"

# name, extra events imported first (accepted), the refused events file, the message after "commonweal: ",
# balances that must not move, and the refusal log rows expected after it: (event_id, provider, reason).
CASES = [
    ("credit limit (R5)", "",
     "X1,2024-07-01,C1,exchange,tb,11.00,C2\n",
     "spend.csv:2: event X1 (exchange on 2024-07-01) is refused: C2 would have -11.00 hours, below the credit limit "
     "of -10.00",
     {"citizen:C1:time": "3.00"}, []),
    ("overspend of a personal budget (R6)", "",
     "B1,2024-07-01,C1,budget_spend,home_care,100.01,HOME1\n",
     "spend.csv:2: event B1 (budget_spend on 2024-07-01) is refused: spending 100.01 at HOME1 needs more than the "
     "budget holds (100.00 council money, 0.00 own money)",
     {"citizen:C1:budget:council": "100.00"}, []),
    ("unaccredited provider (R7)", "",
     "S1,2024-07-02,C1,learning_spend,course,10.00,P9\n",
     "spend.csv:2: event S1 (learning_spend on 2024-07-02) is refused: provider P9 is not accredited on 2024-07-02",
     {"citizen:C1:learning": "200.00"},
     [("S1", "P9", "provider P9 is not accredited on 2024-07-02")]),
    ("expired accreditation (R7)", "",
     "S1,2024-07-02,C1,learning_spend,course,10.00,P2\n",
     "spend.csv:2: event S1 (learning_spend on 2024-07-02) is refused: provider P2 is not accredited on 2024-07-02",
     {"citizen:C1:learning": "200.00"},
     [("S1", "P2", "provider P2 is not accredited on 2024-07-02")]),
    ("monthly provider limit (R7)",
     "A1,2024-07-03,C1,learning_spend,course,50.00,P1\nA2,2024-07-04,C1,learning_spend,course,20.00,P1\n",
     "S1,2024-07-10,C1,learning_spend,course,10.00,P1\n",
     "spend.csv:2: event S1 (learning_spend on 2024-07-10) is refused: provider P1 has already taken 2 learning "
     "spends in 2024-07, the most learning_max_spends_per_provider_per_month allows (2)",
     {"citizen:C1:learning": "130.00", "provider:P1": "70.00"},
     [("S1", "P1", "provider P1 has already taken 2 learning spends in 2024-07, the most "
                   "learning_max_spends_per_provider_per_month allows (2)")]),
    ("monthly provider limit, breached by an older spend (R7)",
     "A1,2024-07-03,C1,learning_spend,course,50.00,P1\nA2,2024-07-04,C1,learning_spend,course,20.00,P1\n",
     "S1,2024-07-01,C1,learning_spend,course,10.00,P1\n",
     "spend.csv:2: importing event S1 would make an earlier event break a rule: event A2 (learning_spend on "
     "2024-07-04) is refused: provider P1 has already taken 2 learning spends in 2024-07, the most "
     "learning_max_spends_per_provider_per_month allows (2)",
     {"citizen:C1:learning": "130.00", "provider:P1": "70.00"},
     [("S1", "P1", "provider P1 has already taken 2 learning spends in 2024-07, the most "
                   "learning_max_spends_per_provider_per_month allows (2)")]),
]


@pytest.fixture
def capped(tmp_path):
    """The conftest ledger, made under a reform capping each provider at two learning spends a month."""
    from conftest import CITIZENS, EVENTS, PROVIDERS
    db = tmp_path / "capped.db"
    run("init", db, "--scheme", SCHEME, "--reform", CAP_REFORM, check=0)
    for name, text in (("citizens.csv", CITIZENS), ("providers.csv", PROVIDERS), ("events.csv", EVENTS)):
        write(tmp_path / name, text)
    run("import", db, "--citizens", "citizens.csv", "--providers", "providers.csv", "--events", "events.csv",
        check=0, cwd=tmp_path)
    return db


def refusal_rows(db):
    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT event_id, provider, reason FROM refusals ORDER BY event_id").fetchall()
    finally:
        connection.close()


@pytest.mark.parametrize("name, first, refused, message, balances, logged", CASES, ids=[c[0] for c in CASES])
def test_each_refusal_names_the_row_changes_nothing_and_is_logged(capped, tmp_path, name, first, refused, message,
                                                                  balances, logged):
    header = "id,date,citizen,kind,code,amount,counterparty\n"
    if first:
        write(tmp_path / "first.csv", header + first)
        run("import", capped, "--events", "first.csv", check=0, cwd=tmp_path)
    write(tmp_path / "spend.csv", header + refused)
    without_log = lambda: {k: v for k, v in snapshot(capped).items() if k != "refusals"}
    before = without_log()
    result = run("import", capped, "--events", "spend.csv", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"commonweal: {message}\n"
    assert without_log() == before
    for account, value in balances.items():
        assert run("balance", capped, account, check=0).stdout == value + "\n"
    assert refusal_rows(capped) == logged
    report = run("refusals", capped, check=0).stdout.splitlines()
    assert report[-1] == f"{len(logged)} refused learning-account spends"
    run("verify", capped, check=0)


def test_the_monthly_limit_counts_spends_of_all_citizens(capped, tmp_path):
    header = "id,date,citizen,kind,code,amount,counterparty\n"
    write(tmp_path / "a.csv", header + "G2,2024-06-01,C2,learning_grant,ila,100.00,\n"
                                       "A1,2024-07-03,C1,learning_spend,course,50.00,P1\n"
                                       "A2,2024-07-31,C2,learning_spend,course,20.00,P1\n"
                                       "A3,2024-08-01,C2,learning_spend,course,20.00,P1\n")
    run("import", capped, "--events", "a.csv", check=0, cwd=tmp_path)
    write(tmp_path / "b.csv", header + "S1,2024-07-15,C1,learning_spend,course,10.00,P1\n")
    result = run("import", capped, "--events", "b.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("commonweal: b.csv:2: importing event S1 would make an earlier event break a rule: "
                             "event A2 (learning_spend on 2024-07-31) is refused: provider P1 has already taken 2 "
                             "learning spends in 2024-07, the most learning_max_spends_per_provider_per_month "
                             "allows (2)\n")
    assert run("balance", capped, "citizen:C2:learning", check=0).stdout == "60.00\n"
    assert refusal_rows(capped) == [("S1", "P1", "provider P1 has already taken 2 learning spends in 2024-07, the most "
                                                 "learning_max_spends_per_provider_per_month allows (2)")]


# Time banks (docs/timebanks.md): bank "north" with step 0.50 and limit 5.00; M3 has an override of 1.00.
TIMEBANKS = "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0.50,5\n"
MEMBERS = ("bank,member,kind,from,credit_limit\nnorth,M1,person,2024-01-01,\nnorth,M2,person,2024-01-01,\n"
           "north,M3,person,2024-01-01,1\nnorth,ORG,organisation,2024-01-01,\n")
BANK_EVENTS = ("id,date,citizen,kind,code,amount,counterparty\n"
               "TX1,2024-03-01,M1,bank_exchange,north,5.00,M2\n"
               "TG1,2024-02-01,M3,bank_grant,north,0.50,\n")
BANK_CASES = [
    ("bank credit limit",
     "TX2,2024-03-02,M1,bank_exchange,north,0.10,M2\n",
     "refused.csv:2: event TX2 (bank_exchange on 2024-03-02) is refused: M2 would have -5.50 hours, below the credit "
     "limit of -5.00",
     {"timebank:north:M1": "5.00", "timebank:north:M2": "-5.00"}),
    ("per-member override",
     "TX2,2024-03-02,M1,bank_exchange,north,2.00,M3\n",
     "refused.csv:2: event TX2 (bank_exchange on 2024-03-02) is refused: M3 would have -1.50 hours, below the credit "
     "limit of -1.00",
     {"timebank:north:M1": "5.00", "timebank:north:M3": "0.50"}),
    ("group session, all or nothing",
     "TS1,2024-04-01,ORG,bank_session,north,1.00,M3;M2\n",
     "refused.csv:2: event TS1 (bank_session on 2024-04-01) is refused: M2 would have -6.00 hours, below the credit "
     "limit of -5.00",
     {"timebank:north:M2": "-5.00", "timebank:north:M3": "0.50", "timebank:north:chest": "-0.50"}),
    ("late bank event breaks an earlier one",
     "TX0,2024-01-15,M3,bank_exchange,north,0.50,M2\n",
     "refused.csv:2: importing event TX0 would make an earlier event break a rule: event TX1 (bank_exchange on "
     "2024-03-01) is refused: M2 would have -5.50 hours, below the credit limit of -5.00",
     {"timebank:north:M2": "-5.00", "timebank:north:M3": "0.50"}),
    ("default wallet donation (R5 limit)",
     "TD1,2024-07-01,C1,time_donation,tb,13.25,C2\n",
     "refused.csv:2: event TD1 (time_donation on 2024-07-01) is refused: C1 would have -10.25 hours, below the credit "
     "limit of -10.00",
     {"citizen:C1:time": "3.00"}),
    ("default wallet session (R5 limit)",
     "TS2,2024-07-01,C2,time_session,tb,13.25,C1\n",
     "refused.csv:2: event TS2 (time_session on 2024-07-01) is refused: C1 would have -10.25 hours, below the credit "
     "limit of -10.00",
     {"citizen:C1:time": "3.00"}),
]


@pytest.mark.parametrize("name, refused, message, balances", BANK_CASES, ids=[c[0] for c in BANK_CASES])
def test_each_time_bank_refusal_exits_2_and_changes_nothing(capped, tmp_path, name, refused, message, balances):
    write(tmp_path / "timebanks.csv", TIMEBANKS)
    write(tmp_path / "members.csv", MEMBERS)
    write(tmp_path / "bank.csv", BANK_EVENTS)
    run("import", capped, "--timebanks", "timebanks.csv", "--members", "members.csv", "--events", "bank.csv",
        check=0, cwd=tmp_path)
    write(tmp_path / "refused.csv", "id,date,citizen,kind,code,amount,counterparty\n" + refused)
    before = snapshot(capped)
    result = run("import", capped, "--events", "refused.csv", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"commonweal: {message}\n"
    assert snapshot(capped) == before  # no row of any table, the refusal log included, changed
    for account, value in balances.items():
        assert run("balance", capped, account, check=0).stdout == value + "\n"
    assert refusal_rows(capped) == []  # the log holds learning-account spends only
    statement = json.loads(run("timebank-statement", capped, "--bank", "north", "--member", "M2", "--year", "2024",
                               "--format", "json", check=0).stdout)
    assert (statement["received"], statement["closing_balance"]) == ("5.00", "-5.00")
    run("verify", capped, check=0)

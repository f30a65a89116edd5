"""Named time banks from Python: Ledger.import_csv(timebanks=, members=), Ledger.timebank_statement, and a
seeded randomised run of exchanges, sessions, grants, donations and corrections against an independent
model (timebank_model.py): hours zero-sum per bank after every import, no limit ever breached, every
member's statement equal to the model's."""
import datetime
import random
from decimal import Decimal

import pytest

import commonweal as cw
from conftest import SCHEME, cli
from timebank_model import Bank, Breach, replay

DAY = datetime.date.fromisoformat

TIMEBANKS = ("bank,from,hours_step,credit_limit\n"
             "north,2024-01-01,0.50,5\nnorth,2024-07-01,0.25,4\nsouth,2024-01-01,0.25,3\n")
MEMBERS = ("bank,member,kind,from,credit_limit\n"
           "north,M1,person,2024-01-01,\nnorth,M2,person,2024-01-01,1\nnorth,M2,person,2024-09-01,6\n"
           "north,M3,person,2024-01-01,\nnorth,M4,person,2024-01-01,\nnorth,ORG,organisation,2024-01-01,20\n"
           "south,S1,person,2024-01-01,\nsouth,S2,person,2024-01-01,\nsouth,S3,person,2024-01-01,0.5\n"
           "south,S4,organisation,2024-01-01,\n")
BANKS = {
    "north": Bank([(DAY("2024-01-01"), (Decimal("0.50"), Decimal(5))), (DAY("2024-07-01"), (Decimal("0.25"), Decimal(4)))],
                  {"M1": [(DAY("2024-01-01"), None)], "M2": [(DAY("2024-01-01"), Decimal(1)), (DAY("2024-09-01"), Decimal(6))],
                   "M3": [(DAY("2024-01-01"), None)], "M4": [(DAY("2024-01-01"), None)],
                   "ORG": [(DAY("2024-01-01"), Decimal(20))]}),
    "south": Bank([(DAY("2024-01-01"), (Decimal("0.25"), Decimal(3)))],
                  {"S1": [(DAY("2024-01-01"), None)], "S2": [(DAY("2024-01-01"), None)],
                   "S3": [(DAY("2024-01-01"), Decimal("0.5"))], "S4": [(DAY("2024-01-01"), None)]}),
}
HEADER = "id,date,citizen,kind,code,amount,counterparty,corrects\n"
LINES = ("given", "received", "granted", "donated_in", "donated_out")


@pytest.fixture
def banked(tmp_path):
    ledger = cw.Ledger.create(tmp_path / "banks.db", scheme=SCHEME)
    (tmp_path / "timebanks.csv").write_text(TIMEBANKS)
    (tmp_path / "members.csv").write_text(MEMBERS)
    ledger.import_csv(timebanks=tmp_path / "timebanks.csv", members=tmp_path / "members.csv")
    return ledger


def random_event(rng, number, surviving):
    if surviving and rng.random() < 0.1:  # a correction of a surviving event: same kind and members, new hours
        earlier = rng.choice(surviving)
        return {**earlier, "id": f"R{number}", "amount": Decimal(rng.randint(1, 300)) / 100, "corrects": earlier["id"],
                "date": earlier["date"]}
    bank = rng.choice(sorted(BANKS))
    members = sorted(BANKS[bank].members)
    kind = rng.choice(["bank_exchange", "bank_exchange", "bank_session", "bank_donation", "bank_grant"])
    chosen = rng.sample(members, rng.randint(2, 3) if kind == "bank_session" else 2)
    others = [] if kind == "bank_grant" else chosen[1:] if kind == "bank_session" else chosen[1:2]
    return {"id": f"T{number}", "date": DAY("2024-01-01") + datetime.timedelta(days=rng.randint(0, 365)),
            "kind": kind, "bank": bank, "member": chosen[0], "others": others,
            "amount": Decimal(rng.randint(1, 400)) / 100, "corrects": ""}


def csv_row(event):
    return (f"{event['id']},{event['date']},{event['member']},{event['kind']},{event['bank']},{event['amount']},"
            f"{';'.join(event['others'])},{event['corrects']}\n")


def hours_of(ledger, account, as_of=None):
    try:
        return ledger.balance(account, as_of=as_of)
    except cw.NotFoundError:  # never opened: nothing has moved
        return Decimal("0.00")


def check_against_model(ledger, accepted):
    balances, lines = replay(BANKS, accepted)
    for bank, model in BANKS.items():
        members = [*model.members, "chest"]
        held = {member: hours_of(ledger, f"timebank:{bank}:{member}") for member in members}
        assert sum(held.values()) == 0, (bank, held)  # zero-sum per bank
        for member in members:
            assert held[member] == balances.get((bank, member), 0), (bank, member)
            statement = ledger.timebank_statement(bank, member, year=2024)
            expected = lines.get((bank, member), {})
            assert {line: statement[line] for line in LINES} == {line: expected.get(line, 0) for line in LINES}
            assert statement["closing_balance"] == held[member]


def test_random_exchanges_sessions_grants_donations_and_corrections_against_the_model(banked, tmp_path):
    rng = random.Random(20261207)
    accepted, number, refused = [], 0, 0
    for batch in range(40):
        corrected = {e["corrects"] for e in accepted if e["corrects"]}
        surviving = [e for e in accepted if e["id"] not in corrected]
        slice_events = []
        for _ in range(rng.randint(1, 4)):
            number += 1
            event = random_event(rng, number, [e for e in surviving if e not in slice_events])
            if event["corrects"] and any(e["corrects"] == event["corrects"] for e in slice_events):
                continue
            slice_events.append(event)
        sequenced = [{**e, "sequence": len(accepted) + i} for i, e in enumerate(slice_events)]
        try:
            replay(BANKS, accepted + sequenced)
            breach = False
        except Breach:
            breach = True
        path = tmp_path / f"slice{batch}.csv"
        path.write_text(HEADER + "".join(map(csv_row, slice_events)))
        if breach:
            refused += 1
            with pytest.raises(cw.RefusedError, match="below the credit limit"):
                banked.import_csv(events=path)
        else:
            banked.import_csv(events=path)
            accepted += sequenced
        check_against_model(banked, accepted)
    assert 5 <= refused <= 35 and len(accepted) >= 20  # both outcomes were exercised
    # No limit ever breached: at the end of every day an accepted event moved hours, every member is within its limit.
    # And every bank sums to zero as of each of those days, the chest included.
    for day in sorted({e["date"] for e in accepted}):
        for bank, model in BANKS.items():
            held = {member: hours_of(banked, f"timebank:{bank}:{member}", as_of=day) for member in [*model.members, "chest"]}
            assert sum(held.values()) == 0, (bank, day)
            for member in model.members:
                assert held[member] >= -model.limit(member, day), (bank, member, day)
    banked.verify()


def test_timebank_statement_equals_the_cli_and_names_bad_questions(banked, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(HEADER + "G1,2024-02-01,M1,bank_grant,north,2.00,,\n"
                               "X1,2024-03-01,M1,bank_exchange,north,1.20,M3,\n")
    banked.import_csv(events=events)
    st = banked.timebank_statement("north", "M1", start="2024-01-01", end="2024-12-31")
    assert (st["kind"], st["granted"], st["given"], st["closing_balance"]) == (
        "person", Decimal("2.00"), Decimal("1.50"), Decimal("3.50"))
    assert st["credit_limit"] == Decimal("4.00") and isinstance(st["given"], Decimal)
    assert banked.timebank_statement("north", "M1", year=2024) == st
    assert banked.timebank_statement("north", "M1", start="2024-03-01", end="2024-12-31")["opening_balance"] == Decimal("2.00")
    assert banked.timebank_statement("north", "chest", year=2024)["credit_limit"] is None
    path = banked.path
    banked.close()
    from_cli = cli("timebank-statement", path, "--bank", "north", "--member", "M1", "--year", "2024", "--format", "json")
    assert '"given": "1.50"' in from_cli.stdout and '"closing_balance": "3.50"' in from_cli.stdout
    reopened = cw.Ledger.open(path)
    assert reopened.timebank_statement("north", "M3", year=2024)["received"] == Decimal("1.50")
    with pytest.raises(cw.NotFoundError, match="unknown time bank east"):
        reopened.timebank_statement("east", "M1", year=2024)
    with pytest.raises(cw.NotFoundError, match="unknown member M9 of time bank north"):
        reopened.timebank_statement("north", "M9", year=2024)
    with pytest.raises(TypeError, match="year= excludes"):
        reopened.timebank_statement("north", "M1", start="2024-01-01", year=2024)


def test_time_banks_from_data_frames_hours_exact_floats_refused(tmp_path):
    import pandas as pd
    ledger = cw.Ledger.create(":memory:", scheme=SCHEME)
    timebanks = pd.DataFrame({"bank": ["east"], "from": [datetime.date(2024, 1, 1)], "hours_step": [Decimal("0.25")],
                              "credit_limit": ["2"]})
    members = pd.DataFrame({"bank": ["east", "east"], "member": ["A", "B"], "kind": ["person", "organisation"],
                            "from": ["2024-01-01", "2024-01-01"], "credit_limit": [None, Decimal("10")]})
    with pytest.raises(TypeError, match="float"):
        ledger.import_frame(timebanks=timebanks.assign(hours_step=[0.25]))
    events = pd.DataFrame({"id": ["E1"], "date": ["2024-02-01"], "citizen": ["A"], "kind": ["bank_exchange"],
                           "code": ["east"], "amount": [Decimal("0.10")], "counterparty": ["B"]})
    change = ledger.import_frame(timebanks=timebanks, members=members, events=events)
    assert (change.events_added, change.entries_posted) == (1, 1)
    assert ledger.balance("timebank:east:A") == Decimal("0.25")
    assert ledger.timebank_statement("east", "B", year=2024)["received"] == Decimal("0.25")
    with pytest.raises(cw.RefusedError, match="B would have -10.25 hours, below the credit limit of -10.00"):
        ledger.import_frame(events=events.assign(id=["E2"], amount=[Decimal("10.00")]))
    assert ledger.balance("timebank:east:B") == Decimal("-0.25")

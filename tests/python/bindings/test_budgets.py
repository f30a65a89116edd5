"""Ledger.budget_statement and Ledger.refusals: the same figures as the CLI,
amounts as exact decimal.Decimal."""
import json
from decimal import Decimal

import pytest

import commonweal as cw
from conftest import SCHEME, SOURCE, cli

CAP_REFORM = SOURCE / "tests" / "scenarios" / "learning-cap-2-reform.yaml"


def test_budget_statement_equals_the_cli_and_closes_on_the_balances(ledger, ledger_path, tmp_path):
    events = tmp_path / "budget.csv"
    events.write_text("id,date,citizen,kind,code,amount,counterparty\n"
                      "T1,2024-06-10,C1,budget_topup,card,40.00,\n"
                      "S1,2024-06-20,C1,budget_spend,home_care,120.00,HOME1\n"
                      "S2,2024-07-02,C1,budget_spend,home_care,5.00,HOME1\n")
    ledger.import_csv(events=events)
    st = ledger.budget_statement("C1", "2024-06")
    assert st["opening_balance"] == {"council": Decimal("0.00"), "own": Decimal("0.00"), "total": Decimal("0.00")}
    assert [(t["event"], t["kind"], t["council"], t["own"], t["balance"]["total"]) for t in st["transactions"]] == [
        ("E3", "grant", Decimal("100.00"), Decimal("0.00"), Decimal("100.00")),
        ("T1", "topup", Decimal("0.00"), Decimal("40.00"), Decimal("140.00")),
        ("S1", "spend", Decimal("-100.00"), Decimal("-20.00"), Decimal("20.00")),
    ]
    assert st["closing_balance"] == {"council": Decimal("0.00"), "own": Decimal("20.00"), "total": Decimal("20.00")}
    assert ledger.balance("citizen:C1:budget:own", as_of="2024-06-30") == st["closing_balance"]["own"]
    from_cli = json.loads(cli("budget-statement", ledger_path, "--citizen", "C1", "--month", "2024-06",
                              "--format", "json").stdout)
    assert from_cli["closing_balance"]["own"] == "20.00"
    assert from_cli["transactions"][2]["counterparty"] == "provider:HOME1"
    assert all(isinstance(t["own"], Decimal) for t in st["transactions"])


def test_budget_statement_errors(ledger):
    with pytest.raises(cw.NotFoundError, match="unknown citizen C9"):
        ledger.budget_statement("C9", "2024-06")
    with pytest.raises(cw.Error, match="not a calendar month"):
        ledger.budget_statement("C1", "2024-6")


def test_refusals_lists_the_monthly_cap_refusal(files):
    with cw.Ledger.create(files / "capped.db", scheme=SCHEME, reform=CAP_REFORM) as led:
        led.import_csv(citizens=files / "citizens.csv", providers=files / "providers.csv", events=files / "events.csv")
        spends = files / "spends.csv"
        spends.write_text("id,date,citizen,kind,code,amount,counterparty\n"
                          "A1,2024-07-03,C1,learning_spend,course,50.00,P1\n"
                          "A2,2024-07-04,C1,learning_spend,course,20.00,P1\n")
        led.import_csv(events=spends)
        third = files / "third.csv"
        third.write_text("id,date,citizen,kind,code,amount,counterparty\nS1,2024-07-09,C1,learning_spend,course,1.00,P1\n")
        with pytest.raises(cw.RefusedError, match="the most learning_max_spends_per_provider_per_month allows"):
            led.import_csv(events=third)
        assert led.balance("citizen:C1:learning") == Decimal("130.00")
        [row] = led.refusals()
        assert (row["event_id"], row["provider"], row["date"], row["amount"]) == ("S1", "P1", "2024-07-09",
                                                                                 Decimal("1.00"))

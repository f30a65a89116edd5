"""import_frame: DataFrames in, exactly; floats refused with a TypeError that
says why and what to pass; bad rows reported as the CLI reports the same rows."""
import datetime as dt
import io
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import commonweal as cw
from conftest import CITIZENS, EVENTS, PROVIDERS, SCHEME, cli, cli_message


def frame(text, **kwargs):
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, **kwargs)


@pytest.fixture
def led():
    ledger = cw.Ledger.create(":memory:", scheme=SCHEME)
    ledger.import_frame(citizens=frame(CITIZENS), providers=frame(PROVIDERS))
    yield ledger
    ledger.close()


def test_frames_give_the_same_ledger_as_the_csv_files(files, ledger):
    led = cw.Ledger.create(":memory:", scheme=SCHEME)
    events = frame(EVENTS)
    events["amount"] = events["amount"].map(Decimal)
    change = led.import_frame(citizens=frame(CITIZENS), events=events, providers=frame(PROVIDERS))
    assert (change.citizens_added, change.events_added) == (3, 8)
    led.advance(to="2025-04-05")
    for citizen in ["C1", "C2", "C3"]:
        assert led.statement(citizen, "2024-25").to_dict() == {
            **ledger.statement(citizen, "2024-25").to_dict(),
            "as_known_at": led.statement(citizen, "2024-25").to_dict()["as_known_at"]}
    mine = led.entries().drop(columns=["recorded_at"])
    theirs = ledger.entries().drop(columns=["recorded_at"])
    pd.testing.assert_frame_equal(mine, theirs)


def test_decimals_keep_their_scale_both_ways(led):
    events = pd.DataFrame({"id": ["V1", "V2"], "date": ["2024-06-01", "2024-06-02"], "citizen": ["C1", "C1"],
                           "kind": ["volunteer", "tax"], "code": ["food-bank", "income_tax"],
                           "amount": [Decimal("0.50"), Decimal("0.10")]})
    led.import_frame(events=events)
    hours = led.balance("citizen:C1:time")
    assert hours == Decimal("0.50") and str(hours) == "0.50"
    frame_ = led.entries()
    assert "0.10" in set(map(str, frame_["amount"])) and all(a.as_tuple().exponent == -2 for a in frame_["amount"])
    st = led.statement("C1", "2024-25")
    assert st.taxes_paid == {"income_tax": Decimal("0.10")} and str(st.taxes_paid["income_tax"]) == "0.10"
    assert str(st.social_account.contributions["income_tax"]) == "0.01"  # 10% of 0.10, half-even (R1)


def test_a_decimal_in_exponent_notation_is_written_plainly(led):
    events = pd.DataFrame({"id": ["X1"], "date": ["2024-06-01"], "citizen": ["C1"], "kind": ["tax"],
                           "code": ["income_tax"], "amount": [Decimal("1E+1")]})
    led.import_frame(events=events)
    assert led.statement("C1", "2024-25").taxes_paid == {"income_tax": Decimal("10.00")}


def test_a_float_column_is_refused(led):
    events = pd.DataFrame({"id": ["F1"], "date": ["2024-06-01"], "citizen": ["C1"], "kind": ["tax"],
                           "code": ["income_tax"], "amount": [0.1]})
    with pytest.raises(TypeError) as caught:
        led.import_frame(events=events)
    message = str(caught.value)
    assert "column amount has dtype float64" in message
    assert "decimal.Decimal" in message and "str" in message and "cannot hold" in message
    assert led.citizens() == ["C1", "C2", "C3"] and led.entries().empty


def test_a_float_value_among_decimals_is_refused(led):
    events = pd.DataFrame({"id": ["F1", "F2"], "date": ["2024-06-01"] * 2, "citizen": ["C1"] * 2,
                           "kind": ["tax"] * 2, "code": ["income_tax"] * 2,
                           "amount": [Decimal("1.00"), np.float64(2.5)]},
                          index=["a", "b"])
    with pytest.raises(TypeError, match=r"row 1 \(index 'b', line 3\), column amount: 2.5 is a float; "
                                        r"commonweal refuses floats"):
        led.import_frame(events=events)
    assert led.entries().empty


def test_bad_rows_are_reported_as_the_cli_reports_the_same_csv(led, tmp_path, ledger_path):
    events = pd.DataFrame({"id": ["B1", "B2", "B3", "B4"], "date": ["2024-06-01", "2024-02-30", "2024-06-03"] * 1
                           + ["2024-06-04"], "citizen": ["C1", "C1", "C1", "C,1"], "kind": ["tax"] * 4,
                           "code": ["income_tax"] * 4, "amount": [Decimal("1.234"), Decimal("5.00"), "7", "1"]})
    with pytest.raises(cw.InputError) as caught:
        led.import_frame(events=events)
    csv_path = tmp_path / "events (DataFrame)"
    events.to_csv(csv_path, index=False)
    result = cli("import", ledger_path, "--events", csv_path.name, check=2, cwd=tmp_path)
    assert str(caught.value) == cli_message(result)
    assert "events (DataFrame):2: amount: '1.234' has more than 2 decimals" in str(caught.value)
    assert "events (DataFrame):3: date: '2024-02-30' is not a date" in str(caught.value)
    assert "events (DataFrame):5: citizen: 'C,1' is not valid" in str(caught.value)
    assert led.entries().empty


def test_dates_ints_and_missing_values(led):
    events = pd.DataFrame({
        "id": ["D1", "D2", "D3"],
        "date": pd.to_datetime(["2024-06-01", "2024-06-02", "2024-07-01"]),
        "citizen": ["C1", "C1", "C2"],
        "kind": ["tax", "tax", "exchange"],
        "code": ["income_tax", "national_insurance", "care"],
        "amount": [100, 250, 2],
        "counterparty": [None, np.nan, "C1"],
    })
    change = led.import_frame(events=events)
    assert change.events_added == 3
    st = led.statement("C1", "2024-25")
    assert st.taxes_paid == {"income_tax": Decimal("100.00"), "national_insurance": Decimal("250.00")}
    assert st.time_credits.spent == Decimal("2.00")  # C2 gave C1 two hours (R5)
    citizens = pd.DataFrame({"citizen": ["C4"], "birth_date": [dt.date(2000, 1, 2)], "region": ["north-east"]})
    assert led.import_frame(citizens=citizens).citizens_added == 1


def test_times_of_day_and_other_types_are_refused(led):
    events = pd.DataFrame({"id": ["T1"], "date": pd.to_datetime(["2024-06-01 12:00"]), "citizen": ["C1"],
                           "kind": ["tax"], "code": ["income_tax"], "amount": ["1.00"]})
    with pytest.raises(TypeError, match="times of day"):
        led.import_frame(events=events)
    events = events.assign(date="2024-06-01", amount=[True])
    with pytest.raises(TypeError, match="bools"):
        led.import_frame(events=events)
    with pytest.raises(TypeError, match="expected a pandas.DataFrame"):
        led.import_frame(events=[{"id": "X"}])
    with pytest.raises(TypeError, match="at least one"):
        led.import_frame()

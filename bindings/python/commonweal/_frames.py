"""pandas in and out: DataFrames to the CSV text the importer reads, and the
stored journal (columns from C++) to a DataFrame. Amounts stay exact."""
from __future__ import annotations

import decimal as _decimal
import re as _re

from ._convert import FLOAT_REFUSAL, amount_text, date_text, is_float

_AMOUNT_COLUMNS = {"events": {"amount"}, "citizens": set(), "providers": set(),
                   "timebanks": {"hours_step", "credit_limit"}, "members": {"credit_limit"}}
_DATE_COLUMNS = {
    "events": {"date"},
    "citizens": {"birth_date", "death_date"},
    "providers": {"accredited_from", "accredited_to"},
    "timebanks": {"from"},
    "members": {"from"},
}
_PLAIN_AMOUNTS = _re.compile(r"[0-9.\-\x1f]*")
_NEEDS_QUOTES = (",", '"', "\n", "\r")


def frame_name(kind: str) -> str:
    """How messages name a frame: 'events (DataFrame)'; its row at position i is line i + 2."""
    return f"{kind} (DataFrame)"


def frame_to_csv(frame, kind: str) -> tuple[str, str]:
    """(name, CSV text) of a citizens, events, providers, timebanks or members DataFrame, for the importer in C++.

    The row at position i becomes line i + 2 (the header is line 1), so messages name rows as
    `commonweal import` would for the same frame written with frame.to_csv(index=False)."""
    import pandas as pd

    name = frame_name(kind)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{kind}: expected a pandas.DataFrame, got {type(frame).__name__}")
    header, columns = [], []
    for column in frame.columns:
        if not isinstance(column, str):
            raise TypeError(f"{name}: column names are str; {column!r} is a {type(column).__name__}")
        series = frame[column]
        if isinstance(series, pd.DataFrame):
            raise ValueError(f"{name}: the column {column} appears twice")
        if column in _AMOUNT_COLUMNS[kind]:
            texts = _amount_column(series, name, column)
        elif column in _DATE_COLUMNS[kind]:
            texts = _date_column(series, name, column)
        else:
            texts = _text_column(series, name, column)
        header.append(column)
        columns.append(_quoted(texts))
    lines = [",".join(_quoted(header))]
    lines.extend(map(",".join, zip(*columns)))
    return name, "\n".join(lines) + "\n"


def _where(name: str, column: str, position: int, label) -> str:
    return f"{name}: row {position} (index {label!r}, line {position + 2}), column {column}"


def _amount_column(series, name: str, column: str) -> list[str]:
    kind = series.dtype.kind
    if kind == "f":
        raise TypeError(f"{name}: column {column} has dtype {series.dtype}; {FLOAT_REFUSAL}")
    if kind in "iu":
        return list(map(str, series.tolist()))
    if kind == "b":
        raise TypeError(f"{name}: column {column} holds bools, not amounts; pass decimal.Decimal or str values")
    values = series.tolist()
    types = set(map(type, values))
    if types <= {str}:
        return values
    if types <= {_decimal.Decimal}:
        texts = list(map(str, values))  # plain notation unless the exponent is positive or very negative
        if _PLAIN_AMOUNTS.fullmatch("\x1f".join(texts)):
            return texts
    return [amount_text(value, _where(name, column, position, label))
            for position, (label, value) in enumerate(zip(series.index, values))]


def _date_column(series, name: str, column: str) -> list[str]:
    import numpy as np

    kind = series.dtype.kind
    if kind == "M":
        if getattr(series.dtype, "tz", None) is not None:
            raise TypeError(f"{name}: column {column} holds moments with a time zone; pass dates")
        values = series.to_numpy()
        days = values.astype("datetime64[D]")
        missing = np.isnat(values)
        if ((values != days.astype(values.dtype)) & ~missing).any():
            raise TypeError(f"{name}: column {column} holds times of day; pass dates ('2025-04-05')")
        texts = np.datetime_as_string(days, unit="D").astype(object)
        texts[missing] = ""
        return texts.tolist()
    if kind == "f" and series.isna().all():
        return [""] * len(series)
    values = series.tolist()
    if set(map(type, values)) <= {str}:
        return values
    return ["" if _missing(value) else date_text(value, _where(name, column, position, label))
            for position, (label, value) in enumerate(zip(series.index, values))]


def _text_column(series, name: str, column: str) -> list[str]:
    kind = series.dtype.kind
    if kind in "iu":
        return list(map(str, series.tolist()))
    if kind == "f" and series.isna().all():
        return [""] * len(series)
    values = series.tolist()
    if set(map(type, values)) <= {str}:
        return values
    return [_text(value, name, column, position, label)
            for position, (label, value) in enumerate(zip(series.index, values))]


def _text(value, name, column, position, label) -> str:
    if isinstance(value, str):
        return value
    if _missing(value):
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if is_float(value):
        raise TypeError(f"{_where(name, column, position, label)}: {value!r} is a float; pass a str")
    raise TypeError(f"{_where(name, column, position, label)}: expected a str, got {type(value).__name__}")


def _missing(value) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _quoted(texts: list[str]) -> list[str]:
    joined = "".join(texts)
    if not any(mark in joined for mark in _NEEDS_QUOTES):
        return texts
    return [f'"{text.replace(chr(34), chr(34) * 2)}"' if any(m in text for m in _NEEDS_QUOTES) else text
            for text in texts]


# Exact for any int64 coefficient (19 digits) whatever the caller's decimal context; traps make sure.
_EXACT = _decimal.Context(prec=40, traps=[_decimal.Inexact, _decimal.Rounded, _decimal.InvalidOperation])


def decimals(minor, scales):
    """numpy object array of decimal.Decimal: minor x 10^-scale exactly (scale kept: 100 at 2 is 1.00),
    one object per distinct value."""
    import itertools

    import numpy as np

    result = np.empty(len(minor), dtype=object)
    for scale in np.unique(scales):
        mask = scales == scale
        distinct, inverse = np.unique(minor[mask], return_inverse=True)
        unit = _decimal.Decimal((0, (1,), -int(scale)))
        made = np.empty(len(distinct), dtype=object)
        made[:] = list(map(_EXACT.multiply, map(_decimal.Decimal, distinct.tolist()), itertools.repeat(unit)))
        result[mask] = made[inverse]
    return result


JOURNAL_COLUMNS = ("position", "entry_id", "effective_date", "recorded_at", "code", "memo", "reverses", "account",
                   "unit", "line", "amount")


def journal_frame(table: dict, minor_units: bool):
    """The DataFrame of entries(): one row per posting, in journal order."""
    import numpy as np
    import pandas as pd

    entry = table["row_entry"].astype(np.intp)
    account = table["row_account"].astype(np.intp)

    def per_entry(key):
        return np.array(table[key], dtype=object)[entry] if len(entry) else np.array([], dtype=object)

    def per_account(key):
        return np.array(table[key], dtype=object)[account] if len(account) else np.array([], dtype=object)

    effective = table["entry_effective_day"].astype("datetime64[D]")[entry].astype("datetime64[ns]")
    micros = table["operation_recorded_micros"][table["entry_operation"].astype(np.intp)][entry]
    minor = table["row_amount_minor"]
    columns = {
        "position": table["entry_position"][entry],
        "entry_id": per_entry("entry_id"),
        "effective_date": effective,
        "recorded_at": pd.to_datetime(micros, unit="us", utc=True),
        "code": per_entry("entry_code"),
        "memo": per_entry("entry_memo"),
        "reverses": per_entry("entry_reverses"),
        "account": per_account("account_name"),
        "unit": per_account("account_unit"),
        "line": table["row_line"].astype(np.int64),
        "amount": decimals(minor, table["account_scale"][account]),
    }
    if minor_units:
        columns["amount_minor"] = minor
    return pd.DataFrame(columns, copy=False)

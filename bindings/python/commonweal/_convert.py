"""Argument checks and conversions shared by the package: dates, moments and
amounts become the exact text the C++ core parses. Never through a float."""
from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import numbers as _numbers

FLOAT_REFUSAL = (
    "commonweal refuses floats for money and hours: a binary float cannot hold most decimal amounts "
    "exactly (0.1 is stored as 0.1000000000000000055511151231257827...). Pass a decimal.Decimal "
    "(Decimal('0.10')) or a str ('0.10') instead"
)


def is_float(value) -> bool:
    """True for Python and numpy floats (not for Decimal, int or bool)."""
    return isinstance(value, float) or (isinstance(value, _numbers.Real) and not isinstance(value, _numbers.Rational)
                                         and not isinstance(value, _decimal.Decimal))


def refuse_float(value, where: str):
    raise TypeError(f"{where}: {value!r} is a float; {FLOAT_REFUSAL}")


def date_text(value, what: str) -> str:
    """'YYYY-MM-DD' from a str or a datetime.date (a datetime only at midnight)."""
    if isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time(0) or value.tzinfo is not None:
            raise TypeError(f"{what}: {value!r} has a time of day or a time zone; pass a date ('2025-04-05')")
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{what}: expected a date as 'YYYY-MM-DD' or a datetime.date, got {type(value).__name__}")


def optional_date_text(value, what: str) -> str | None:
    return None if value is None else date_text(value, what)


def moment_text(value, what: str = "as_known_at") -> str | None:
    """None, 'YYYY-MM-DD' (the end of that day, UTC), 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z', or an aware datetime."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError(f"{what}: {value!r} has no time zone; a moment must be unambiguous: pass an aware "
                            "datetime (tzinfo=datetime.timezone.utc) or 'YYYY-MM-DDTHH:MM:SSZ'")
        return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{what}: expected None, a str, a datetime.date or an aware datetime.datetime, "
                    f"got {type(value).__name__}")


def amount_text(value, where: str) -> str:
    """The exact text of an amount: a str as it is, a Decimal in plain notation keeping its scale, an int.

    None (and NaN as pandas marks a missing value) give '' (the importer then says the field is empty);
    a float is a TypeError."""
    if isinstance(value, str):
        return value
    if isinstance(value, _decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value!r} is not a finite amount")
        return format(value, "f")
    if isinstance(value, bool):
        raise TypeError(f"{where}: {value!r} is a bool, not an amount; pass a decimal.Decimal or a str")
    if isinstance(value, _numbers.Integral):
        return str(int(value))
    if value is None or _is_missing(value):
        return ""
    if is_float(value):
        refuse_float(value, where)
    raise TypeError(f"{where}: expected a decimal.Decimal or a str, got {type(value).__name__}")


def _is_missing(value) -> bool:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is a dependency of the frame functions only
        return False
    return value is pandas.NA or value is pandas.NaT or (isinstance(value, float) and value != value)

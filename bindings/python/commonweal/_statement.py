"""The annual statement as Python objects: attributes, dict, JSON, HTML, tables."""
from __future__ import annotations

import datetime as _dt
import json as _json
from decimal import Decimal
from types import SimpleNamespace

# JSON string fields that are not amounts; every other string field is an amount.
_TEXT_FIELDS = {"citizen", "tax_year", "start", "end", "as_known_at", "currency", "state_pension_age_date"}
_DATE_FIELDS = {"start", "end", "state_pension_age_date"}


def _with_decimals(value, key=None):
    if isinstance(value, dict):
        return {k: _with_decimals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_decimals(v) for v in value]
    if isinstance(value, str) and key not in _TEXT_FIELDS:
        return Decimal(value)
    return value


def _namespace(value, key=None):
    """Attributes for sections; maps of codes (contributions, taxes_paid, ...) stay dicts."""
    if isinstance(value, dict) and key not in _CODE_MAPS:
        return Section(**{k: _namespace(v, k) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    if isinstance(value, str) and key in _DATE_FIELDS:
        return _dt.date.fromisoformat(value)
    return value


_CODE_MAPS = {"contributions", "benefits_charged", "copayments", "taxes_paid", "benefits_not_charged", "service_use"}


class Section(SimpleNamespace):
    """A part of the statement: its figures as attributes (decimal.Decimal)."""


class Statement:
    """A citizen's annual statement (reference scheme section 6), as known at a moment.

    Figures are decimal.Decimal with two decimals, exactly as the CLI's JSON writes them:
    st.social_account.closing_balance, st.taxes_paid["income_tax"], st.history[-1].closing_balance.
    Maps of codes (social_account.contributions, taxes_paid, ...) are dicts holding only non-zero codes.
    """

    def __init__(self, core_statement):
        self._core = core_statement
        self._json = core_statement.to_json()
        self._dict = _with_decimals(_json.loads(self._json))
        for key, value in self._dict.items():
            if key == "period":
                continue
            setattr(self, key, _namespace(value, key))
        self.period_start = _dt.date.fromisoformat(self._dict["period"]["start"])
        self.period_end = _dt.date.fromisoformat(self._dict["period"]["end"])
        self.as_known_at = _dt.datetime.fromisoformat(self._dict["as_known_at"].replace("Z", "+00:00"))

    def to_dict(self) -> dict:
        """The JSON's structure and names, amounts as decimal.Decimal, dates and moments as text."""
        return _with_decimals(_json.loads(self._json))

    def to_json(self) -> str:
        """Exactly what `commonweal statement --format json` prints (amounts as strings, two decimals)."""
        return self._json

    def to_html(self) -> str:
        """One self-contained HTML page, as `commonweal statement --format html` prints."""
        return self._core.to_html()

    def to_text(self) -> str:
        """The statement for a terminal, at most 80 columns, as `commonweal statement` prints."""
        return self._core.to_text()

    def _repr_html_(self) -> str:
        # The page in an iframe, so that its stylesheet cannot restyle the notebook around it.
        import html

        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" title="Statement {html.escape(self.citizen)}'
                f' {html.escape(self.tax_year)}" style="width: 100%; height: 720px; border: 0"></iframe>')

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<commonweal.Statement {self.citizen} {self.tax_year}: closing balance "
                f"{self.social_account.closing_balance} {self.currency}>")

    def flatten(self) -> dict[str, str]:
        """Every field as text: 'social_account.contributions.income_tax' -> '123.46' (history as 'history.2024-25.…')."""
        return dict(self._core.flatten())

    def to_frame(self, minor_units: bool = False):
        """A DataFrame with one row per figure (history excluded): field, section, item, amount (Decimal).

        minor_units=True adds amount_minor: the amount in pence (hundredths of an hour for hours), int64."""
        import pandas as pd

        rows = [(field, *field.split(".", 1), Decimal(text)) for field, text in self.flatten().items()
                if "." in field and not field.startswith("history.")
                and field.rsplit(".", 1)[1] not in _TEXT_FIELDS | {"settled"}]
        frame = pd.DataFrame(rows, columns=["field", "section", "item", "amount"])
        if minor_units:
            frame["amount_minor"] = _minor_units(frame["amount"])
        return frame

    def history_frame(self, minor_units: bool = False):
        """The lifetime history, one row per tax year: tax_year, contributions, benefits_charged, service_use,
        closing_balance (Decimal); minor_units=True adds each as *_minor (pence, int64)."""
        import pandas as pd

        frame = pd.DataFrame(self._dict["history"], columns=["tax_year", "contributions", "benefits_charged",
                                                             "service_use", "closing_balance"])
        if minor_units:
            for column in ["contributions", "benefits_charged", "service_use", "closing_balance"]:
                frame[column + "_minor"] = _minor_units(frame[column])
        return frame


def _minor_units(amounts):
    import numpy as np

    values = []
    for amount in amounts:
        scaled = amount.scaleb(2)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{amount} has more than two decimals")
        values.append(int(scaled))
    return np.array(values, dtype=np.int64)

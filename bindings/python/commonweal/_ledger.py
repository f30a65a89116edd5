"""commonweal.Ledger: a ledger file (or ":memory:") from Python."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal

from . import _core
from ._convert import date_text, moment_text, optional_date_text
from ._frames import frame_to_csv, journal_frame
from ._statement import Statement


@dataclass(frozen=True)
class Change:
    """What an import or an advance did (the CLI prints the same figures)."""

    citizens_added: int
    events_added: int
    entries_posted: int  # new entries, adjustments and reversals together
    adjustments: int  # of which adjustments and reversals
    recorded_at: str  # UTC, 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z'
    chain_head: str  # hex SHA-256 of the operation, also appended to PATH.anchors
    stored: bool  # False: nothing new (a repeated import); the ledger is unchanged


@dataclass(frozen=True)
class VerifyReport:
    """A verify() that found nothing wrong (one that does raises VerificationError)."""

    entries_checked: int
    operations_checked: int
    anchors_checked: int
    chain_head: str


def _path(value, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{what}: expected a path (str or os.PathLike), got {type(value).__name__}")


class Ledger:
    """A commonweal ledger in one SQLite file (docs/storage.md), or in memory with ":memory:".

    Every method that reads or writes the file releases the GIL while C++ works; one ledger is used
    by one thread at a time (others wait). Errors are commonweal.Error subclasses whose message is
    what the `commonweal` command line prints, without its "commonweal: " prefix.
    """

    def __init__(self, core_ledger):
        if not isinstance(core_ledger, _core.Ledger):
            raise TypeError("use Ledger.create(path, scheme=...) or Ledger.open(path)")
        self._core = core_ledger

    @classmethod
    def create(cls, path, scheme, reform=None) -> "Ledger":
        """A new ledger at path (refused if it exists; ":memory:" for one in memory) with the scheme YAML file
        and, optionally, a reform YAML file merged over it."""
        return cls(_core.Ledger.create(_path(path, "path"), _path(scheme, "scheme"), _path(reform, "reform")))

    @classmethod
    def open(cls, path) -> "Ledger":
        """An existing ledger file."""
        return cls(_core.Ledger.open(_path(path, "path")))

    # Writing

    def import_csv(self, citizens=None, events=None, providers=None, timebanks=None, members=None) -> Change:
        """Imports CSV files (paths) as one transaction, as `commonweal import` does: every bad row is reported
        in one InputError and nothing changes, or all of it is stored. timebanks= and members= are the named
        time banks' files (docs/timebanks.md)."""
        files = [_path(citizens, "citizens"), _path(events, "events"), _path(providers, "providers"),
                 _path(timebanks, "timebanks"), _path(members, "members")]
        if files == [None] * 5:
            raise TypeError("import_csv: give at least one of citizens=, events=, providers=, timebanks=, members=")
        return Change(**self._core.import_files(*files))

    def import_frame(self, events=None, citizens=None, providers=None, timebanks=None, members=None) -> Change:
        """Imports pandas DataFrames with the CSV files' columns, as one transaction.

        Amounts are decimal.Decimal or str (ints too); a float, or a float column, is refused with a TypeError.
        Dates are str 'YYYY-MM-DD', datetime.date, or a datetime64 column at midnight. Messages name rows as
        'events (DataFrame):LINE: column: reason', LINE being the row's position + 2, as for the same frame
        written with to_csv(index=False) and imported with `commonweal import`. timebanks= and members= are the
        named time banks' frames (hours as Decimal or str, like amounts)."""
        frames = ((citizens, "citizens"), (events, "events"), (providers, "providers"), (timebanks, "timebanks"),
                  (members, "members"))
        if all(frame is None for frame, _ in frames):
            raise TypeError("import_frame: give at least one of events=, citizens=, providers=, timebanks=, members=")
        texts = [None if frame is None else frame_to_csv(frame, kind) for frame, kind in frames]
        return Change(**self._core.import_text(*texts))

    def advance(self, to) -> Change:
        """Moves the clock forward to the date, posting R8 indexation and R9 settlement up to it."""
        return Change(**self._core.advance(date_text(to, "to")))

    # Reading

    def balance(self, account: str, as_of=None, as_known_at=None) -> Decimal:
        """One account's balance (decimal.Decimal): postings effective on or before as_of, recorded at or
        before as_known_at (a date means the end of that day, UTC)."""
        return self._core.balance(account, optional_date_text(as_of, "as_of"), moment_text(as_known_at))

    def statement(self, citizen: str, tax_year: str, as_known_at=None) -> Statement:
        """The citizen's annual statement for tax_year ('2024-25'), as known at a moment (default: now)."""
        return Statement(self._core.statement(citizen, tax_year, moment_text(as_known_at)))

    def budget_statement(self, citizen: str, month: str, as_known_at=None) -> dict:
        """The citizen's personal budget for a calendar month ('2024-07'), as known at a moment (default: now).

        A dict as `commonweal budget-statement --format json` writes it, every amount a decimal.Decimal:
        opening_balance and closing_balance ({council, own, total}), and transactions, each with date, event,
        kind, code, counterparty, council, own and the running balance after it."""
        return _decimals(json.loads(self._core.budget_statement_json(citizen, month, moment_text(as_known_at))))

    def timebank_statement(self, bank: str, member: str, start=None, end=None, year=None, as_known_at=None) -> dict:
        """A member's (an organisation's, or "chest") hours in a named time bank from start to end (dates, both
        inclusive) or over a calendar year, as known at a moment (default: now).

        A dict as `commonweal timebank-statement --format json` writes it, hours as decimal.Decimal:
        opening_balance, given, received, granted, donated_in, donated_out, closing_balance, credit_limit."""
        if year is not None:
            if start is not None or end is not None:
                raise TypeError("timebank_statement: year= excludes start= and end=")
            start, end = f"{int(year):04d}-01-01", f"{int(year):04d}-12-31"
        if start is None or end is None:
            raise TypeError("timebank_statement: give start= and end=, or year=")
        text = self._core.timebank_statement_json(bank, member, date_text(start, "start"), date_text(end, "end"),
                                                  moment_text(as_known_at))
        return {key: Decimal(value) if key in _HOURS and value is not None else value
                for key, value in json.loads(text).items()}

    def refusals(self) -> list[dict]:
        """The learning-account spends the rules refused (the store's log), amount as decimal.Decimal."""
        return [{**row, "amount": Decimal(row["amount"])} for row in self._core.refusals()]

    def explain(self, citizen: str, tax_year: str) -> str:
        """Each statement line with the events, rule, parameter values and rounding behind it (text)."""
        return self._core.explain(citizen, tax_year)

    def entries(self, citizen: str | None = None, account: str | None = None, minor_units: bool = False):
        """The journal as a pandas DataFrame, one row per posting, in journal order.

        Columns: position, entry_id, effective_date (datetime64), recorded_at (datetime64, UTC), code, memo,
        reverses, account, unit, line, amount (decimal.Decimal, exact, the unit's two decimals);
        minor_units=True adds amount_minor (int64 pence, or hundredths of an hour).
        citizen= keeps the postings to that citizen's accounts; account= those to one account."""
        return journal_frame(self._core.journal_table(citizen, account), minor_units)

    def parameter(self, name: str, on):
        """A scheme parameter's value on a date: decimal.Decimal as written ('0.10' keeps two decimals),
        a bool, or None when it has no value then."""
        return self._core.parameter(name, date_text(on, "on"))

    def citizens(self) -> list[str]:
        """Every citizen's id, in order."""
        return self._core.citizen_ids()

    @property
    def clock(self) -> str | None:
        """The date the clock was last advanced to, or None."""
        return self._core.clock()

    @property
    def chain_head(self) -> str:
        return self._core.chain_head()

    @property
    def scheme_info(self) -> dict:
        """Names and SHA-256 of the scheme and reform in force, and when they were installed."""
        return self._core.scheme_info()

    @property
    def path(self) -> str:
        return self._core.path()

    def verify(self, anchor: str | None = None) -> VerifyReport:
        """Checks both hash chains, every recorded chain head (and anchor) and every invariant.

        Returns the report when all holds; raises VerificationError (.problems) otherwise."""
        return VerifyReport(**self._core.verify(anchor))

    # Lifetime

    def close(self) -> None:
        """Closes the file; further calls raise InputError."""
        self._core.close()

    @property
    def closed(self) -> bool:
        return self._core.closed

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<commonweal.Ledger {'closed' if self.closed else self.path}>"


_AMOUNTS = {"council", "own", "total"}
_HOURS = {"credit_limit", "opening_balance", "given", "received", "granted", "donated_in", "donated_out",
          "closing_balance"}


def _decimals(value, key=None):
    """The budget statement's amounts (strings with two decimals) as decimal.Decimal, exactly."""
    if isinstance(value, dict):
        return {k: _decimals(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return Decimal(value) if key in _AMOUNTS and isinstance(value, str) else value

"""commonweal: citizen social welfare accounts, from Python (docs/python.md).

    import commonweal as cw
    led = cw.Ledger.create(":memory:", scheme=cw.REFERENCE_SCHEME)
    led.import_frame(citizens=citizens_df, events=events_df)   # amounts as Decimal or str, never float
    st = led.statement("C0001", "2024-25")
    st.social_account.closing_balance                          # decimal.Decimal

Money and hours come in and go out as decimal.Decimal, exactly; a float is refused with a TypeError.
The C++ core is commonweal._core; population simulation (cw.simulate, cw.distributed) will be
added beside Ledger as further modules of this package.
"""
from pathlib import Path as _Path

from ._core import (
    Error,
    InputError,
    LedgerEnvironmentError,
    NotFoundError,
    RefusedError,
    VerificationError,
    __version__,
)
from ._ledger import Change, Ledger, VerifyReport
from ._statement import Section, Statement

#: The reference scheme (examples/schemes/cswa-reference.yaml), shipped with the package.
REFERENCE_SCHEME = str(_Path(__file__).resolve().parent / "schemes" / "cswa-reference.yaml")

__all__ = [
    "Change",
    "Error",
    "InputError",
    "Ledger",
    "LedgerEnvironmentError",
    "NotFoundError",
    "REFERENCE_SCHEME",
    "RefusedError",
    "Section",
    "Statement",
    "VerificationError",
    "VerifyReport",
    "__version__",
]

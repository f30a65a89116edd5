"""commonweal: citizen social welfare accounts, from Python (docs/python.md).

    import commonweal as cw
    led = cw.Ledger.create(":memory:", scheme=cw.REFERENCE_SCHEME)
    led.import_frame(citizens=citizens_df, events=events_df)   # amounts as Decimal or str, never float
    st = led.statement("C0001", "2024-25")
    st.social_account.closing_balance                          # decimal.Decimal

    res = cw.simulate(cw.REFERENCE_SCHEME, population=cw.synthetic_population(n=1000, seed=1),
                      start=2025, years=50)
    res.by_citizen; res.summary(by="birth_cohort"); res.compare(reformed)
    cw.distributed.simulate(client, ...)                       # the same on a dask.distributed Client

Money and hours come in and go out as decimal.Decimal, exactly; a float is refused with a TypeError.
The C++ core is commonweal._core.
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
from . import distributed
from ._ledger import Change, Ledger, VerifyReport
from ._simulation import (
    UK_ASSUMPTIONS,
    Comparison,
    SimulationResult,
    SyntheticPopulation,
    simulate,
    synthetic_population,
)
from ._statement import Section, Statement

#: The reference scheme (examples/schemes/cswa-reference.yaml), shipped with the package.
REFERENCE_SCHEME = str(_Path(__file__).resolve().parent / "schemes" / "cswa-reference.yaml")

__all__ = [
    "Change",
    "Comparison",
    "Error",
    "InputError",
    "Ledger",
    "LedgerEnvironmentError",
    "NotFoundError",
    "REFERENCE_SCHEME",
    "RefusedError",
    "Section",
    "SimulationResult",
    "Statement",
    "SyntheticPopulation",
    "UK_ASSUMPTIONS",
    "VerificationError",
    "VerifyReport",
    "__version__",
    "distributed",
    "simulate",
    "synthetic_population",
]

"""Population simulation from Python (docs/python.md, docs/simulation.md): a synthetic population
described by its size and seed, runs through the scheme's own rules in C++, and their results as
DataFrames whose money columns are decimal.Decimal, exactly."""
from __future__ import annotations

import dataclasses as _dataclasses
import numbers as _numbers
import os as _os
from pathlib import Path as _Path

from . import _core
from ._frames import _EXACT
from ._frames import decimals as _decimals

#: The population assumptions (examples/simulation/uk-assumptions.yaml), shipped with the package;
#: the same figures `commonweal simulate` has built in.
UK_ASSUMPTIONS = str(_Path(__file__).resolve().parent / "simulation" / "uk-assumptions.yaml")

GROUPINGS = ("birth_cohort", "decile", "region")
STATISTICS = ("total", "mean", "simulated")


def _whole(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, _numbers.Integral):
        raise TypeError(f"{what}: expected a whole number, got {type(value).__name__}")
    if not low <= int(value) <= high:
        raise ValueError(f"{what} must be from {low} to {high}, not {value}")
    return int(value)


@_dataclasses.dataclass(frozen=True)
class SyntheticPopulation:
    """A seeded synthetic population, described, not generated: the C++ generator makes citizen i's
    life on demand from (assumptions, seed, i) alone, so any range of citizens can run anywhere and
    give the same rows. Make one with synthetic_population()."""

    n: int
    seed: int
    assumptions: str

    def partitions(self, parts: int) -> list[range]:
        """parts contiguous ranges of citizen indexes, as equal as can be, covering 0..n-1 once."""
        parts = _whole(parts, "partitions", 1, self.n)
        return [range(self.n * k // parts, self.n * (k + 1) // parts) for k in range(parts)]


def synthetic_population(n: int, seed: int, assumptions=None) -> SyntheticPopulation:
    """n citizens drawn with seed under assumptions (a YAML file; None: UK_ASSUMPTIONS). Cheap."""
    n = _whole(n, "n", 1, 100_000_000)
    seed = _whole(seed, "seed", 0, 2**64 - 1)
    path = UK_ASSUMPTIONS if assumptions is None else _os.fspath(assumptions)
    return SyntheticPopulation(n=n, seed=seed, assumptions=path)


def parameter_text(path, what: str) -> tuple[str, str]:
    """(name, YAML text) of a parameter file, read here so that workers elsewhere need not see it."""
    if not isinstance(path, (str, _os.PathLike)):
        raise TypeError(f"{what}: expected a path (str or os.PathLike), got {type(path).__name__}")
    return _os.fspath(path), _Path(path).read_bytes().decode("utf-8")


@_dataclasses.dataclass(frozen=True)
class RunRequest:
    """Everything a run (or a part of one) needs, as plain values: what crosses to Dask workers."""

    scheme: tuple[str, str]
    assumptions: tuple[str, str]
    reform: tuple[str, str] | None
    population: SyntheticPopulation
    start: int
    years: int
    threads: int

    def run(self, first_citizen: int = 0, citizen_count: int | None = None):
        """The C++ runner (the GIL released) on citizens first_citizen .. first_citizen + citizen_count - 1."""
        return _core.simulate(self.scheme, self.assumptions, self.reform, self.population.n, self.population.seed,
                              self.start, self.years, self.threads, first_citizen, citizen_count)


def run_request(scheme, population, start, years, reform, threads) -> RunRequest:
    if not isinstance(population, SyntheticPopulation):
        raise TypeError("population: expected cw.synthetic_population(n=..., seed=...), "
                        f"got {type(population).__name__}")
    return RunRequest(
        scheme=parameter_text(scheme, "scheme"),
        assumptions=parameter_text(population.assumptions, "assumptions"),
        reform=None if reform is None else parameter_text(reform, "reform"),
        population=population,
        start=_whole(start, "start", 1900, 2200),
        years=_whole(years, "years", 1, 200),
        threads=0 if threads is None else _whole(threads, "threads", 1, 1024),
    )


def simulate(scheme, population: SyntheticPopulation, start: int = 2025, years: int = 50, reform=None,
             threads: int | None = None) -> "SimulationResult":
    """Runs population through the scheme's rules (scheme, reform: YAML files) for years tax years from
    start-(start+1), on threads threads (None: every core). The same figures as `commonweal simulate`."""
    request = run_request(scheme, population, start, years, reform, threads)
    return SimulationResult(request.run(), population, reform)


def _label(by):
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"by must be None or one of {', '.join(GROUPINGS)}, not {by!r}")
    return by


def _statistic(statistic):
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}")
    return statistic


def _flows_frame(rows, statistic: str):
    import pandas as pd

    if statistic not in ("total", "simulated"):
        raise ValueError(f"statistic must be 'total' or 'simulated', not {statistic!r}")
    which = 1 if statistic == "total" else 2
    frame = pd.DataFrame([row[which] for row in rows], index=pd.Index([row[0] for row in rows], name="tax_year"),
                         columns=list(_core.SimulationResult.flow_names))
    return frame


class SimulationResult:
    """A population run (cw.simulate, cw.distributed.simulate): per citizen, by group, by year.

    Money is decimal.Decimal, exactly; 'total' figures are weighted (weight x amount summed: the
    population's pounds), 'simulated' ones the simulated citizens' own, unweighted."""

    def __init__(self, core, population: SyntheticPopulation, reform=None):
        if core.partial:
            raise ValueError("a part of a run: merge the parts with commonweal._core.merge_parts first")
        self._core = core
        self.population = population
        self.reform = None if reform is None else _os.fspath(reform)
        self._by_citizen = None

    start = property(lambda self: self._core.start, doc="the first tax year, start-(start+1)")
    years = property(lambda self: self._core.years)
    events = property(lambda self: self._core.events, doc="events the rules applied")
    entries = property(lambda self: self._core.entries, doc="entries the rules posted")
    sources = property(lambda self: self._core.sources, doc="(role, file name, SHA-256) of each parameter file")
    measures = tuple(_core.SimulationResult.measure_names)

    def __repr__(self):
        return (f"<commonweal.SimulationResult {self.population.n} citizens, seed {self.population.seed}, "
                f"{self.start}+{self.years} years{', reform ' + self.reform if self.reform else ''}>")

    @property
    def by_citizen(self):
        """One row per citizen (index: the citizen's index), the columns of `commonweal simulate`'s CSV:
        dates as datetime64 (NaT: none), weight and every measure as decimal.Decimal (pounds, or hours
        for volunteer_hours). Built once; copy before changing it."""
        if self._by_citizen is None:
            self._by_citizen = _citizen_frame(self._core.citizen_columns())
        return self._by_citizen

    def summary(self, by: str | None = "birth_cohort", statistic: str = "total"):
        """One row per group (by: 'birth_cohort', 'decile' (lifetime earnings, D01..D10 and none),
        'region', or None for the total): citizens, weight (people represented), and every measure as
        statistic: 'total' weighted sums, 'mean' weighted means per person (2 decimals, half-even),
        'simulated' unweighted sums. Exact Decimals, equal to the sums of by_citizen's rows."""
        import pandas as pd

        by, statistic = _label(by), _statistic(statistic)
        which = {"total": 3, "simulated": 4, "mean": 5}[statistic]
        rows = self._core.groups(by)
        frame = pd.DataFrame([row[which] for row in rows], columns=list(self.measures),
                             index=pd.Index([row[0] for row in rows], name=by or "group"))
        frame.insert(0, "weight", [row[2] for row in rows])
        frame.insert(0, "citizens", [row[1] for row in rows])
        return frame

    def flows(self, statistic: str = "total"):
        """The fund's flows in each tax year (rows) by kind (columns): 'total' weighted, or 'simulated'."""
        return _flows_frame(self._core.flows(), statistic)

    def compare(self, other: "SimulationResult") -> "Comparison":
        """This run as the baseline against other (a reform of the same population): winners and losers."""
        if not isinstance(other, SimulationResult):
            raise TypeError(f"compare: expected a SimulationResult, got {type(other).__name__}")
        return Comparison(self, other)

    def to_csv(self, path=None):
        """The CSV `commonweal simulate --out` writes for the same run: returned, or written to path."""
        text = self._core.to_csv()
        if path is None:
            return text
        _Path(path).write_text(text)
        return None

    def summary_text(self) -> str:
        """The summary `commonweal simulate` prints."""
        return self._core.summary_text()


def _dates(texts):
    import pandas as pd

    return pd.to_datetime(pd.Series(texts, dtype=object), format="%Y-%m-%d")


def _citizen_frame(columns: dict):
    import numpy as np
    import pandas as pd

    hundredths = columns["hundredths"]
    scales = np.full(len(columns["index"]), 2)
    frame = {
        "citizen": columns["citizen"],
        "birth_date": _dates(columns["birth_date"]).to_numpy(),
        "death_date": _dates(columns["death_date"]).to_numpy(),
        "sex": columns["sex"],
        "region": columns["region"],
        "cohort": columns["cohort"],
        "weight": _decimals_of_text(columns["weight"]),
        "state_pension_age_date": _dates(columns["state_pension_age_date"]).to_numpy(),
        "settled": columns["settled"],
        "earnings_decile": columns["earnings_decile"],
    }
    for m, name in enumerate(_core.SimulationResult.measure_names):
        frame[name] = _decimals(hundredths[:, m], scales)
    return pd.DataFrame(frame, index=pd.Index(columns["index"], name="index"))


def _decimals_of_text(texts):
    import decimal

    import numpy as np

    result = np.empty(len(texts), dtype=object)
    distinct = {text: decimal.Decimal(text) for text in set(texts)}
    result[:] = [distinct[text] for text in texts]
    return result


class Comparison:
    """A baseline run against a reform of the same population, citizen by citizen: each one's gain is
    the reform's net_position minus the baseline's (docs/simulation.md)."""

    def __init__(self, baseline: SimulationResult, reform: SimulationResult):
        self.baseline, self.reform = baseline, reform
        self._core = _core.compare(baseline._core, reform._core)

    def __repr__(self):
        total = self._core.groups(None)[0]
        return f"<commonweal.Comparison {total[1]} citizens: {total[2]} winners, {total[3]} losers>"

    @property
    def by_citizen(self):
        """One row per citizen: its groups (the baseline's decile), weight, net_position under each run,
        gain (Decimal) and outcome ('winner', 'loser' or 'unchanged')."""
        import numpy as np

        base, reform = self.baseline.by_citizen, self.reform.by_citizen
        frame = base[["citizen", "cohort", "region", "earnings_decile", "weight"]].copy()
        frame["baseline"] = base["net_position"]
        frame["reform"] = reform["net_position"]
        gains = np.empty(len(frame), dtype=object)
        gains[:] = list(map(_EXACT.subtract, reform["net_position"], base["net_position"]))
        frame["gain"] = gains
        sign = np.array([(gain > 0) - (gain < 0) for gain in gains], dtype=int)
        frame["outcome"] = np.select([sign > 0, sign < 0], ["winner", "loser"], "unchanged")
        return frame

    def summary(self, by: str | None = "birth_cohort"):
        """One row per group: citizens, winners, losers (counts), weight, winners_weight, losers_weight
        (people represented) and gain (the weighted sum of gains, population pounds), Decimals."""
        import pandas as pd

        rows = self._core.groups(_label(by))
        columns = ["citizens", "winners", "losers", "weight", "winners_weight", "losers_weight", "gain"]
        return pd.DataFrame([row[1:] for row in rows], columns=columns,
                            index=pd.Index([row[0] for row in rows], name=by or "group"))

    def cost_by_year(self, statistic: str = "total"):
        """The reform's flows minus the baseline's, by tax year: 'total' weighted, or 'simulated'."""
        return _flows_frame(self._core.cost_by_year(), statistic)

    def to_text(self) -> str:
        """The winners, losers and cost by year `commonweal simulate --reform` prints."""
        return self._core.to_text()

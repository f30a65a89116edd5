"""cw.distributed.simulate: a population run on a dask.distributed Client (docs/python.md).

The population is split by citizen index into contiguous parts, one task each; every task runs the
C++ runner on its part (the GIL released) and returns its per-citizen rows and flows; the parts are
merged in C++ (merge_parts) with exact Decimal sums and every weight kept, then deciles and every
aggregate are computed once over the whole population. The result equals cw.simulate's for the same
arguments, whatever the number of workers or parts (tested on a LocalCluster of 2 processes).

Dask is imported only when simulate() is called; workers need this package importable."""
from __future__ import annotations

from . import _core
from ._simulation import RunRequest, SimulationResult, SyntheticPopulation, run_request

__all__ = ["simulate"]


def run_part(request: RunRequest, first_citizen: int, citizen_count: int):
    """One task: citizens first_citizen .. first_citizen + citizen_count - 1 (a _core.SimulationResult)."""
    return request.run(first_citizen, citizen_count)


def simulate(client, scheme, population: SyntheticPopulation, start: int = 2025, years: int = 50, reform=None,
             threads: int | None = None, partitions: int | None = None) -> SimulationResult:
    """cw.simulate's run on client's workers, in partitions parts (None: one per worker), each part on
    threads threads of its worker (None: every core). The parameter files are read here, once, and
    their text sent with the tasks."""
    from distributed import Client

    if not isinstance(client, Client):
        raise TypeError(f"client: expected a dask.distributed.Client, got {type(client).__name__}")
    request = run_request(scheme, population, start, years, reform, threads)
    if partitions is None:
        partitions = min(max(1, len(client.scheduler_info()["workers"])), population.n)
    parts = population.partitions(partitions)
    futures = [client.submit(run_part, request, part.start, len(part), pure=False) for part in parts]
    merged = _core.merge_parts(client.gather(futures))
    return SimulationResult(merged, population, reform)

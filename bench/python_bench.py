"""The Python package beside what it is compared with, in the same run (issue 6).

1. Import: the same synthetic events (bench/engine_bench.py's population,
   seeded) imported into a fresh ledger file twice: by `commonweal import`
   from CSV files (the CLI, timed as a process), and by
   Ledger.import_frame from pandas DataFrames whose amounts are
   decimal.Decimal (timed around the call; the frames are built before the
   clock starts). The two alternate, --repeat times each, and the fastest
   run of each counts (the machine is shared). Target: the bindings take at
   most 25% more time.
2. Read: every posting of that ledger back as a DataFrame with
   Ledger.entries() (amounts as decimal.Decimal), beside Python's sqlite3
   module reading the same rows from the `journal` view with fetchall()
   (the floor), in the same run. Target: under 5 s for at least 1,000,000
   entries.

Usage: /usr/bin/python3 bench/python_bench.py --bin build/commonweal --package build/python
       [--citizens 20000] [--events-per-citizen 50] [--seed 1] [--repeat 2] [--work DIR]
Exit status 0 when both targets are met, 1 otherwise.
"""
import argparse
import decimal
import gc
import io
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from engine_bench import SOURCE, population  # noqa: E402

SCHEME = SOURCE / "examples" / "schemes" / "cswa-reference.yaml"


def timed(work):
    gc.collect()
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def bench_import(args, folder, cw, pd):
    citizens_csv, events_csv = population(args.citizens, args.events_per_citizen, args.seed)
    (folder / "citizens.csv").write_text(citizens_csv)
    (folder / "events.csv").write_text(events_csv)
    citizens = pd.read_csv(io.StringIO(citizens_csv), dtype=str, keep_default_na=False)
    events = pd.read_csv(io.StringIO(events_csv), dtype=str, keep_default_na=False)
    events["amount"] = events["amount"].map(decimal.Decimal)
    events_count = len(events)

    def run_cli(db):
        subprocess.run([args.bin, "init", db, "--scheme", SCHEME], check=True, capture_output=True)
        return subprocess.run([args.bin, "import", db, "--citizens", folder / "citizens.csv", "--events",
                               folder / "events.csv"], check=True, capture_output=True, text=True).stdout

    def run_python(db):
        with cw.Ledger.create(db, scheme=SCHEME) as led:
            return led.import_frame(events=events, citizens=citizens)

    # Alternating (CLI, Python, Python, CLI, ...) so that neither side always runs on a busier machine;
    # the fastest run of each counts.
    cli_runs, python_runs, python_db = [], [], None
    for run in range(args.repeat):
        for side in (("cli", "python") if run % 2 == 0 else ("python", "cli")):
            db = folder / f"{side}{run}.db"
            if side == "cli":
                out, seconds = timed(lambda: run_cli(db))
                cli_runs.append(seconds)
            else:
                change, seconds = timed(lambda: run_python(db))
                python_runs.append(seconds)
                python_db = db
            print(f"  run {run + 1}: {side:6} {seconds:6.2f} s", flush=True)
    assert f"{change.events_added} events added, {change.entries_posted} entries posted" in out, out
    cli_seconds, py_seconds = min(cli_runs), min(python_runs)
    ratio = py_seconds / cli_seconds
    print(f"import of {events_count:,} events ({len(citizens):,} citizens, {change.entries_posted:,} entries), "
          f"fastest of {args.repeat}:")
    print(f"  commonweal import (CSV files, the CLI):        {cli_seconds:6.2f} s  {events_count / cli_seconds:,.0f} events/s")
    print(f"  Ledger.import_frame (DataFrames, Decimal):     {py_seconds:6.2f} s  {events_count / py_seconds:,.0f} events/s")
    print(f"  bindings / CLI: {ratio:.2f} (target at most 1.25)")
    return python_db, ratio <= 1.25


def bench_read(db, cw):
    def floor():
        connection = sqlite3.connect(db)
        rows = connection.execute("SELECT * FROM journal").fetchall()
        connection.close()
        return rows

    rows, floor_seconds = timed(floor)
    led = cw.Ledger.open(db)
    frame, seconds = timed(led.entries)
    entries = frame["position"].nunique()
    led.close()
    assert len(frame) == len(rows), (len(frame), len(rows))
    assert sum(frame["amount"]) == 0  # every entry balances, and this ledger has one unit per entry
    print(f"reading {entries:,} entries ({len(frame):,} postings) back:")
    print(f"  sqlite3 module, SELECT * FROM journal, fetchall (floor): {floor_seconds:6.2f} s")
    print(f"  Ledger.entries() as a DataFrame, Decimal amounts:       {seconds:6.2f} s  "
          f"({seconds / floor_seconds:.2f}x the floor; target under 5 s)")
    return entries >= 1_000_000 and seconds < 5.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the commonweal CLI")
    parser.add_argument("--package", required=True, help="the directory holding the commonweal package")
    parser.add_argument("--citizens", type=int, default=20000)
    parser.add_argument("--events-per-citizen", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each import, alternating")
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(pathlib.Path(args.package).resolve()))
    import pandas as pd

    import commonweal as cw

    with tempfile.TemporaryDirectory(dir=args.work) as folder:
        db, import_met = bench_import(args, pathlib.Path(folder), cw, pd)
        read_met = bench_read(db, cw)
    met = import_met and read_met
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""The engine beside the pure-Python model of the same rules, on the same events.

Generates a seeded synthetic population (tax, care levy, benefits, services,
volunteering over many years), runs the C++ engine (bench/engine_bench.cpp)
and tests/python/rules_model.py on the same CSV files, checks that both give
the same checksum (the sum of every citizen's social balance, exactly), and
prints events per second for both and the ratio: by the wall clock (the
target) and by the CPU time of the thread doing the work (the machine may be
shared; a busy neighbour slows the wall clock, much less the CPU time).

Usage: /usr/bin/python3 bench/engine_bench.py --binary build/bench/engine_bench
       [--citizens 20000] [--events-per-citizen 50] [--python-citizens 2000] [--seed 1]
The Python model runs on the first --python-citizens citizens only (it is slow);
its rate is per event, so the ratio compares like with like.
"""
import argparse
import datetime as dt
import decimal
import pathlib
import random
import subprocess
import sys
import tempfile
import time

SOURCE = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SOURCE / "tests" / "python"))
import rules_model  # noqa: E402

KINDS = [("tax", "income_tax"), ("tax", "national_insurance"), ("tax", "care_levy"), ("benefit", "child_benefit"),
         ("benefit", "pip"), ("service", "gp_visit"), ("service", "social_care"), ("volunteer", "food-bank")]


def population(citizens, per_citizen, seed):
    rng = random.Random(seed)
    citizen_rows = ["citizen,birth_date"]
    event_rows = ["id,date,citizen,kind,code,amount"]
    for c in range(citizens):
        birth = dt.date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        citizen_rows.append(f"C{c},{birth.isoformat()}")
        first_year = max(birth.year + 16, 2011)
        days = sorted(rng.randrange(0, (dt.date(2025, 4, 5) - dt.date(first_year, 1, 1)).days) for _ in range(per_citizen))
        for n, offset in enumerate(days):
            kind, code = KINDS[rng.randrange(len(KINDS))]
            cents = rng.randrange(1, 500) if kind == "volunteer" else rng.randrange(1, 300000)
            on = dt.date(first_year, 1, 1) + dt.timedelta(days=offset)
            event_rows.append(f"E{c}_{n},{on.isoformat()},C{c},{kind},{code},{cents // 100}.{cents % 100:02d}")
    return "\n".join(citizen_rows) + "\n", "\n".join(event_rows) + "\n"


def run_on_population(binary, citizens, per_citizen, seed, extra=(), work=None):
    """Writes the seeded population as CSV in a scratch folder, runs a benchmark
    program on it (--scheme, --citizens, --events, --work and extra), and
    returns its "name value" lines as a dict of strings."""
    with tempfile.TemporaryDirectory(dir=work) as folder:
        folder = pathlib.Path(folder)
        citizens_csv, events_csv = population(citizens, per_citizen, seed)
        (folder / "citizens.csv").write_text(citizens_csv)
        (folder / "events.csv").write_text(events_csv)
        out = subprocess.run([binary, "--scheme", str(SOURCE / "examples/schemes/cswa-reference.yaml"),
                              "--citizens", str(folder / "citizens.csv"), "--events", str(folder / "events.csv"),
                              "--work", str(folder / "db"), *extra],
                             capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def run_engine(binary, scheme, citizens_csv, events_csv, folder):
    (folder / "citizens.csv").write_text(citizens_csv)
    (folder / "events.csv").write_text(events_csv)
    out = subprocess.run([binary, "--scheme", str(scheme), "--citizens", str(folder / "citizens.csv"),
                          "--events", str(folder / "events.csv"), "--advance-to", "2025-04-05"],
                         capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.strip().splitlines())


def run_model(scheme, citizens_csv, events_csv):
    params = rules_model.load_parameters(str(scheme))
    with decimal.localcontext(rules_model.EXACT):
        citizens = rules_model.read_citizens(citizens_csv)
        events = rules_model.read_events(events_csv, citizens)
        ledger = rules_model.Ledger(params, citizens, {}, dt.date(2025, 4, 5))
        start, cpu_start = time.perf_counter(), time.thread_time()
        rules_model.replay(ledger, events)
        seconds, cpu_seconds = time.perf_counter() - start, time.thread_time() - cpu_start
        checksum = sum(ledger.social.values(), decimal.Decimal(0))
    return len(events), seconds, cpu_seconds, checksum


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--citizens", type=int, default=20000)
    parser.add_argument("--events-per-citizen", type=int, default=50)
    parser.add_argument("--python-citizens", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scheme = SOURCE / "examples" / "schemes" / "cswa-reference.yaml"
    citizens_csv, events_csv = population(args.citizens, args.events_per_citizen, args.seed)
    small_citizens, small_events = population(args.python_citizens, args.events_per_citizen, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        full = run_engine(args.binary, scheme, citizens_csv, events_csv, folder)
        small = run_engine(args.binary, scheme, small_citizens, small_events, folder)
    events, model_seconds, model_cpu_seconds, model_checksum = run_model(scheme, small_citizens, small_events)
    if decimal.Decimal(small["checksum"]) != model_checksum:
        sys.exit(f"checksums differ: engine {small['checksum']}, model {model_checksum}")
    engine_events = int(full["events"])
    engine_seconds = float(full["import_seconds"]) + float(full["advance_seconds"])
    engine_cpu_seconds = float(full["import_cpu_seconds"]) + float(full["advance_cpu_seconds"])
    engine_rate = engine_events / engine_seconds
    engine_cpu_rate = engine_events / engine_cpu_seconds
    model_rate = events / model_seconds
    model_cpu_rate = events / model_cpu_seconds
    print(f"engine: {engine_events} events ({args.citizens} citizens), import {float(full['import_seconds']):.3f} s "
          f"+ advance {float(full['advance_seconds']):.3f} s = {engine_rate:,.0f} events/s, {full['entries']} entries")
    print(f"        CPU time: import {float(full['import_cpu_seconds']):.3f} s + advance "
          f"{float(full['advance_cpu_seconds']):.3f} s = {engine_cpu_rate:,.0f} events per CPU-second")
    print(f"model:  {events} events ({args.python_citizens} citizens) in {model_seconds:.3f} s = {model_rate:,.0f} events/s"
          f" ({model_cpu_rate:,.0f} per CPU-second; same checksum {model_checksum} as the engine on those events)")
    met = engine_rate >= 1_000_000
    print(f"ratio engine/model: {engine_rate / model_rate:.1f}x ({engine_cpu_rate / model_cpu_rate:.1f}x in CPU time); "
          f"target 1,000,000 events/s on one core: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

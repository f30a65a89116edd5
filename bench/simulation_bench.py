"""The population runner beside two Python versions of the same population's rules, in the same run.

1. C++: bench/simulation_bench (build/bench/simulation_bench): synthetic lives generated and run
   through rules R1-R9 by the ledger's own engine, on --threads threads, for --population citizens.
2. Pure Python with decimal: tests/python/rules_model.py (the independent model of the rules the
   tests compare with), replaying the same citizens' events exported by the C++ program, on the
   first --python-population citizens. Its checksum (the exact sum of closing social balances) must
   equal the C++ runner's on the same citizens.
3. numpy with float64, "as an analyst would write it": the same events as arrays, contributions and
   charges vectorised, one loop over tax years for indexation and settlement, no rounding points.
   Its checksum is printed beside the exact one to show the float error.

Rates are citizen-years per second (tax years in which a citizen was alive at least one day). The
Python versions are timed on the rules only: reading the CSV and generating the lives are outside
their clocks (the C++ figure includes generating the lives), which favours Python.

Usage: /usr/bin/python3 bench/simulation_bench.py --binary build/bench/simulation_bench
       [--population 20000] [--python-population 1000] [--years 50] [--threads 2] [--seed 1]
       [--memory-population 0]   (a further C++ run for peak memory, e.g. 1000000)
Exit status 0 when the C++ rate reaches 5,000,000 citizen-years/s, 1 otherwise.
"""
import argparse
import datetime as dt
import decimal
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

SOURCE = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SOURCE / "tests" / "python"))
import rules_model  # noqa: E402

SCHEME = SOURCE / "examples" / "schemes" / "cswa-reference.yaml"
ASSUMPTIONS = SOURCE / "examples" / "simulation" / "uk-assumptions.yaml"


def run_cpp(binary, population, years, threads, seed, export=None):
    command = [binary, "--population", str(population), "--years", str(years), "--threads", str(threads),
               "--seed", str(seed)]
    if export:
        command += ["--export", str(export)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.strip().splitlines())


def citizen_years(citizens, first_year, years):
    count = 0
    for c in citizens.values():
        for year in range(first_year, first_year + years):
            first, last = dt.date(year, 4, 6), dt.date(year + 1, 4, 5)
            if c.birth <= last and (c.death is None or c.death >= first):
                count += 1
    return count


def run_decimal_model(folder, first_year, years):
    params = rules_model.load_parameters(str(SCHEME)).with_reform(rules_model.load_parameters(str(ASSUMPTIONS)))
    clock = dt.date(first_year + years, 4, 5)
    with decimal.localcontext(rules_model.EXACT):
        citizens = rules_model.read_citizens((folder / "citizens.csv").read_text())
        events = rules_model.read_events((folder / "events.csv").read_text(), citizens)
        ledger = rules_model.Ledger(params, citizens, {}, clock)
        start = time.perf_counter()
        rules_model.replay(ledger, events)
        seconds = time.perf_counter() - start
        checksum = sum(ledger.social.values(), decimal.Decimal(0))
    return citizen_years(citizens, first_year, years), seconds, checksum


def run_numpy_model(folder, first_year, years):
    """Float64 arrays, vectorised per tax year: what an analyst would write for a quick estimate."""
    import csv
    with open(folder / "citizens.csv") as f:
        rows = list(csv.DictReader(f))
    index = {r["citizen"]: i for i, r in enumerate(rows)}
    n = len(rows)
    day0 = dt.date(1970, 1, 1)
    death = np.array([(dt.date.fromisoformat(r["death_date"]) - day0).days if r["death_date"] else 10**6 for r in rows])
    with open(folder / "spa.csv") as f:
        spa = np.array([(dt.date.fromisoformat(r["state_pension_age_date"]) - day0).days for r in csv.DictReader(f)])
    with open(folder / "events.csv") as f:
        ev = list(csv.DictReader(f))
    who = np.array([index[e["citizen"]] for e in ev])
    day = np.array([(dt.date.fromisoformat(e["date"]) - day0).days for e in ev])
    amount = np.array([float(e["amount"]) for e in ev])
    kind = np.array([e["kind"] for e in ev])
    code = np.array([e["code"] for e in ev])

    start = time.perf_counter()
    share = np.where(code == "income_tax", 0.10, np.where(code == "national_insurance", 0.25, 0.0))
    debit = np.isin(code, ["child_benefit", "student_grant", "parental_leave", "early_retirement"])
    effect = np.where(kind == "tax", share * amount, 0.0)
    effect -= np.where((kind == "benefit") & debit, amount, 0.0)
    effect -= np.where((kind == "service") & (code == "social_care"), 0.10 * amount, 0.0)
    effect += np.where(kind == "volunteer", np.ceil(amount * 4) / 4 * 11.44 * 0.5, 0.0)
    effect[day >= spa[who]] = 0.0  # settled: the social account takes no more entries
    balance = np.zeros(n)
    settled = spa < (dt.date(first_year, 4, 6) - day0).days
    for year in range(first_year, first_year + years):
        first, last = (dt.date(year, 4, 6) - day0).days, (dt.date(year + 1, 4, 5) - day0).days
        in_year = (day >= first) & (day <= last)
        balance += np.bincount(who[in_year], weights=effect[in_year], minlength=n)
        settling = ~settled & (spa <= last) & (death >= spa)
        balance[settling] = 0.0
        settled |= settling
        index_now = ~settled & (death >= last) & (balance > 0)
        balance[index_now] *= 1.02
    seconds = time.perf_counter() - start
    return seconds, float(balance.sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--population", type=int, default=20000)
    parser.add_argument("--python-population", type=int, default=1000)
    parser.add_argument("--years", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-population", type=int, default=0)
    args = parser.parse_args()
    first_year = 2025
    full = run_cpp(args.binary, args.population, args.years, args.threads, args.seed)
    one = run_cpp(args.binary, args.population, args.years, 1, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        small = run_cpp(args.binary, args.python_population, args.years, 1, args.seed, export=folder)
        model_years, model_seconds, model_checksum = run_decimal_model(folder, first_year, args.years)
        numpy_seconds, numpy_checksum = run_numpy_model(folder, first_year, args.years)
    if decimal.Decimal(small["checksum"]) != model_checksum:
        sys.exit(f"checksums differ: runner {small['checksum']}, decimal model {model_checksum}")
    rate = int(full["citizen_years"]) / float(full["seconds"])
    rate_one = int(one["citizen_years"]) / float(one["seconds"])
    rate_per_cpu = int(full["citizen_years"]) / float(full["cpu_seconds"])  # what a core gives when it is not shared
    model_rate = model_years / model_seconds
    numpy_rate = model_years / numpy_seconds
    print(f"C++ runner, {args.threads} threads: {full['citizens']} citizens x {full['years']} years, "
          f"{int(full['citizen_years']):,} citizen-years, {int(full['events']):,} events, {float(full['seconds']):.2f} s "
          f"= {rate:,.0f} citizen-years/s; CPU {float(full['cpu_seconds']):.2f} s = {rate_per_cpu:,.0f} citizen-years "
          f"per CPU-second; peak RSS {int(full['peak_rss_kib']) / 1024:.0f} MiB")
    print(f"C++ runner, 1 thread:  {float(one['seconds']):.2f} s = {rate_one:,.0f} citizen-years/s; "
          f"CPU {float(one['cpu_seconds']):.2f} s (2 threads / 1 thread: {rate / rate_one:.2f}x)")
    print(f"pure-Python decimal model ({args.python_population} citizens, rules only): {model_years:,} citizen-years in "
          f"{model_seconds:.2f} s = {model_rate:,.0f} citizen-years/s; checksum {model_checksum} = the runner's")
    print(f"numpy float64 ({args.python_population} citizens, rules only): {numpy_seconds:.4f} s = "
          f"{numpy_rate:,.0f} citizen-years/s; checksum {numpy_checksum:.2f} (exact {model_checksum}, "
          f"off by {abs(decimal.Decimal(repr(numpy_checksum)) - model_checksum):.2f})")
    print(f"ratios: C++ ({args.threads} threads) / pure-Python decimal = {rate / model_rate:.1f}x; "
          f"C++ / numpy float = {rate / numpy_rate:.2f}x")
    if args.memory_population:
        big = run_cpp(args.binary, args.memory_population, args.years, args.threads, args.seed)
        big_rate = int(big["citizen_years"]) / float(big["seconds"])
        print(f"memory run: {big['citizens']} citizens x {big['years']} years: peak RSS "
              f"{int(big['peak_rss_kib']) / 1024:.0f} MiB, {float(big['seconds']):.1f} s ({big_rate:,.0f} citizen-years/s)")
    met = rate >= 5_000_000
    print(f"target 5,000,000 citizen-years/s on 2 cores: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

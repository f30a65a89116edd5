"""The SQLite store's import beside its floor, on the same synthetic events.

Generates the population of bench/engine_bench.py (seeded), runs
bench/store_bench.cpp, and prints events per second for the import
(`commonweal import`: CSV parsing, rules, hashing, SQLite) and for the floor
(raw prepared inserts of exactly the rows the import wrote, in one
transaction, into the same schema), the ratio, and balance query latency.

Targets (issue 4): import at least 60% of the floor's speed and at least
100,000 events per second.

Usage: /usr/bin/python3 bench/store_bench.py --binary build/bench/store_bench
       [--citizens 20000] [--events-per-citizen 50] [--seed 1]
"""
import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from engine_bench import run_on_population  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--citizens", type=int, default=20000)
    parser.add_argument("--events-per-citizen", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=None)
    parser.add_argument("--balance-only", action="store_true",
                        help="skip the floor (it holds every row in memory): for the 10-million-entry balance latency")
    args = parser.parse_args()
    figures = run_on_population(args.binary, args.citizens, args.events_per_citizen, args.seed,
                                extra=["--floor", "no"] if args.balance_only else [], work=args.work)
    events = int(figures["events"])
    if args.balance_only:
        print(f"events {events:,}, entries {int(figures['entries']):,}; import {float(figures['import_seconds']):.1f} s")
        print(f"balance query, citizen account: {float(figures['citizen_balance_query_seconds']) * 1e6:.0f} us; "
              f"as of a date and as known at a moment: {float(figures['citizen_balance_as_of_query_seconds']) * 1e6:.0f} us; "
              f"fund:social (kept as daily totals): {float(figures['fund_balance_query_seconds']) * 1e6:,.0f} us")
        return 0
    import_rate = events / float(figures["import_seconds"])
    floor_rate = events / float(figures["floor_seconds"])
    ratio = import_rate / floor_rate
    print(f"events {events:,}, entries {int(figures['entries']):,}, floor rows {int(figures['floor_rows']):,}")
    print(f"import (CSV, rules, hashes, SQLite): {float(figures['import_seconds']):.2f} s = {import_rate:,.0f} events/s")
    print(f"floor (raw prepared inserts, same rows, same schema): {float(figures['floor_seconds']):.2f} s = "
          f"{floor_rate:,.0f} events/s")
    print(f"ratio import/floor: {ratio:.0%} (target at least 60%)")
    print(f"balance query, citizen account: {float(figures['citizen_balance_query_seconds']) * 1e6:.0f} us; "
          f"as of a date and as known at a moment: {float(figures['citizen_balance_as_of_query_seconds']) * 1e6:.0f} us; "
          f"fund:social ({int(figures['entries']):,} entries' postings, kept as daily totals): "
          f"{float(figures['fund_balance_query_seconds']) * 1e6:,.0f} us")
    import_cpu_rate = events / float(figures["import_cpu_seconds"])
    floor_cpu_rate = events / float(figures["floor_cpu_seconds"])
    print(f"CPU time (the machine may be shared; the import's on both its threads, the floor's one): "
          f"import {float(figures['import_cpu_seconds']):.2f} s "
          f"= {import_cpu_rate:,.0f} events/s, floor {float(figures['floor_cpu_seconds']):.2f} s = {floor_cpu_rate:,.0f} "
          f"events/s, ratio {import_cpu_rate / floor_cpu_rate:.0%}")
    met = ratio >= 0.60 and import_rate >= 100_000
    print("targets met" if met else "TARGET MISSED: at least 60% of the floor and 100,000 events/s")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

"""Annual statements for a whole population, beside the floor.

Generates the seeded population of bench/engine_bench.py (100,000 citizens by
default), runs bench/statement_bench.cpp: statements for 2024-25 with current
knowledge as JSON and as HTML, and as JSON "as known at" an earlier moment,
on every core; and the floor, reading the same entries (postings in their `lines`) from the
SQLite file with nothing formatted. Prints statements per second and the
floor's time.

Targets (issue 5): at least 20,000 JSON statements per second and 5,000 HTML
statements per second on this 2-core machine.

Usage: /usr/bin/python3 bench/statement_bench.py --binary build/bench/statement_bench
       [--citizens 100000] [--events-per-citizen 10] [--seed 1]
"""
import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from engine_bench import run_on_population  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--events-per-citizen", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    f = run_on_population(args.binary, args.citizens, args.events_per_citizen, args.seed)
    n = int(f["citizens"])
    json_rate = n / float(f["json_seconds"])
    html_rate = n / float(f["html_seconds"])
    known_rate = n / float(f["as_known_at_json_seconds"])
    print(f"{n:,} citizens, {int(f['entries']):,} entries, {f['threads'].strip()} threads; "
          f"engine loaded from the file in {float(f['load_seconds']):.2f} s")
    print(f"JSON statements: {json_rate:,.0f}/s ({float(f['json_seconds']):.2f} s; target 20,000/s)")
    print(f"HTML statements: {html_rate:,.0f}/s ({float(f['html_seconds']):.2f} s; target 5,000/s)")
    print(f"JSON statements as known at an earlier moment: {known_rate:,.0f}/s")
    print(f"floor: reading the same {int(f['floor_rows']):,} entries, postings in their lines, from SQLite, nothing formatted: "
          f"{float(f['floor_seconds']):.2f} s = {n / float(f['floor_seconds']):,.0f} citizens/s; "
          f"JSON statements take {float(f['json_seconds']) / float(f['floor_seconds']):.2f}x the floor's time")
    met = json_rate >= 20_000 and html_rate >= 5_000
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

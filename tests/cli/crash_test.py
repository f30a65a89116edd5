"""Crash safety: an import killed with SIGKILL at random moments (seeded)
leaves a ledger that verifies and holds all of the import or none of it; a
final re-import gives the same balances as a clean run.

usage: crash_test.py --bin BUILD/commonweal --source SOURCE_DIR [--seed N] [--kills N]
"""
import argparse
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def balances(db):
    connection = sqlite3.connect(db)
    try:
        return dict(connection.execute(
            "SELECT account, sum(amount_minor) FROM journal GROUP BY account"))
    finally:
        connection.close()


def count(db, table):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--kills", type=int, default=30)
    args = parser.parse_args()
    random_source = random.Random(args.seed)
    scheme = Path(args.source) / "examples" / "schemes" / "cswa-reference.yaml"
    work = Path(tempfile.mkdtemp(prefix="commonweal-crash-"))
    run = lambda *a, **k: subprocess.run([args.bin, *map(str, a)], capture_output=True, text=True, **k)

    # A large import: 400 citizens, 100,000 events of several kinds.
    citizens = "citizen,birth_date\n" + "".join(f"K{n:04},19{50 + n % 40}-0{1 + n % 9}-1{n % 10}\n" for n in range(400))
    kinds = [("tax", "income_tax", "{}.{:02}"), ("tax", "national_insurance", "{}.{:02}"),
             ("benefit", "child_benefit", "{}.{:02}"), ("service", "gp_visit", "{}.{:02}"),
             ("volunteer", "food-bank", "{}.{:02}")]
    rows = []
    for i in range(100_000):
        kind, code, pattern = kinds[i % len(kinds)]
        amount = pattern.format(random_source.randrange(1, 4 if kind == "volunteer" else 900), random_source.randrange(0, 100, 25 if kind == "volunteer" else 1))
        rows.append(f"X{i},20{11 + i % 13}-0{1 + i % 9}-2{i % 8},K{(i * 7) % 400:04},{kind},{code},{amount}\n")
    (work / "citizens.csv").write_text(citizens)
    (work / "events.csv").write_text("id,date,citizen,kind,code,amount\n" + "".join(rows))

    base = work / "base.db"
    assert run("init", base, "--scheme", scheme).returncode == 0
    assert run("import", base, "--citizens", work / "citizens.csv").returncode == 0

    def fresh(name):
        db = work / name
        for suffix in ("", ".anchors"):
            shutil.copy(str(base) + suffix, str(db) + suffix)
        return db

    # The clean run, timed, to spread the kills over the import's whole length.
    clean = fresh("clean.db")
    started = time.monotonic()
    result = run("import", clean, "--events", work / "events.csv")
    assert result.returncode == 0, result.stderr
    duration = time.monotonic() - started
    clean_balances = balances(clean)
    total_events = count(clean, "events")
    print(f"clean import: {total_events} events in {duration:.2f} s")

    outcomes = {"none": 0, "all": 0}
    victim = None
    for kill in range(args.kills):
        victim = fresh(f"victim{kill}.db")
        delay = random_source.uniform(0.0, duration * 1.1)
        process = subprocess.Popen([args.bin, "import", str(victim), "--events", str(work / "events.csv")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        verify = run("verify", victim)
        if verify.returncode != 0:
            print(f"kill {kill} after {delay:.3f} s: verify failed:\n{verify.stdout}{verify.stderr}")
            return 1
        events = count(victim, "events")
        if events == 0:
            outcomes["none"] += 1
            assert balances(victim) == balances(base)
        elif events == total_events:
            outcomes["all"] += 1
            assert balances(victim) == clean_balances
        else:
            print(f"kill {kill} after {delay:.3f} s: {events} of {total_events} events stored: a partial import")
            return 1
        if kill < args.kills - 1:
            for suffix in ("", "-wal", "-shm", ".anchors"):
                Path(str(victim) + suffix).unlink(missing_ok=True)
    print(f"{args.kills} kills: {outcomes['none']} left none of the import, {outcomes['all']} all of it")
    # The last victim, imported again, equals the clean run.
    assert run("import", victim, "--events", work / "events.csv").returncode == 0
    assert balances(victim) == clean_balances
    assert run("verify", victim).returncode == 0
    if outcomes["none"] < args.kills // 3:
        print("too few kills landed during the import to prove anything")
        return 1
    shutil.rmtree(work)
    print("crash test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

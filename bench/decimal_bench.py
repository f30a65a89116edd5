#!/usr/bin/python3
"""Compare commonweal::Decimal with Python's decimal module on the same values.

Usage: /usr/bin/python3 bench/decimal_bench.py --binary build/bench/decimal_bench [--count N]
       [--repeat R] [--seed S]

Exit status: 0 when every target is met, 1 when one is missed, 2 on a usage error;
a checksum mismatch raises AssertionError.

Generates N seeded money-like values (amounts with 2 decimals up to 10^7, about
a tenth negative; rates with 2 to 4 decimals below 2, e.g. 0.0375), writes them
to a temporary file, times Python's decimal (the C implementation, libmpdec)
on five operations, runs the C++ decimal_bench on the same file, checks that
both sides computed the same results (the exact sum of every result, and a
CRC-32 of the formatted text), and prints a table.

Both sides run each operation over the whole list R times and keep the fastest
pass; the C++ program runs once before and once after the Python timings and
its faster figure counts. Python is measured at its best: every formulation below is tried (tight
map() pipelines and list comprehensions over pre-built lists, with the garbage
collector off) and the fastest one is reported. Money values never touch
binary floating point; floats appear only in timings.
"""

import argparse
import decimal
import gc
import operator
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib
from decimal import Decimal, ROUND_HALF_EVEN
from itertools import repeat

TARGETS = {"add": 20.0, "multiply_round": 30.0}  # Python time / C++ time, at least
OPERATIONS = ["add", "multiply_round", "divide", "parse", "format"]
LABELS = {
    "add": "add (a + b)",
    "multiply_round": "multiply, round to 0.01 half-even",
    "divide": "divide, round to 0.01 half-even",
    "parse": "parse (text to decimal)",
    "format": "format (decimal to text)",
}


def money_text(cents):
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return "%s%d.%02d" % (sign, cents // 100, cents % 100)


def rate_text(rng):
    scale = rng.choice((2, 3, 4))
    coefficient = rng.randint(1, 2 * 10**scale - 1)  # (0, 2)
    return "%d.%0*d" % (coefficient // 10**scale, scale, coefficient % 10**scale)


def generate(count, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        a = rng.randint(0, 10**9)  # cents: up to 10,000,000.00
        if rng.random() < 0.1:
            a = -a
        b = 0
        while b == 0:
            b = rng.randint(1, 10**9) if rng.random() < 0.5 else rng.randint(1, 10**6)
            if rng.random() < 0.1:
                b = -b
        rows.append((money_text(a), money_text(b), rate_text(rng)))
    return rows


def best_ns_per_op(function, count, repeat_count):
    """The fastest of repeat_count passes, in ns per element, and that pass's results."""
    best = None
    results = None
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat_count):
            results = None  # free the previous pass's results outside the timed region
            start = time.perf_counter_ns()
            results = function()
            elapsed = time.perf_counter_ns() - start
            if best is None or elapsed < best:
                best = elapsed
    finally:
        if gc_was_enabled:
            gc.enable()
    return best / count, results


def decimal_checksum(results):
    return sum(results, Decimal(0))


def text_checksum(results):
    return zlib.crc32("\n".join(results).encode("ascii"))


def python_candidates(A, B, R, T):
    """For each operation, the formulations tried: (description, function)."""
    Q = Decimal("0.01")
    HE = ROUND_HALF_EVEN
    add = operator.add
    mul = operator.mul
    truediv = operator.truediv
    quantize = Decimal.quantize
    return {
        "add": [
            ("list(map(operator.add, A, B))", lambda: list(map(add, A, B))),
            ("[a + b for a, b in zip(A, B)]", lambda: [a + b for a, b in zip(A, B)]),
        ],
        "multiply_round": [
            ("[(a * r).quantize(Q, ROUND_HALF_EVEN) for a, r in zip(A, R)]",
             lambda: [(a * r).quantize(Q, HE) for a, r in zip(A, R)]),
            ("list(map(Decimal.quantize, map(operator.mul, A, R), repeat(Q), repeat(ROUND_HALF_EVEN)))",
             lambda: list(map(quantize, map(mul, A, R), repeat(Q), repeat(HE)))),
        ],
        "divide": [
            ("[(a / b).quantize(Q, ROUND_HALF_EVEN) for a, b in zip(A, B)]",
             lambda: [(a / b).quantize(Q, HE) for a, b in zip(A, B)]),
            ("list(map(Decimal.quantize, map(operator.truediv, A, B), repeat(Q), repeat(ROUND_HALF_EVEN)))",
             lambda: list(map(quantize, map(truediv, A, B), repeat(Q), repeat(HE)))),
        ],
        "parse": [
            ("list(map(Decimal, T))", lambda: list(map(Decimal, T))),
            ("[Decimal(t) for t in T]", lambda: [Decimal(t) for t in T]),
        ],
        "format": [
            ("list(map(str, A))", lambda: list(map(str, A))),
            ("[str(a) for a in A]", lambda: [str(a) for a in A]),
        ],
    }


def time_python(A, B, R, T, count, repeat_count):
    """operation -> (ns per op, checksum, formulation) for the fastest formulation."""
    python = {}
    for operation, candidates in python_candidates(A, B, R, T).items():
        best = None
        for description, function in candidates:
            ns, results = best_ns_per_op(function, count, repeat_count)
            checksum = text_checksum(results) if operation == "format" else decimal_checksum(results)
            if best is not None and checksum != best[1]:
                sys.exit("python formulations of %s disagree" % operation)
            if best is None or ns < best[0]:
                best = (ns, checksum, description)
        python[operation] = best
    return python


def run_cpp(binary, values_path, repeat_count):
    """operation -> (ns per op, checksum text) from one run of decimal_bench."""
    completed = subprocess.run([binary, values_path, "--repeat", str(repeat_count)],
                               check=True, capture_output=True, text=True)
    cpp = {}
    for line in completed.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[0] == "RESULT":
            cpp[fields[1]] = (float(fields[2]), fields[3])
    missing = [operation for operation in OPERATIONS if operation not in cpp]
    if missing:
        sys.exit("decimal_bench printed no result for %s:\n%s%s" % (missing, completed.stdout, completed.stderr))
    return cpp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="path to the C++ decimal_bench")
    parser.add_argument("--count", type=int, default=200_000,
                        help="values per operation (default 200000: C++'s arrays stay in the L3 cache)")
    parser.add_argument("--repeat", type=int, default=5, help="passes per operation; the fastest counts")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    if args.count < 1 or args.repeat < 1:
        parser.error("--count and --repeat must be at least 1")

    # The default context, stated: 28 digits, half-even. The quotient is rounded
    # to 28 significant digits, then quantize rounds it to 0.01; for these
    # inputs (denominators below 10^9) the first rounding cannot move the second,
    # and the checksum comparison with C++'s single exact rounding confirms it.
    decimal.setcontext(decimal.Context(prec=28, rounding=ROUND_HALF_EVEN,
                                       traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                              decimal.Overflow]))

    rows = generate(args.count, args.seed)
    T = [row[0] for row in rows]
    A = [Decimal(row[0]) for row in rows]
    B = [Decimal(row[1]) for row in rows]
    R = [Decimal(row[2]) for row in rows]
    if not all(str(x) == t for x, t in zip(A, T)):
        raise AssertionError("generated text is not in canonical form")

    with tempfile.NamedTemporaryFile("w", prefix="decimal_bench_", suffix=".txt", delete=False) as handle:
        handle.write("%d\n" % args.count)
        for row in rows:
            handle.write("%s %s %s\n" % row)
        values_path = handle.name
    try:
        # C++ runs before and after the Python timings, and its faster figure
        # per operation counts, so that a burst of load on a shared machine
        # during one of them does not decide the ratio.
        cpp = run_cpp(args.binary, values_path, args.repeat)
        python = time_python(A, B, R, T, args.count, args.repeat)
        for operation, (ns, checksum) in run_cpp(args.binary, values_path, args.repeat).items():
            if checksum != cpp[operation][1]:
                sys.exit("decimal_bench gave two checksums for %s" % operation)
            cpp[operation] = (min(ns, cpp[operation][0]), checksum)
    finally:
        os.unlink(values_path)

    # Honesty check: the same results on both sides.
    for operation in OPERATIONS:
        py_checksum = python[operation][1]
        cpp_text = cpp[operation][1]
        if operation == "format":
            same = int(cpp_text) == py_checksum
        else:
            same = Decimal(cpp_text) == py_checksum
        if not same:  # not an assert statement: python -O must not skip it
            raise AssertionError("%s checksums differ: Python %s, C++ %s" % (operation, py_checksum, cpp_text))

    print("Python %s, decimal (libmpdec %s); %d values, fastest of %d passes; checksums agree."
          % (sys.version.split()[0], decimal.__libmpdec_version__, args.count, args.repeat))
    header = "%-36s %14s %12s %10s %10s %s" % ("operation", "Python ns/op", "C++ ns/op", "ratio", "target", "")
    print(header)
    print("-" * len(header))
    failed = []
    for operation in OPERATIONS:
        py_ns = python[operation][0]
        cpp_ns = cpp[operation][0]
        ratio = py_ns / cpp_ns
        target = TARGETS.get(operation)
        if target is None:
            verdict, target_text = "", "-"
        else:
            verdict = "met" if ratio >= target else "MISSED"
            target_text = ">= %gx" % target
            if ratio < target:
                failed.append(operation)
        print("%-36s %14.1f %12.2f %9.1fx %10s %s" % (LABELS[operation], py_ns, cpp_ns, ratio, target_text, verdict))
    print()
    print("Python formulations (the fastest of those tried):")
    for operation in OPERATIONS:
        print("  %-15s %s" % (operation, python[operation][2]))
    print("Checksums (exact sum of results; CRC-32 for format):")
    for operation in OPERATIONS:
        print("  %-15s %s" % (operation, cpp[operation][1]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

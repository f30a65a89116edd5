#!/usr/bin/env python3
"""Checks commonweal::Decimal against Python's decimal module, exactly.

Run:
    /usr/bin/python3 tests/python/decimal_oracle.py \
        --driver build/tests/decimal_oracle_driver --cases 100000 --seed 20261123

For every operation (add, sub, mul, cmp, parse) and every operation and
rounding mode (round, div, mulround x 7 modes) it generates --cases cases,
seeded and reproducible, computes the expected line with the decimal module,
sends the cases to the C++ driver (tests/core/decimal_oracle_driver.cpp) and
compares the driver's lines with the expected ones as strings. It also runs
the cases of the General Decimal Arithmetic test files (quantize, add,
subtract, multiply, compare) that fall inside Decimal's domain, when Debian's
libpython3.11-testsuite has installed them.

The domain (include/commonweal/core/decimal.hpp): scale 0..18, coefficient
magnitude <= 2^127 - 1, no negative zero. A result outside it must be
ERROR:overflow, so the model predicts overflow from the exact result.

Values are only ever Decimal or int here: no float touches a value.
The last line is "decimal_oracle: N passed, M failed"; the exit status is 1
on any mismatch.
"""

import argparse
import concurrent.futures
import functools
import itertools
import os
import random
import re
import subprocess
import sys
import time
from decimal import (
    MAX_EMAX, MIN_EMIN, ROUND_05UP, ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_DOWN,
    ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Context, Decimal, DivisionByZero, Inexact,
    InvalidOperation, Overflow, Rounded)

COEFFICIENT_MAX = 2**127 - 1
SCALE_MAX = 18
GDA_DIRECTORY = '/usr/lib/python3.11/test/decimaltestdata'
MISMATCHES_SHOWN = 20

OVERFLOW = 'ERROR:overflow'
DIVISION_BY_ZERO = 'ERROR:division_by_zero'
INVALID_TEXT = 'ERROR:invalid_text'
INVALID_ARGUMENT = 'ERROR:invalid_argument'

MODES = {
    'half_even': ROUND_HALF_EVEN,
    'half_up': ROUND_HALF_UP,
    'half_down': ROUND_HALF_DOWN,
    'down': ROUND_DOWN,
    'up': ROUND_UP,
    'floor': ROUND_FLOOR,
    'ceiling': ROUND_CEILING,
}


def _context(rounding, extra_traps=()):
    # 200 digits hold any exact sum or product of two 39-digit coefficients
    # at scales 0..18 many times over, and the exponent range never limits.
    return Context(prec=200, rounding=rounding, Emax=MAX_EMAX, Emin=MIN_EMIN,
                   traps=[InvalidOperation, DivisionByZero, Overflow, *extra_traps])


# + - * and scale changes must be exact: trapping Inexact and Rounded turns a
# model mistake into an exception instead of a silently wrong expectation.
EXACT = _context(ROUND_HALF_EVEN, (Inexact, Rounded))
ROUNDING = {name: _context(mode) for name, mode in MODES.items()}
# A quotient is rounded twice: to 200 significant digits, then to the target
# scale. A quotient is below 10^57 and the scale at most 18, so the first step
# keeps over 100 digits more than the second needs, and rounding it with
# ROUND_05UP ("round for reround" in the GDA specification) keeps the second
# step correctly rounded in every mode, ties included.
DIVISION = _context(ROUND_05UP)
# QUANTUM[s] is 1E-s, the quantize() argument for "round to s decimals".
QUANTUM = [Decimal(1).scaleb(-scale) for scale in range(SCALE_MAX + 1)]


# ---------------------------------------------------------------- formatting

def plain(coefficient, scale):
    """coefficient x 10^-scale in plain notation with exactly `scale` decimals.

    Zero has no sign, as in C++."""
    digits = str(abs(coefficient)).rjust(scale + 1, '0')
    if scale:
        digits = digits[:-scale] + '.' + digits[-scale:]
    return '-' + digits if coefficient < 0 else digits


def signed_coefficient(value):
    """The integer coefficient of a finite Decimal, from its (sign, digits, exponent) tuple."""
    sign, digits, _ = value.as_tuple()
    coefficient = int(''.join(map(str, digits)))
    return -coefficient if sign else coefficient


def result_text(value, scale):
    """The line C++ must print for the exact result `value`, whose exponent is -scale."""
    exponent = value.as_tuple().exponent
    if exponent != -scale:
        raise AssertionError(f'model error: {value} does not have scale {scale}')
    coefficient = signed_coefficient(value)
    if abs(coefficient) > COEFFICIENT_MAX:
        return OVERFLOW
    return plain(coefficient, scale)


# ---------------------------------------------------------------- the model

def expect_add(a, b, scale, subtract):
    exact = EXACT.subtract(a, b) if subtract else EXACT.add(a, b)
    return result_text(exact.quantize(QUANTUM[scale], context=EXACT), scale)


def expect_mul(a, b, scale_a, scale_b):
    if scale_a + scale_b > SCALE_MAX:  # the exact product would need more decimals
        return OVERFLOW
    return result_text(EXACT.multiply(a, b), scale_a + scale_b)


def expect_round(a, scale, mode):
    if not 0 <= scale <= SCALE_MAX:
        return INVALID_ARGUMENT
    return result_text(a.quantize(QUANTUM[scale], context=ROUNDING[mode]), scale)


def expect_div(a, b, scale, mode):
    if not 0 <= scale <= SCALE_MAX:
        return INVALID_ARGUMENT
    if b.is_zero():
        return DIVISION_BY_ZERO
    quotient = DIVISION.divide(a, b)
    return result_text(quotient.quantize(QUANTUM[scale], context=ROUNDING[mode]), scale)


def expect_mulround(a, b, scale, mode):
    if not 0 <= scale <= SCALE_MAX:
        return INVALID_ARGUMENT
    product = EXACT.multiply(a, b)
    return result_text(product.quantize(QUANTUM[scale], context=ROUNDING[mode]), scale)


def expect_cmp(a, b):
    return str((a > b) - (a < b))


# [0-9], not \d: \d would also match non-ASCII digits, which C++ refuses.
PLAIN_TEXT = re.compile(r'[+-]?[0-9]+(?:\.[0-9]+)?')


def expect_parse(text):
    """What Decimal::parse accepts: plain notation, <= 18 decimals, a coefficient that fits."""
    if not PLAIN_TEXT.fullmatch(text):
        return INVALID_TEXT
    value = Decimal(text)
    scale = -value.as_tuple().exponent
    if scale > SCALE_MAX or abs(signed_coefficient(value)) > COEFFICIENT_MAX:
        return INVALID_TEXT
    return result_text(value, scale)


# ---------------------------------------------------------------- operands

class Operand:
    """A generated input: its text for the driver, its Decimal for the model, its scale."""
    __slots__ = ('coefficient', 'scale', 'text', 'value')

    def __init__(self, coefficient, scale):
        if abs(coefficient) > COEFFICIENT_MAX or not 0 <= scale <= SCALE_MAX:
            raise AssertionError(f'generator error: {coefficient} at scale {scale} is no Decimal')
        self.coefficient = coefficient
        self.scale = scale
        self.text = plain(coefficient, scale)
        self.value = Decimal(self.text)


def _edge_bases():
    # Where the C++ changes path or overflows: int64, 10^18 (pow10_int64's
    # last entry), 10^38 and 2^127 - 1, and their tenths.
    bases = {0, 1, 2, 5, 9, 10, 99, 2**31, 10**9, 10**15, 10**17, 10**18, 10**19,
             2**62, 2**63, 2**64, 10**36, 10**37, 10**38,
             COEFFICIENT_MAX, COEFFICIENT_MAX // 2, COEFFICIENT_MAX // 10,
             COEFFICIENT_MAX // 10**9, COEFFICIENT_MAX // 10**18, COEFFICIENT_MAX // 10**19,
             (2**63) // 10, (2**63) * 10}
    return sorted(bases)


EDGE_BASES = _edge_bases()


def sign(rng, magnitude):
    return -magnitude if rng.randrange(2) else magnitude


def money_coefficient(rng):
    return rng.randrange(10 ** rng.randint(1, 15))


def large_coefficient(rng):
    digits = rng.randint(16, 39)
    coefficient = rng.randrange(10 ** (digits - 1), 10 ** digits)
    if coefficient > COEFFICIENT_MAX:  # 39 digits, but above 2^127 - 1
        coefficient = rng.randrange(10**38, COEFFICIENT_MAX + 1)
    return coefficient


def edge_coefficient(rng):
    coefficient = rng.choice(EDGE_BASES) + rng.choice((-1, 0, 0, 1))
    return min(max(coefficient, 0), COEFFICIENT_MAX)


def random_operand(rng):
    """Mostly money-like values (the 64-bit fast path), plus large and edge values."""
    roll = rng.randrange(100)
    if roll < 55:
        coefficient, scale = money_coefficient(rng), rng.randint(0, 6)
    elif roll < 70:  # small coefficients make ties and exact results common
        coefficient, scale = rng.randrange(2001), rng.randint(0, 4)
    elif roll < 85:
        coefficient, scale = large_coefficient(rng), rng.randint(0, SCALE_MAX)
    elif roll < 92:
        coefficient, scale = rng.randrange(10 ** rng.randint(1, 20)), rng.randint(12, SCALE_MAX)
    else:
        coefficient, scale = edge_coefficient(rng), rng.randint(0, SCALE_MAX)
    return Operand(sign(rng, coefficient), scale)


def head_coefficient(rng, limit):
    """A coefficient below `limit`, money-sized or (sometimes) right at the limit."""
    if limit <= 1:
        return 0
    if rng.randrange(10) == 0:
        return max(limit - 1 - rng.randrange(3), 0)
    return rng.randrange(min(10 ** rng.randint(1, 16), limit))


# ---------------------------------------------------------------- cases per operation
# Each generator returns (input line, expected line).

def add_pair_near_limit(rng, subtract):
    """a at a small scale whose coefficient overflows once scaled to b's scale,
    and b nearly cancelling it: the exact result fits, and so must C++'s."""
    scale_a = rng.randint(0, SCALE_MAX - 1)
    scale_b = rng.randint(scale_a + 1, min(scale_a + 3, SCALE_MAX))
    factor = 10 ** (scale_b - scale_a)
    low = COEFFICIENT_MAX // factor + 1
    coefficient_a = rng.randint(low, low + low // 2)
    scaled_a = coefficient_a * factor
    magnitude_b = rng.randint(scaled_a - COEFFICIENT_MAX, COEFFICIENT_MAX)
    sign_a = sign(rng, 1)
    sign_b = -sign_a if rng.randrange(4) else sign_a  # a quarter really overflow
    if subtract:
        sign_b = -sign_b
    a = Operand(sign_a * coefficient_a, scale_a)
    b = Operand(sign_b * magnitude_b, scale_b)
    return (a, b) if rng.randrange(2) else (b, a)


def add_pair(rng, subtract):
    roll = rng.randrange(100)
    if roll < 40:
        return random_operand(rng), random_operand(rng)
    if roll < 70:  # the ledger's common case: money at one scale
        scale = rng.randint(0, 6)
        return (Operand(sign(rng, money_coefficient(rng)), scale),
                Operand(sign(rng, money_coefficient(rng)), scale))
    if roll < 85:
        return add_pair_near_limit(rng, subtract)
    if roll < 92:  # sums within 2 of the coefficient limit, 2^127 included
        scale = rng.randint(0, SCALE_MAX)
        a = COEFFICIENT_MAX - rng.randrange(1000)
        b = COEFFICIENT_MAX - a + rng.randint(-2, 2)
        sign_a = sign(rng, 1)
        return Operand(sign_a * a, scale), Operand(sign_a * b * (-1 if subtract else 1), scale)
    return (Operand(sign(rng, edge_coefficient(rng)), rng.randint(0, SCALE_MAX)),
            Operand(sign(rng, edge_coefficient(rng)), rng.randint(0, SCALE_MAX)))


def case_add(rng, op='add'):
    subtract = op == 'sub'
    a, b = add_pair(rng, subtract)
    expected = expect_add(a.value, b.value, max(a.scale, b.scale), subtract)
    return f'{op}\t{a.text}\t{b.text}', expected


def case_sub(rng):
    return case_add(rng, 'sub')


def case_mul(rng):
    roll = rng.randrange(100)
    if roll < 80:
        a, b = random_operand(rng), random_operand(rng)
    else:  # products at the coefficient limit; powers of two reach 2^127 itself
        if rng.randrange(2):
            factor = rng.randrange(1, 10 ** rng.randint(1, 20))
        else:
            factor = 2 ** rng.randint(1, 126)
        other = 2**127 // factor + rng.choice((-1, 0, 0, 1))
        scale_a = rng.randint(0, SCALE_MAX)
        a = Operand(sign(rng, factor), scale_a)
        other = min(max(other, 0), COEFFICIENT_MAX)
        b = Operand(sign(rng, other), rng.randint(0, SCALE_MAX - scale_a))
    expected = expect_mul(a.value, b.value, a.scale, b.scale)
    return f'mul\t{a.text}\t{b.text}', expected


def cmp_pair(rng):
    roll = rng.randrange(100)
    if roll < 30:
        return random_operand(rng), random_operand(rng)
    coefficient = sign(rng, money_coefficient(rng) if roll < 70 else large_coefficient(rng))
    scale = rng.randint(0, SCALE_MAX - 1)
    extra = rng.randint(1, SCALE_MAX - scale)
    fine = coefficient * 10**extra
    if roll < 55:  # equal values at different scales: must compare and hash equal
        nudge = 0
    elif roll < 70:  # one unit of the finer scale apart
        nudge = rng.choice((-1, 1))
    else:  # the coarse one overflows when scaled to the finer scale
        coefficient = sign(rng, rng.randint(COEFFICIENT_MAX // 10**extra + 1, COEFFICIENT_MAX))
        fine = sign(rng, large_coefficient(rng))
        nudge = 0
    if abs(fine + nudge) > COEFFICIENT_MAX:
        fine, nudge = coefficient, 0
    coarse_operand = Operand(coefficient, scale)
    fine_operand = Operand(fine + nudge, scale + extra)
    return (coarse_operand, fine_operand) if rng.randrange(2) else (fine_operand, coarse_operand)


def case_cmp(rng):
    a, b = cmp_pair(rng)
    return f'cmp\t{a.text}\t{b.text}', expect_cmp(a.value, b.value)


FIXED_TEXTS = [
    '', '+', '-', '.', '5.', '.5', '-.5', '+.5', '5.-', '1e3', '1E3', '1e-3', '1.5E+2', '1,000',
    '1_000', "1'000", ' 1', '1 ', '1\t', '--1', '+-1', '-+1', '++1', '1-', '1.2.3', '1..2',
    'NaN', 'nan', 'Infinity', '-Infinity', 'inf', 'sNaN', '0x10', '0b1', '\uff11', '\u0661',
    '1\u066b5', '\u00bd', '1.5\u00a0', 'abc', '12a', '-0', '+0', '-0.00', '+0.000', '007',
    '-007.50', '0.' + '0' * 18, '0.' + '0' * 19, '1.' + '0' * 18, '1.' + '0' * 19,
    '0' * 60 + '1', '0' * 60 + '1.5', str(COEFFICIENT_MAX), str(COEFFICIENT_MAX + 1),
    '-' + str(COEFFICIENT_MAX), '-' + str(COEFFICIENT_MAX + 1), str(2**128), '9' * 39,
    '9' * 38, str(10**38),
]
MUTATION_CHARACTERS = '0123456789+-.eE,_\' \tx\u0661'


def decorated_text(rng, operand):
    """A valid text for operand, with an optional '+' and leading zeros."""
    text = operand.text
    negative = text.startswith('-')
    body = text[1:] if negative else text
    if rng.randrange(5) == 0:
        body = '0' * rng.randint(1, 25) + body
    prefix = '-' if negative else ('+' if rng.randrange(5) == 0 else '')
    return prefix + body


def mutated_text(rng, text):
    position = rng.randint(0, len(text))
    character = rng.choice(MUTATION_CHARACTERS)
    roll = rng.randrange(3)
    if roll == 0 or not text:
        return text[:position] + character + text[position:]
    position = min(position, len(text) - 1)
    if roll == 1:
        return text[:position] + character + text[position + 1:]
    return text[:position] + text[position + 1:]


def limit_text(rng):
    """Coefficients around 2^127 - 1 and scales around 18, written out by hand."""
    coefficient = rng.choice((COEFFICIENT_MAX, 10**38, 10**39, 2**63)) + rng.randint(-2, 2)
    scale = rng.randint(0, SCALE_MAX + 1)
    digits = str(coefficient).rjust(scale + 1, '0')
    text = digits[:-scale] + '.' + digits[-scale:] if scale else digits
    return rng.choice(('', '-', '+')) + text


def case_parse(rng):
    roll = rng.randrange(100)
    if roll < 50:
        text = decorated_text(rng, random_operand(rng))
    elif roll < 65:
        text = limit_text(rng)
    elif roll < 85:
        text = mutated_text(rng, decorated_text(rng, random_operand(rng)))
    else:
        text = rng.choice(FIXED_TEXTS)
    return f'parse\t{text}', expect_parse(text)


def bad_scale(rng):
    return rng.choice((-1, -2, 19, 20, 100))


def tie_operand(rng, scale):
    """A value exactly halfway (or one unit off halfway) between two values at `scale`."""
    dropped = rng.randint(1, SCALE_MAX - scale)
    unit = 10**dropped
    head = head_coefficient(rng, (COEFFICIENT_MAX - unit) // unit)
    tail = unit // 2 + rng.choice((0, 0, 0, -1, 1))
    return Operand(sign(rng, head * unit + tail), scale + dropped)


def case_round(rng, mode):
    roll = rng.randrange(200)
    if roll == 0:
        a, scale = random_operand(rng), bad_scale(rng)
    elif roll < 70:
        scale = rng.randint(0, SCALE_MAX - 1)
        a = tie_operand(rng, scale)
    elif roll < 75:  # scaling up to just inside or just past the coefficient limit
        extra = rng.randint(1, SCALE_MAX)
        a = Operand(sign(rng, COEFFICIENT_MAX // 10**extra + rng.randint(0, 1)),
                    rng.randint(0, SCALE_MAX - extra))
        scale = a.scale + extra
    else:
        a = random_operand(rng)
        if a.scale > 0 and roll < 170:  # mostly rounding away digits, else scaling up
            scale = rng.randint(0, a.scale - 1)
        else:
            scale = rng.randint(0, SCALE_MAX)
    return f'round\t{a.text}\t{scale}\t{mode}', expect_round(a.value, scale, mode)


DIVISORS = [(1, 0), (3, 0), (7, 0), (2, 0), (8, 0), (9, 0), (11, 0), (13, 0), (1, 2), (3, 1),
            (7, 2), (12, 0), (365, 0), (100, 0), (10**18, 0), (3, SCALE_MAX), (1, SCALE_MAX),
            (COEFFICIENT_MAX, 0), (2**63, 0)]


def divisor_operand(rng):
    roll = rng.randrange(100)
    if roll < 30:
        coefficient, scale = rng.choice(DIVISORS)
        return Operand(sign(rng, coefficient), scale)
    if roll < 35:
        return Operand(0, rng.randint(0, SCALE_MAX))
    return random_operand(rng)


def tie_quotient_pair(rng, scale):
    """a, b with a / b exactly halfway (or nearly) between two values at `scale`."""
    tie = rng.randrange(10**rng.randint(1, 12)) * 10 + 5  # at scale + 1, ends in 5
    b = Operand(sign(rng, rng.randrange(1, 10**rng.randint(1, 6))), rng.randint(0, 4))
    scale_a = b.scale + scale + 1
    coefficient_a = tie * abs(b.coefficient)
    if rng.randrange(4) == 0:
        coefficient_a += rng.choice((-1, 1))  # just off the tie
    if scale_a > SCALE_MAX or coefficient_a > COEFFICIENT_MAX:
        return random_operand(rng), b
    return Operand(sign(rng, coefficient_a), scale_a), b


def limit_pair(rng, divide):
    """a, b and a scale where a / b (or a * b) at that scale is within a few
    units of 2^127: the result is the largest coefficient, or one past it,
    depending on the rounding mode."""
    if divide:  # b < 1, so that a = 2^127 * b fits
        coefficient_b, scale_b = rng.choice(((3, 1), (7, 1), (9, 1), (5, 1), (25, 2), (999, 3)))
        coefficient_a = 2**127 * coefficient_b // 10**scale_b
    else:  # b > 1, so that a = 2^127 / b fits
        coefficient_b, scale_b = rng.choice(((11, 1), (101, 2), (1001, 3), (13, 1), (2, 0)))
        coefficient_a = 2**127 * 10**scale_b // coefficient_b
    coefficient_a = min(coefficient_a + rng.randint(-3, 3), COEFFICIENT_MAX)
    scale = rng.randint(0, SCALE_MAX)
    return (Operand(sign(rng, coefficient_a), scale), Operand(sign(rng, coefficient_b), scale_b),
            scale)


def case_div(rng, mode):
    roll = rng.randrange(200)
    scale = rng.randint(0, 6) if rng.randrange(5) else rng.randint(0, SCALE_MAX)
    if roll == 0:
        a, b, scale = random_operand(rng), Operand(sign(rng, 7), 0), bad_scale(rng)
    elif roll < 40:
        scale = min(scale, SCALE_MAX - 1)  # the tie is one decimal further
        a, b = tie_quotient_pair(rng, scale)
    elif roll < 50:
        a, b, scale = limit_pair(rng, divide=True)
    else:
        a, b = random_operand(rng), divisor_operand(rng)
    expected = expect_div(a.value, b.value, scale, mode)
    return f'div\t{a.text}\t{b.text}\t{scale}\t{mode}', expected


def case_mulround(rng, mode):
    roll = rng.randrange(200)
    if roll == 0:
        a, b, scale = random_operand(rng), random_operand(rng), bad_scale(rng)
    elif roll < 50:  # (10k + 5) x odd ends in 5: a tie one decimal above the product's scale
        a = Operand(sign(rng, rng.randrange(10**rng.randint(1, 9)) * 10 + 5), rng.randint(1, 9))
        b = Operand(sign(rng, rng.randrange(10**rng.randint(0, 9)) * 2 + 1), rng.randint(0, 9))
        scale = min(a.scale + b.scale - 1, SCALE_MAX)
    elif roll < 80:  # products needing 256 bits before rounding
        a = Operand(sign(rng, large_coefficient(rng)), rng.randint(10, SCALE_MAX))
        b = Operand(sign(rng, large_coefficient(rng)), rng.randint(10, SCALE_MAX))
        scale = rng.randint(0, SCALE_MAX)
    elif roll < 90:
        a, b, scale = limit_pair(rng, divide=False)
    else:
        a, b = random_operand(rng), random_operand(rng)
        product_scale = a.scale + b.scale
        if product_scale > 0 and rng.randrange(10) < 7:
            scale = rng.randint(0, min(product_scale - 1, SCALE_MAX))
        else:
            scale = rng.randint(0, SCALE_MAX)
    expected = expect_mulround(a.value, b.value, scale, mode)
    return f'mulround\t{a.text}\t{b.text}\t{scale}\t{mode}', expected


def generated_groups():
    """{group name: case generator} for every operation and every mode, in report order."""
    groups = {'add': case_add, 'sub': case_sub, 'mul': case_mul, 'cmp': case_cmp,
              'parse': case_parse}
    for op, generator in (('round', case_round), ('div', case_div), ('mulround', case_mulround)):
        for mode in MODES:
            groups[f'{op} {mode}'] = functools.partial(generator, mode=mode)
    return groups


def generate_group(name, count, seed):
    # A random stream per group (string seeds are hashed deterministically),
    # so that adding a group leaves the cases of the others unchanged, and
    # groups can be generated in any order and in parallel.
    rng = random.Random(f'{seed}/{name}')
    generator = generated_groups()[name]
    lines, expected = [], []
    for _ in range(count):
        line, result = generator(rng)
        lines.append(line)
        expected.append(result)
    return lines, expected


# ---------------------------------------------------------------- GDA test files

GDA_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\S+")
GDA_OPERATIONS = {'quantize': 'round', 'add': 'add', 'subtract': 'sub', 'multiply': 'mul',
                  'compare': 'cmp'}
GDA_ALLOWED_CONDITIONS = {'quantize': {'Inexact', 'Rounded'}}  # the others: exact, none


def gda_tokens(line):
    tokens = []
    for match in GDA_TOKEN.finditer(line):
        token = match.group()
        if token.startswith('--'):
            break
        if token[0] in '\'"':
            token = token[1:-1].replace(token[0] * 2, token[0])
        tokens.append(token)
    return tokens


def gda_operand(token):
    """token as an in-domain Operand (positive exponents written out), or None."""
    if '#' in token:
        return None
    try:
        value = Decimal(token)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    _, digits, exponent = value.as_tuple()
    if exponent < -SCALE_MAX or len(digits) + max(exponent, 0) > 39:
        return None
    coefficient = signed_coefficient(value) * 10 ** max(exponent, 0)
    if abs(coefficient) > COEFFICIENT_MAX:
        return None
    return Operand(coefficient, max(-exponent, 0))


def gda_expected(operation, operands, result):
    """The driver line and expected line for one GDA test, or None if outside the domain."""
    if operation == 'quantize':
        a = gda_operand(operands[0])
        target = Decimal(operands[1]) if '#' not in operands[1] else None
        if a is None or target is None or not target.is_finite():
            return None
        scale = -target.as_tuple().exponent
        if not 0 <= scale <= SCALE_MAX or result.as_tuple().exponent != -scale:
            return None
        expected = result_text(result, scale)
        return None if expected == OVERFLOW else ((a, scale), expected)
    a, b = gda_operand(operands[0]), gda_operand(operands[1])
    if a is None or b is None:
        return None
    if operation == 'compare':
        return (a, b), str(int(result))
    scale = a.scale + b.scale if operation == 'multiply' else max(a.scale, b.scale)
    if scale > SCALE_MAX:
        return None
    try:  # the same value at our scale (the GDA may write 1.1E+2 where C++ writes 110)
        expected = result_text(result.quantize(QUANTUM[scale], context=EXACT), scale)
    except (Inexact, Rounded, InvalidOperation):
        return None
    return None if expected == OVERFLOW else ((a, b), expected)


def gda_case(tokens, rounding):
    """(driver line, expected line) for one test line of a decTest file, or None to skip."""
    if '->' not in tokens:
        return None
    arrow = tokens.index('->')
    operation = tokens[1].lower()
    operands, outcome = tokens[2:arrow], tokens[arrow + 1:]
    if operation not in GDA_OPERATIONS or len(operands) != 2 or not outcome:
        return None
    if not set(outcome[1:]) <= GDA_ALLOWED_CONDITIONS.get(operation, set()):
        return None
    if operation == 'quantize' and rounding not in MODES:
        return None
    try:
        result = Decimal(outcome[0])
    except InvalidOperation:
        return None
    if '#' in outcome[0] or not result.is_finite():
        return None
    inputs, expected = gda_expected(operation, operands, result) or (None, None)
    if expected is None:
        return None
    op = GDA_OPERATIONS[operation]
    if op == 'round':
        a, scale = inputs
        return f'round\t{a.text}\t{scale}\t{rounding}', expected
    a, b = inputs
    return f'{op}\t{a.text}\t{b.text}', expected


def gda_groups(directory):
    """One group (name, lines, expected) per decTest file, and a line of counts per file."""
    groups, counts = [], []
    for operation in GDA_OPERATIONS:
        lines, expected = [], []
        rounding = None
        skipped = 0
        with open(os.path.join(directory, f'{operation}.decTest'), encoding='utf-8') as file:
            for raw in file:
                tokens = gda_tokens(raw)
                if len(tokens) == 2 and tokens[0].endswith(':'):
                    if tokens[0].lower() == 'rounding:':
                        rounding = tokens[1].lower()
                    continue
                if len(tokens) < 2:
                    continue
                case = gda_case(tokens, rounding)
                if case is None:
                    skipped += 1
                    continue
                lines.append(case[0])
                expected.append(case[1])
        groups.append((f'gda {operation}', lines, expected))
        counts.append(f'{operation}.decTest {len(lines)} used, {skipped} skipped')
    return groups, counts


# ---------------------------------------------------------------- running and comparing

def run_driver(driver, lines):
    """The driver's output lines for lines, sent in one run."""
    completed = subprocess.run([driver], input=('\n'.join(lines) + '\n').encode('utf-8'),
                               capture_output=True, check=False)
    # Anything on stderr (a sanitizer's report, say) is a failure too.
    if completed.returncode != 0 or completed.stderr:
        raise RuntimeError(f'driver exited with {completed.returncode}: '
                           f'{completed.stderr.decode("utf-8", "replace")[-2000:]}')
    output = completed.stdout.decode('utf-8', 'replace').split('\n')
    if output[-1] == '':
        output.pop()
    if len(output) != len(lines):
        raise RuntimeError(f'driver printed {len(output)} lines for {len(lines)} cases')
    return output


def check_group(name, lines, expected, driver):
    """(name, cases, failed, the first mismatches) for one group run through the driver."""
    mismatches = [(name, line, want, have)
                  for line, want, have in zip(lines, expected, run_driver(driver, lines))
                  if want != have]
    return name, len(lines), len(mismatches), mismatches[:MISMATCHES_SHOWN]


def check_generated_group(name, count, seed, driver):
    # Runs in a worker process: generating the cases is most of the run time.
    return check_group(name, *generate_group(name, count, seed), driver)


class Tally:
    """Counts over all groups, and the first mismatches of each group."""

    def __init__(self):
        self.passed = self.failed = 0
        self.mismatches = []  # one list per group that failed

    def add(self, result):
        name, cases, failed, mismatches = result
        print(f'  {name:<20} {cases:>8} cases {failed:>8} mismatches', flush=True)
        self.passed += cases - failed
        self.failed += failed
        if mismatches:
            self.mismatches.append(mismatches)

    def show_mismatches(self):
        # Taken in turn from each failing group, so that one group's many
        # failures do not hide another's.
        in_turn = itertools.chain.from_iterable(itertools.zip_longest(*self.mismatches))
        shown = [mismatch for mismatch in in_turn if mismatch is not None]
        for name, line, want, have in shown[:MISMATCHES_SHOWN]:
            print(f'MISMATCH [{name}] {line!r}\n    expected {want}\n    got      {have}')
        if self.failed > MISMATCHES_SHOWN:
            print(f'... and {self.failed - MISMATCHES_SHOWN} more mismatches')


def check_generated(tally, count, seed, driver, jobs):
    names = list(generated_groups())
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(check_generated_group, names, [count] * len(names),
                           [seed] * len(names), [driver] * len(names))
        for result in results:  # in report order, whichever worker finishes first
            tally.add(result)


def check_gda(tally, driver):
    if not os.path.isdir(GDA_DIRECTORY):
        print(f'GDA test files: {GDA_DIRECTORY} is absent '
              '(Debian package libpython3.11-testsuite); skipping them')
        return
    groups, counts = gda_groups(GDA_DIRECTORY)
    print(f'GDA test files (cases outside the domain skipped): {"; ".join(counts)}')
    for name, lines, expected in groups:
        tally.add(check_group(name, lines, expected, driver))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--driver', required=True, help='path of decimal_oracle_driver')
    parser.add_argument('--cases', type=int, default=100000,
                        help='cases per operation, and per rounding mode for round/div/mulround')
    parser.add_argument('--seed', default='20261123')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
                        help='worker processes generating cases (default: one per core)')
    args = parser.parse_args()
    started = time.monotonic()
    if not os.access(args.driver, os.X_OK):
        parser.error(f'--driver {args.driver} is not an executable file')

    print(f'decimal_oracle: {args.cases} cases per operation and mode, seed {args.seed}')
    tally = Tally()
    check_generated(tally, args.cases, args.seed, args.driver, args.jobs)
    check_gda(tally, args.driver)
    tally.show_mismatches()
    print(f'time: {time.monotonic() - started:.1f} s')
    print(f'decimal_oracle: {tally.passed} passed, {tally.failed} failed')
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())

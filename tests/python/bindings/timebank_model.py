"""An independent model of the named time banks (docs/timebanks.md), in Python's decimal.

It knows only the documented rules: a bank's terms and a member's override in force on the event's
date, hours rounded up to the step, payers held to minus their limit (the chest to none), events in
date then import order, a corrected event gone. It does not call the engine."""
from decimal import ROUND_CEILING, Decimal

CENT = Decimal("0.01")


class Breach(Exception):
    """A replay in which some event takes its payer below minus its limit."""


def round_up(hours, step):
    return ((hours / step).to_integral_value(rounding=ROUND_CEILING) * step).quantize(CENT)


def in_force(rows, day):
    """The row (from, value) with the latest from on or before day."""
    found = None
    for start, value in sorted(rows):
        if start <= day:
            found = value
    return found


class Bank:
    def __init__(self, terms, members):
        self.terms = terms  # [(from, (step, limit))]
        self.members = members  # {member: [(from, override or None)]}

    def limit(self, member, day):
        override = in_force(self.members[member], day)
        return override if override is not None else in_force(self.terms, day)[1]


def payments(event):
    """(payer, payee) pairs of the event, each paying the event's rounded hours."""
    kind, giver, others = event["kind"], event["member"], event["others"]
    if kind == "bank_exchange":
        return [(others[0], giver)]
    if kind == "bank_session":
        return [(receiver, giver) for receiver in others]
    if kind == "bank_donation":
        return [(giver, others[0])]
    return [("chest", giver)]


def replay(banks, events):
    """Balances {(bank, member): hours} and statement lines {(bank, member): {line: hours}} after the
    surviving events in (date, sequence) order; raises Breach if a payer would go below its limit."""
    corrected = {e["corrects"] for e in events if e.get("corrects")}
    balances, lines = {}, {}
    for event in sorted((e for e in events if e["id"] not in corrected), key=lambda e: (e["date"], e["sequence"])):
        bank = banks[event["bank"]]
        hours = round_up(event["amount"], in_force(bank.terms, event["date"])[0])
        change = {}
        for payer, payee in payments(event):
            if payer != "chest":
                after = balances.get((event["bank"], payer), Decimal(0)) + change.get(payer, Decimal(0)) - hours
                if after < -bank.limit(payer, event["date"]):
                    raise Breach(event["id"])
            change[payer] = change.get(payer, Decimal(0)) - hours
            change[payee] = change.get(payee, Decimal(0)) + hours
            line_of_payer = {"bank_grant": "granted", "bank_donation": "donated_out"}.get(event["kind"], "received")
            line_of_payee = {"bank_grant": "granted", "bank_donation": "donated_in"}.get(event["kind"], "given")
            add(lines, (event["bank"], payer), line_of_payer, hours if line_of_payer != "granted" else -hours)
            add(lines, (event["bank"], payee), line_of_payee, hours)
        for member, hours_moved in change.items():
            balances[(event["bank"], member)] = balances.get((event["bank"], member), Decimal(0)) + hours_moved
    return balances, lines


def add(lines, key, line, hours):
    figures = lines.setdefault(key, {})
    figures[line] = figures.get(line, Decimal(0)) + hours

"""A number written for the wrong quantity (used by ``verify`` on a wrong worked value).

``= 0.7391(1 - 0.7391)`` after ``∂ŷ/∂h = ŷ(1 - ŷ)``: the line is the line before with
numbers in place of its quantities, and the number standing for ŷ is not ŷ's value in
the example (0.7491) but another one (0.7391, the value of ∂E/∂ŷ printed earlier).
The numbers are matched to the quantities by the shape of the two lines (sympy builds
both; nothing is evaluated from the text), and the value each quantity has is taken at
the example's numbers, as the verdict was.
"""
import itertools

import mpmath
import sympy as sp

from derive.check.judge.semantics import DPS

MAX_NUMBERS = 4
MAX_QUANTITIES = 6


def wrong_number(checker, before, rhs_text, language):
    """("wrong_number", params) when ``rhs_text`` is ``before`` with one number in place of
    a quantity whose value in the example it is not, else None."""
    from derive.check.judge.examples import example_at

    if not isinstance(before, sp.Expr) or before.is_number or not checker.givens:
        return None
    side = checker.parse(rhs_text, language, ("literals",))
    if side.error is not None or not side.literals or len(side.literals) > MAX_NUMBERS:
        return None
    numbers = sorted(side.literals, key=str)
    quantities = sorted((q for q in before.free_symbols | before.atoms(sp.Indexed)
                         if q in checker.graph.by_symbol), key=str)[:MAX_QUANTITIES]
    # each number stands for a quantity of the line before, or for itself (the 1 of 1 - ŷ)
    for combo in itertools.product(quantities + [None], repeat=len(numbers)):
        if all(q is None for q in combo):
            continue
        whole = {n: q if q is not None else sp.Rational(side.literals[n][0])
                 for n, q in zip(numbers, combo)}
        mapping = {n: q for n, q in zip(numbers, combo) if q is not None}
        try:
            if sp.expand(side.expr.xreplace(whole) - before) != 0:
                continue
        except (TypeError, ValueError):
            continue
        with mpmath.workdps(DPS):
            env = {k: mpmath.mpf(sp.Rational(val).p) / sp.Rational(val).q
                   for k, val in checker.givens.items()}
            example = example_at(checker, env, list(mapping.values()))
            if example is None:
                return None
            for number, q in mapping.items():
                value, unit = side.literals[number]
                got = example.values(q)[0]
                if got is None:
                    return None
                said = mpmath.mpf(sp.Rational(value).p) / sp.Rational(value).q
                if abs(got - said) > mpmath.mpf(sp.Rational(unit).p) / sp.Rational(unit).q:
                    # as many digits as the number has, and one more: 1.1059059067 for
                    # 1.105905967 must not show as 1.10591 twice
                    digits = len(sp.Rational(value).limit_denominator(10 ** 15).p.__str__()) + 1
                    digits = max(6, min(digits, 16))
                    return "wrong_number", {"number": sp.Rational(value), "quantity": q,
                                            "actual": sp.Float(mpmath.nstr(got, 20), 20),
                                            "digits": digits}
        return None
    return None


def name_wrong_number(checker, v, prev):
    """``v`` (a worked value just judged) with the wrong number named, where one is."""
    if v.code != "numeric_wrong" or v.diagnosis is not None or prev is None \
            or prev[0].error is not None:
        return v
    found = wrong_number(checker, prev[0].expr, *checker._rhs_source)
    if found:
        v.diagnosis, extra = found
        v.params.update(extra)
    return v

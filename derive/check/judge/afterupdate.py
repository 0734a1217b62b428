"""A forward pass written again after an update, with the new weights.

Tutorials update a weight (``w_{\\text{new}} = 3 - 0.1(-16) = 4.6``) and then run the
forward pass once more (``\\hat{y} = 4.6 \\cdot 2 = 9.2``).  Judged with the example's
first numbers, that line is wrong; it is meant with the updated ones.  The checker
records each new value an update printed (``Checker.new_values``); ``after_update``
compares a numeric claim with every updated parameter at its new value.
"""
import mpmath
import sympy as sp

from derive.check.limits import Unsupported
from derive.check.judge.semantics import DPS, Points, Undefined
from derive.check.judge.shapes import Missing, ShapeMismatch


def after_update(checker, env, got_items, said_items, literals, spread, compare):
    """(the comparison, the names, their new values) of a claim judged with every
    parameter an earlier update changed at its new printed value; None where it cannot
    be judged so.  ``compare`` is ``examples._compare``."""
    with mpmath.workdps(DPS):
        new = {k: mpmath.mpf(sp.Rational(val).p) / sp.Rational(val).q
               for k, (val, _) in checker.new_values.items() if k in env}
    if not new:
        return None
    example = Points(checker.network, checker.graph, seed=checker.seed, envs=[{**env, **new}])
    try:
        worst = compare(example, got_items, said_items, literals, spread)
    except (Missing, ShapeMismatch, Undefined, Unsupported):
        return None
    return (worst, ", ".join(sorted(str(k) for k in new)),
            {k: val for k, (val, _) in checker.new_values.items() if k in new})


def nearer(again, worst):
    """Whether the comparison ``again`` is off by much less than ``worst``: a slip in the
    forward pass after the update, told with the new weights' value."""
    with mpmath.workdps(DPS):
        return abs(again[2] - again[4]) * 3 < abs(worst[2] - worst[4])


__all__ = ["after_update", "nearer"]

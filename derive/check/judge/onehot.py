"""Points where the target is one-hot at the example's class.

A derivation that fixes the class of its example ("the correct class is $k$",
``read.correctclass``) makes claims that hold for that target only: ∂L/∂o_k = p_k − 1.
``one_hot_points`` gives the checker the points to judge one index assignment at: its
usual points with every target entry 0 but the one at k's unit, which is 1.
"""
import mpmath
import sympy as sp

from derive.check.judge.semantics import Points


def one_hot_points(checker, assign):
    """The points to judge at under ``assign``: ``checker.points``, or, where the document
    fixed the example's class k, the same with the target one-hot at the unit k is given
    (under "for an incorrect class j", at some unit other than j's)."""
    letter = checker.correct_class
    if letter is None:
        return checker.points
    values = {str(k): v for k, v in assign.items() if not isinstance(k, str)}
    targets = [n.symbol for n in checker.graph.nodes if n.role == "target"
               and isinstance(n.symbol, sp.Indexed)]
    unit = values.get(letter)
    case = checker.case
    if unit is None and case is not None and case[1] == letter and not case[2] \
            and case[0] in values:
        unit = next((t.indices[-1] for t in targets if t.indices[-1] != values[case[0]]), None)
    if unit is None:
        return checker.points
    cache = checker.__dict__.setdefault("_one_hot", {})
    if unit not in cache:
        envs = [{**env, **{t: mpmath.mpf(int(t.indices[-1] == unit)) for t in targets}}
                for env in checker.points.envs]
        cache[unit] = Points(checker.network, checker.graph, seed=checker.seed, envs=envs,
                             free_symbols=True)
    note = ("one_hot_at", (("letter", letter),))
    if note not in checker._notes:
        checker._notes.append(note)
    return cache[unit]


__all__ = ["one_hot_points"]

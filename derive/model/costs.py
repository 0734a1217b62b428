"""Cost functions: their per-unit terms and the derivative ∂C/∂a_j in a readable form.

The readable derivative is what a derivation shows; tests check it equals
``sympy.diff`` of the cost.
"""
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from derive.model.symbols import Factors, Terms


@dataclass(frozen=True)
class Cost:
    name: str
    term: Callable  # (a, y) -> this unit's share of C
    derivative: Callable  # (a, y) -> ∂C/∂a for that unit
    coefficient: sp.Expr = sp.S.One  # C = coefficient · Σ_j inner(a_j, y_j), for display
    inner: Callable = None
    target_range: tuple = None  # (low, high) allowed for the target, None = any real
    simplifies_with: str = None  # activation whose output δ collapses to a − y

    def total(self, outputs, targets):
        return sp.Add(*[self.term(a, y) for a, y in zip(outputs, targets)])


COSTS = {
    "quadratic": Cost(
        "quadratic",
        term=lambda a, y: sp.Rational(1, 2) * (a - y) ** 2,
        derivative=lambda a, y: a - y,
        coefficient=sp.Rational(1, 2),
        inner=lambda a, y: (a - y) ** 2,
    ),
    "squared-error": Cost(
        "squared-error",
        term=lambda a, y: (a - y) ** 2,
        derivative=lambda a, y: Factors(sp.Integer(2), a - y),
        inner=lambda a, y: (a - y) ** 2,
    ),
    "cross-entropy": Cost(
        "cross-entropy",
        term=lambda a, y: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
        derivative=lambda a, y: Terms(-y / a, (1 - y) / (1 - a)),
        coefficient=sp.S.NegativeOne,
        inner=lambda a, y: Terms(Factors(y, sp.log(a)), Factors(1 - y, sp.log(1 - a))),
        target_range=(0, 1),
        simplifies_with="sigmoid",
    ),
    "log-likelihood": Cost(
        "log-likelihood",
        term=lambda a, y: -y * sp.log(a),
        derivative=lambda a, y: -y / a,
        coefficient=sp.S.NegativeOne,
        inner=lambda a, y: Factors(y, sp.log(a)),
        target_range=(0, 1),
        simplifies_with="softmax",
    ),
}

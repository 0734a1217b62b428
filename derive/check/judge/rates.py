"""The learning rate an update rule writes: η or α, and η/m over a batch of m examples.

``W := W - (η/m) ∂J/∂W`` divides the rate by the batch's size; ``rate_in`` finds the rate
symbol of an expression and ``batch_rate`` the rate over a batch, as the rule writes it.
"""
import sympy as sp

from derive.model.symbols import COST, ETA, MatrixProduct, Partial

BATCH_SIZES = ("m", "n", "N", "M")  # the letters of a batch's size under a rate (η/m)


def batch_rate(lhs, rhs):
    """``η/m`` in ``W := W - (η/m) ∂J/∂W``: the rate over a batch of m examples, as the
    rule writes it (else None, and the rate is η)."""
    step = Partial(COST, lhs)
    if not isinstance(rhs, sp.Expr) or not rhs.has(step):
        return None
    # (η/m) ∂J/∂W is kept in order as a matrix product; its scalar factors commute
    rhs = rhs.replace(lambda e: isinstance(e, MatrixProduct), lambda e: sp.Mul(*e.args))
    coef = sp.cancel((lhs - rhs) / step)
    rate = rate_in(coef, None) if isinstance(coef, sp.Expr) and not coef.has(Partial) else None
    if rate is None:
        return None
    size = sp.cancel(rate / coef)  # m: the rate is divided by the batch's size, and only so
    if not isinstance(size, sp.Symbol) or size.name not in BATCH_SIZES:
        return None
    return coef


def rate_in(expr, default=ETA):
    """The learning-rate symbol ``expr`` writes (η, α, λ), else ``default``."""
    for s in sorted(expr.free_symbols, key=str):
        if s.name in ("eta", "alpha", "lambda") and s.is_positive:
            return s
    return default

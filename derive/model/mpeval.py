"""Evaluate a --graph expression at 50 digits with mpmath, node by node.

It lives with the model because the grammar also uses it, to refuse
constants such as exp(exp(1e30)) where they are written; the worked numbers
(``derive.numbers.worked_graph``) use it for every value.

The graph's expressions are sympy trees built by our own grammar, so the set
of node types is small and known; walking them here (instead of sympy's
``evalf`` and a string round trip into mpmath) means every case is decided
by us: σ and softmax are computed stably, and a result that is not a real
number (a negative base to a fractional power, log of a non-positive
number), a division by zero, or a number too large to work with is one
``NumberError`` naming the quantity, never a traceback or an attempt to
write out e^(e^(e^3)) digit by digit.
"""
import mpmath
import sympy as sp

from derive.errors import NumberError
from derive.model import functions as F
from derive.model.symbols import plain

# Beyond this size numbers are refused: float64 (JSON) ends at 1.8e308, and a
# worked example with larger numbers says nothing a student can use.
MAX_ABS = mpmath.mpf("1e300")
# Inside an expression larger numbers may pass (log(1 + exp(1000)) is 1000),
# up to 10^(10^5), which mpmath handles at once; an exp tower stops here.
_BIG_DIGITS = 100_000
_BIG = mpmath.mpf(10) ** _BIG_DIGITS
_MAX_EXP_ARG = _BIG_DIGITS * mpmath.log(10)  # exp(x) above this would exceed _BIG
MAX_NODES = 20_000  # sympy nodes walked for one expression (derivations of big graphs)


class _Refused(Exception):
    """Raised inside the walk; turned into a NumberError that names the quantity."""


def evaluate(expr, env, name):
    """The value of sympy ``expr`` (an mpmath mpf) with symbols from ``env``
    (symbol -> mpf).  ``name`` says which quantity this is, for errors.
    Runs in the caller's mpmath precision."""
    budget = [MAX_NODES]
    try:
        v = _eval(plain(expr), env, budget)
        if abs(v) > MAX_ABS:
            raise _Refused(f"it is about {mpmath.nstr(v, 3)}, beyond ±1e300")
        return v
    except _Refused as e:
        raise NumberError(f"{name} cannot be computed at these values: {e}") from None
    except RecursionError:
        raise NumberError(f"{name} is nested too deeply to evaluate") from None


def constant_problem(expr, dps=30):
    """Why the constant ``expr`` (no free symbols) is not a real number we can
    work with, or None.  The grammar asks this of every constant it builds,
    before sympy's own constructors evaluate it (sympy's evalf of
    log(1 + exp(exp(1e30))) overflows deep inside mpmath)."""
    with mpmath.workdps(dps):
        try:
            _eval(expr, {}, [MAX_NODES])
        except _Refused as e:
            return str(e)
        except RecursionError:
            return "it is nested too deeply"
    return None


def _check(v):
    if not mpmath.isfinite(v):
        raise _Refused("the result is not a finite number")
    if abs(v) > _BIG:
        raise _Refused(f"an intermediate number is beyond 10^{_BIG_DIGITS}")
    return v


def _eval(e, env, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused("the expression is too large")
    if e.is_Number:
        if e.is_Rational:
            return _check(mpmath.mpf(e.p) / e.q)
        if e.is_Float:
            return _check(mpmath.mpf(e._mpf_))
        raise _Refused(f"{e} is not a finite real number")  # zoo, oo, nan
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        if e in env:
            return env[e]
        raise _Refused(f"no value for {e}")
    if e is sp.E:
        return mpmath.e
    if e is sp.pi:
        return +mpmath.pi
    args = e.args
    if isinstance(e, sp.Add):
        return _check(mpmath.fsum(_eval(a, env, budget) for a in args))
    if isinstance(e, sp.Mul):
        out = mpmath.mpf(1)
        for a in args:
            out = _check(out * _eval(a, env, budget))
        return out
    if isinstance(e, sp.Pow):
        return _power(_eval(args[0], env, budget), args[1], env, budget)
    if isinstance(e, F.softmax):
        i = int(args[0])
        zs = [_eval(a, env, budget) for a in args[1:]]
        m = max(zs)
        es = [mpmath.exp(z - m) for z in zs]  # each ≤ 1: no overflow
        return _check(es[i] / mpmath.fsum(es))
    if len(args) != 1:
        raise _Refused(f"cannot evaluate {type(e).__name__}")
    x = _eval(args[0], env, budget)
    return _check(_unary(e, x))


def _power(base, exponent, env, budget):
    if exponent.is_Integer:
        n = int(exponent)
        if base == 0 and n < 0:
            raise _Refused("it divides by zero")
        if base != 0 and n * mpmath.log(abs(base), 10) > _BIG_DIGITS:
            raise _Refused(f"a power is beyond 10^{_BIG_DIGITS}")
        return _check(base ** n)
    p = _eval(exponent, env, budget)
    if base < 0:
        raise _Refused(f"({mpmath.nstr(base, 4)})^{mpmath.nstr(p, 4)} is not a real number")
    if base == 0:
        if p > 0:
            return mpmath.mpf(0)
        raise _Refused("it divides by zero (0 to a power that is not positive)")
    if p * mpmath.log(base) > _MAX_EXP_ARG:
        raise _Refused(f"a power is beyond 10^{_BIG_DIGITS}")
    return _check(mpmath.power(base, p))


def _sigmoid(x):
    # 1/(1 + e^{-x}) for x ≥ 0, e^{x}/(1 + e^{x}) below: neither exponential overflows
    if x >= 0:
        return 1 / (1 + mpmath.exp(-x))
    ex = mpmath.exp(x)
    return ex / (1 + ex)


def _unary(e, x):
    if isinstance(e, sp.exp):
        if x > _MAX_EXP_ARG:
            raise _Refused(f"exp({mpmath.nstr(x, 4)}) is beyond 10^{_BIG_DIGITS}")
        return mpmath.exp(x)
    if isinstance(e, sp.log):
        if x <= 0:
            raise _Refused(f"log({mpmath.nstr(x, 4)}) is not a real number")
        return mpmath.log(x)
    if isinstance(e, sp.tanh):
        return mpmath.tanh(x)
    if isinstance(e, F.sigmoid):
        return _sigmoid(x)
    if isinstance(e, F.sigmoid_prime):
        s = _sigmoid(abs(x))  # σ'(x) = σ(|x|) σ(−|x|), both factors without cancellation
        return s * _sigmoid(-abs(x))
    if isinstance(e, F.relu):
        return x if x > 0 else mpmath.mpf(0)
    if isinstance(e, F.relu_prime):
        return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)
    if isinstance(e, F.tanh_prime):
        return mpmath.sech(x) ** 2
    if isinstance(e, sp.Abs):
        return abs(x)
    raise _Refused(f"cannot evaluate {type(e).__name__}")

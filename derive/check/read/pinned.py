"""Numbers a claim's substitution line gives, and what a printed value determines.

A worked example that writes only part of its forward pass still prints the numbers
it used, inside a claim::

    \\frac{\\partial E}{\\partial out_{o1}} = -(target_{o1} - out_{o1}) = -(0.01 - 0.75136507)

The substitution has the formula's shape with numbers for names, so it says
target_o1 = 0.01 (a target the document gives nowhere else) and out_o1 = 0.75136507.
``determine`` turns those into givens of the example:

* a leaf without a number of its own (a target, an input) takes the substituted
  number, exactly, as a definition's substitution line gives its leaves' numbers;
* a computed quantity whose formula needs exactly one leaf the document never
  gives a number for (out_o1 = σ(net_o1), net_o1 never computed) fixes that leaf:
  the formula is inverted step by step through functions that are one-to-one
  (adding or multiplying a known number, 1/u, exp, log, tanh), so the leaf's value
  is the only one that prints the number.  The printed number is rounded, so the
  leaf is known only to the width the last printed digit allows; that width is
  returned with it and ``judge.examples`` adds what it moves a line by to the line's
  tolerance.  Nothing here is a guess: a formula that is not one-to-one in the leaf
  (a square, a sum of two uses) fixes nothing.

A name substituted with two different numbers by two claims fixes nothing either.
"""
import mpmath
import sympy as sp

from derive.model.functions import concrete

DPS = 50
MAX_PINNED = 20


def claimed(links, substituted, formula_of, substitutions):
    """Add to ``substituted`` (name -> set of printed numbers) what the substitution line
    of a claim's chain puts for the names of its first formula; ``formula_of`` and
    ``substitutions`` are the reader's (``read.declared``)."""
    if not links or links[0].relation != "=":
        return
    try:
        formula = formula_of(links[0].rhs.s)
    except Exception:  # noqa: BLE001 - not a formula in the graph language: no numbers
        return
    pairs = {}
    substitutions(links[1:], formula, pairs, text=True)
    for name, number in pairs.items():
        substituted.setdefault(name, set()).add(number)


def determine(graph, substituted, givens, numbers):
    """(givens, units): new exact givens (name -> Rational) of leaves, and the leaves
    fixed by a printed computed value (name -> (Rational, Rational unit)).
    ``substituted`` maps a name to the printed strings claims substituted for it;
    ``givens``/``numbers`` are what the document already gives.  Never raises."""
    try:
        return _determine(graph, substituted, givens, numbers)
    except Exception:  # noqa: BLE001 - what the numbers fix is a best effort
        return {}, {}


def _determine(graph, substituted, givens, numbers):
    have = {**numbers, **givens}
    exact, units = {}, {}
    printed = {}
    for name, strings in substituted.items():
        values = {sp.Rational(s) for s in strings}
        if len(values) != 1:
            continue  # two claims disagree on it: it is not fixed
        node = graph.by_symbol.get(sp.Symbol(name))
        if node is None:
            continue
        if node.is_leaf:
            if name not in have:
                exact[name] = values.pop()
        else:
            printed[name] = max(strings, key=_decimals)
    have = {**have, **exact}
    for name, text in list(printed.items())[:MAX_PINNED]:
        node = graph.by_symbol[sp.Symbol(name)]
        expr = _in_leaves(node)
        missing = [s for s in expr.free_symbols if str(s) not in have and str(s) not in units]
        if len(missing) != 1:
            continue
        leaf = missing[0]
        known = {s: have[str(s)] for s in expr.free_symbols if s != leaf}
        with mpmath.workdps(DPS):
            c = mpmath.mpf(sp.Rational(text).p) / sp.Rational(text).q
            unit = mpmath.mpf(10) ** -_decimals(text)
            centre = _invert(expr, leaf, c, known)
            lo, hi = _invert(expr, leaf, c - unit, known), _invert(expr, leaf, c + unit, known)
            if centre is None or lo is None or hi is None:
                continue
            width = max(abs(lo - centre), abs(hi - centre))
            units[str(leaf)] = (_rational(centre), _rational(width))
    return exact, units


def _decimals(text):
    return len(text.partition(".")[2])


def _rational(x):
    scale = 10 ** 40
    return sp.Rational(int(mpmath.nint(x * scale)), scale)


def _in_leaves(node):
    """The node's formula with every computed parent replaced by its own formula."""
    memo = {}

    def walk(n):
        if n.is_leaf:
            return n.symbol
        if id(n) not in memo:
            memo[id(n)] = concrete(n.expr).xreplace({p.symbol: walk(p) for p in n.parents})
        return memo[id(n)]

    return walk(node)


def _number(expr, known):
    v = sp.N(expr.xreplace(known), DPS)
    if not v.is_number or not v.is_real:
        raise ValueError("not a real number")
    return mpmath.mpf(str(v))


def _invert(expr, leaf, c, known, depth=0):
    """The one value of ``leaf`` at which ``expr`` is ``c``, through one-to-one steps
    only, or None."""
    if depth > 30:
        return None
    try:
        if expr == leaf:
            return c
        if isinstance(expr, sp.Add):
            inner = [t for t in expr.args if t.has(leaf)]
            if len(inner) != 1:
                return None
            rest = _number(sp.Add(*[t for t in expr.args if not t.has(leaf)]), known)
            return _invert(inner[0], leaf, c - rest, known, depth + 1)
        if isinstance(expr, sp.Mul):
            inner = [t for t in expr.args if t.has(leaf)]
            if len(inner) != 1:
                return None
            k = _number(sp.Mul(*[t for t in expr.args if not t.has(leaf)]), known)
            return None if k == 0 else _invert(inner[0], leaf, c / k, known, depth + 1)
        if isinstance(expr, sp.Pow) and expr.exp == -1 and c != 0:
            return _invert(expr.base, leaf, 1 / c, known, depth + 1)
        if isinstance(expr, sp.exp) and c > 0:
            return _invert(expr.args[0], leaf, mpmath.log(c), known, depth + 1)
        if isinstance(expr, sp.log):
            return _invert(expr.args[0], leaf, mpmath.exp(c), known, depth + 1)
        if isinstance(expr, sp.tanh) and abs(c) < 1:
            return _invert(expr.args[0], leaf, mpmath.atanh(c), known, depth + 1)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    return None

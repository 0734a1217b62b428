"""The numbers say what was meant: a definition whose printed number disagrees with it.

A worked example prints the value of every quantity it defines::

    out_{h1} = \\frac{1}{1+e^{net_{h1}}} = 0.593269992

and 0.593269992 is σ(0.3775) = 1/(1+e^{-0.3775}), not 1/(1+e^{0.3775}) = 0.4067: the
minus was lost in typing, and every later line (∂out/∂net = out(1 − out), the numbers)
uses the sigmoid.  Read literally, that one slip would make forty correct lines wrong.

``reconcile`` evaluates the document's forward pass at the numbers it gives, in exact
arithmetic, and where a definition disagrees with its own printed value beyond its
rounding it tries the few slips people make in a definition (the sign of an exponent,
a factor ½ or 2).  A variant that gives the printed number *and* is the only one that
does becomes the meaning used for the later lines; the definition itself stays a claim,
is judged against that meaning and gets the diagnosis (``Repair``).  Nothing is
evaluated from the text: formulas are the graph language's, built by its own grammar.
"""
from dataclasses import dataclass

import mpmath
import sympy as sp

from derive.model.functions import concrete
from derive.model.graphspec import parse_graph

MAX_REPAIRS = 5


@dataclass
class Repair:
    """Line ``line`` defines ``name`` as ``written``; its number says ``meant``."""

    line: int
    name: str
    written: str
    meant: str
    what: str  # 'exponent_sign' | 'half_missing' | 'half_extra'
    printed: object  # the printed number (sympy Rational)


def _matching(tokens, i):
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == "(":
            depth += 1
        elif tokens[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return None


def variants(formula):
    """(what, formula) for the slips a definition may hold, in the graph language."""
    tokens = formula.split()
    out = []
    for i, t in enumerate(tokens):
        if t == "exp" and i + 1 < len(tokens) and tokens[i + 1] == "(":
            end = _matching(tokens, i + 1)
            if end is None:
                continue
            inner = tokens[i + 2:end]
            out.append(("exponent_sign", " ".join(
                tokens[:i + 2] + ["-", "("] + inner + [")"] + tokens[end:])))
    out.append(("half_missing", f"( 1 / 2 ) * ( {formula} )"))
    out.append(("half_extra", f"2 * ( {formula} )"))
    return out


def _close(value, printed, decimals):
    """``value`` equals ``printed`` to the digits shown (and the rounding carried into
    it from earlier rounded lines): a loose test, for telling two readings apart."""
    tol = max(mpmath.mpf(10) ** -decimals, abs(mpmath.mpf(printed.p) / printed.q) * 1e-4)
    return abs(value - mpmath.mpf(printed.p) / printed.q) <= tol


def _values(graph, known):
    """Each node's value at the leaves' numbers ``known`` (name -> Rational), where
    every leaf it depends on has one."""
    values = {}
    with mpmath.workdps(40):
        for node in graph.nodes:
            name = str(node.symbol)
            if node.is_leaf:
                if name in known:
                    values[node.symbol] = known[name]
                continue
            if not all(p.symbol in values for p in node.parents):
                continue
            try:
                v = sp.N(concrete(node.expr).xreplace(
                    {p.symbol: values[p.symbol] for p in node.parents}), 40)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                continue
            if v.is_real and v.is_finite:
                values[node.symbol] = v
    return {str(s): mpmath.mpf(str(v)) for s, v in values.items()}


def reconcile(defined, head, lines, printed, known, name):
    """(defined, repairs): ``defined`` (name -> formula) with each definition that its
    printed number contradicts replaced by the one slip-free variant that gives it.
    ``head`` is the graph file's declaration lines; ``printed`` maps a name to
    (Rational, decimals); ``known`` the leaves' numbers.  Never raises."""
    repairs = []
    try:
        graph = _build(head, defined, name)
    except Exception:  # noqa: BLE001 - no graph, nothing to reconcile
        return defined, repairs
    for target in list(defined):
        if target not in printed or len(repairs) >= MAX_REPAIRS:
            continue
        value, decimals = printed[target]
        got = _values(graph, known).get(target)
        if got is None or _close(got, value, decimals):
            continue
        fits = []
        for what, formula in variants(defined[target]):
            trial = dict(defined, **{target: formula})
            try:
                g2 = _build(head, trial, name)
            except Exception:  # noqa: BLE001 - a variant that does not build is no reading
                continue
            v2 = _values(g2, known).get(target)
            if v2 is not None and _close(v2, value, decimals):
                fits.append((what, formula, g2))
        if len(fits) != 1:
            continue  # none, or several readings: the number does not say which
        what, formula, graph = fits[0]
        repairs.append(Repair(lines[target], target, defined[target], formula, what, value))
        defined = dict(defined, **{target: formula})
    return defined, repairs


def _build(head, defined, name):
    statements = list(head) + [f"{n} = {f}" for n, f in defined.items()]
    graph, _ = parse_graph("\n".join(statements) + "\n", source=name)
    return graph



def against(declared, graph):
    """Repairs that say how the document's definitions differ from a network given
    with --graph: for each quantity both define, the one slip (``variants``) that
    turns the document's formula into the network's (tested at a few exact points;
    a diagnosis only, never a verdict).  ``meant`` is then the network's formula."""
    import random

    out = []
    rng = random.Random(0)
    for name, formula in declared.defined.items():
        node, mine = _node(graph, name), _node(declared.graph, name)
        if node is None or node.is_leaf or mine is None or mine.is_leaf:
            continue
        theirs = concrete(node.expr)
        leaves = sorted(theirs.free_symbols | concrete(mine.expr).free_symbols, key=str)
        points = [{s: sp.Rational(rng.randint(-90, 90), 37) for s in leaves} for _ in range(3)]

        def same(expr):
            try:
                return all(abs(sp.N((concrete(expr) - theirs).xreplace(p), 30)) < 1e-20
                           for p in points)
            except (TypeError, ValueError, ZeroDivisionError):
                return False

        if same(mine.expr):
            continue
        fits = []
        for what, variant in variants(formula):
            try:
                g2 = _build(declared.statements[:declared.head],
                            dict(declared.defined, **{name: variant}), "variant")
            except Exception:  # noqa: BLE001 - a variant that does not build is no reading
                continue
            if same(_node(g2, name).expr):
                fits.append(what)
        if len(fits) == 1:
            out.append(Repair(declared.line_of[name], name, formula, str(node.expr), fits[0],
                              None))
        if len(out) >= MAX_REPAIRS:
            break
    return out


def _node(graph, name):
    """The node a graph names ``name`` (its cost node under its written name too)."""
    if name == getattr(graph, "cost_name", None):
        return graph.cost
    return graph.by_symbol.get(sp.Symbol(name))

"""Quantities a document gives only as numbers, "computed the same way" as a sibling.

Step-by-step posts write the formula for one unit and only the number for the next::

    E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2 = … = 0.274811083
    E_{o2} = 0.023560026            (“repeating this process for o2”)

``infer`` forms the analogous formula of such a quantity from a sibling of the same
kind (same name, another unit index: E_o1/E_o2, out_h1/out_h2, yhat1/yhat2) by renaming
the sibling's index in it and in the quantities it uses (out_o1 → out_o2, t1 → t2), and
keeps it only if, at the document's own numbers, it reproduces the printed number to
its printed digits (the rule of ``judge.examples``: the result ±1 unit of its last
digit, each carried printed number ±1 unit of its own, the givens exact).  Otherwise the
quantity stays a stand-in, as before.  That the formula is the document's meaning is an
inference confirmed by a number: the checker says so in the notes of the steps that use
it (``Inference``).  Nothing is evaluated from the text: the formulas are the graph
language's, built by its own grammar (``meaning._build``).
"""
import itertools
import re
from dataclasses import dataclass

import mpmath
import sympy as sp

from derive.check.read.meaning import _build, _values
from derive.model.graph import upstream

MAX_INFERRED = 20
MAX_RENAMED = 6  # tokens a renaming may choose among (2**6 trials at most)
MAX_TRIALS = 300  # renamed formulas built and evaluated, in all, per document
SLACK = mpmath.mpf("1.1")

_INDEXED = re.compile(r"(?P<head>[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z_])?)(?P<index>[0-9]+)")


@dataclass
class Inference:
    """``name`` (printed ``printed`` on line ``line``) read as ``formula``, the formula
    of ``sibling`` for its own index."""

    line: int
    name: str
    formula: str
    sibling: str
    printed: object
    decimals: int = 0


def _split(name):
    m = _INDEXED.fullmatch(name)
    return (m.group("head"), m.group("index")) if m else (None, None)


def _candidates(formula, old, new, known_names):
    """Renamings of ``formula`` from index ``old`` to ``new``: every name with index
    ``old`` first, then each smaller choice of them (a weight's index is not a unit's)."""
    tokens = formula.split()
    spots = []
    for i, t in enumerate(tokens):
        head, index = _split(t)
        if index == old and head + new in known_names:
            spots.append(i)
    if not spots or len(spots) > MAX_RENAMED:
        return
    for size in range(len(spots), 0, -1):
        for chosen in itertools.combinations(spots, size):
            out = list(tokens)
            for i in chosen:
                out[i] = _split(out[i])[0] + new
            yield size == len(spots), " ".join(out)


def _leaves(defined, formula):
    used = set()
    for f in list(defined.values()) + [formula]:
        used |= {t for t in re.findall(r"[A-Za-z][A-Za-z0-9_]*", f)}
    return sorted(used - set(defined) - _FUNCTION_WORDS)


_FUNCTION_WORDS = {"sigmoid", "exp", "log", "tanh", "relu", "sqrt"}


class _Budget(Exception):
    """The document's trials are spent: what is inferred so far stands."""


def _fits(defined, target, formula, known, rounded, value, decimals, name, spent):
    """Whether ``target = formula`` gives ``value`` to ``decimals`` at ``known``;
    ``rounded`` maps the printed (carried) numbers among them to their unit."""
    spent.append(1)
    if len(spent) > MAX_TRIALS:
        raise _Budget
    trial = dict(defined, **{target: formula})
    leaves = [leaf for leaf in _leaves(trial, "") if leaf != target]
    if not leaves:
        return False
    head = [f"params: {', '.join(leaves)}"]
    try:
        graph = _build(head, trial, name)
    except Exception:  # noqa: BLE001 - a renaming that does not build is no reading
        return False
    with mpmath.workdps(40):
        got = _values(graph, known).get(target)
        if got is None:
            return False
        allowed = mpmath.mpf(1) / 10 ** decimals
        node = graph.by_symbol.get(sp.Symbol(target))
        deps = {str(s) for s in _reach(node)} if node is not None else set()
        for leaf in sorted(deps & set(rounded)):
            unit = rounded[leaf]
            up = _values(graph, dict(known, **{leaf: known[leaf] + unit})).get(target)
            down = _values(graph, dict(known, **{leaf: known[leaf] - unit})).get(target)
            if up is None or down is None:
                return False
            allowed += max(abs(up - got), abs(down - got))
        return abs(got - mpmath.mpf(value.p) / value.q) <= allowed * SLACK  # examples' rule


def _reach(node):
    return (n.symbol for n in upstream(node) if n.is_leaf)


def infer(defined, alone, givens, substitute, name):
    """(defined, givens, inferences): ``defined`` (name -> formula) with each quantity
    of ``alone`` (name -> (value, decimals, line, links)) that a renamed sibling's
    formula reproduces added.  ``givens`` are the exact numbers; ``substitute(links,
    formula, out)`` reads a substitution line's numbers into ``out``.  Never raises."""
    inferences = []
    try:
        return _infer(dict(defined), alone, dict(givens), substitute, name, inferences)
    except Exception:  # noqa: BLE001 - an inference is a best effort, never a failure
        return defined, givens, []


def _infer(defined, alone, givens, substitute, name, inferences):
    spent = []
    try:
        return _rounds(defined, alone, givens, substitute, name, inferences, spent)
    except _Budget:
        return defined, givens, inferences


def _rounds(defined, alone, givens, substitute, name, inferences, spent):
    progress = True
    while progress and len(inferences) < MAX_INFERRED:
        progress = False
        for target, (value, decimals, line, links) in alone.items():
            if target in defined:
                continue
            head, new = _split(target)
            if head is None:
                continue
            found = _one(defined, alone, givens, substitute, name, target, head, new,
                         value, decimals, links, spent)
            if found is None:
                continue
            sibling, formula, pairs = found
            defined[target] = formula
            for k, v in pairs.items():
                givens.setdefault(k, v)
            inferences.append(Inference(line, target, formula, sibling, value, decimals))
            progress = True
            if len(inferences) >= MAX_INFERRED:
                break
    return defined, givens, inferences


def _one(defined, alone, givens, substitute, name, target, head, new, value, decimals,
         links, spent):
    """(sibling, formula, numbers read) of the one renaming that gives the number."""
    names = set(defined) | set(alone) | set(givens)
    for f in defined.values():
        names |= set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", f))
    full, partial = [], []
    heads = {_split(n)[0] for n in defined}
    for sibling, formula in defined.items():
        s_head, old = _split(sibling)
        if s_head != head or old == new:
            continue
        for whole, cand in _candidates(formula, old, new, names | {head + new}):
            if target in cand.split():
                continue
            pairs = {}
            substitute(links, cand, pairs)
            known = {k: v for k, v in {**{a: alone[a][0] for a in alone if a != target},
                                       **givens, **pairs}.items()}
            rounded = {a: sp.Rational(1, 10 ** alone[a][1]) for a in alone
                       if a != target and a not in givens and a not in pairs
                       and _split(a)[0] in heads}  # a result, carried: rounded
            known = {k: sp.Rational(v) for k, v in known.items()}
            if _fits(defined, target, cand, known, rounded, value, decimals, name, spent):
                (full if whole else partial).append((sibling, cand, pairs))
    if len({c for _, c, _ in full}) == 1:
        return full[0]
    if not full and len({c for _, c, _ in partial}) == 1:
        return partial[0]
    return None


_FONT = re.compile(r"\\(?:mathrm|mathit|text|textrm|textit|operatorname|mathbf|boldsymbol)")


def _plain(source):
    """A line's LaTeX with fonts, braces and spaces gone: ``E_{o2}`` → ``E_o2``,
    ``\\hat{y}_2`` → ``yhat_2``."""
    s = re.sub(r"\\(?:hat|widehat)\s*\{\s*([A-Za-z]+)\s*\}", r"\1hat", source)
    s = re.sub(r"\\(?:hat|widehat)\s*\{\s*([A-Za-z]+)([0-9]+)\s*\}", r"\1hat\2", s)
    s = re.sub(r"\\[A-Za-z]+", "#", _FONT.sub("", s))  # \\partial h_2: a separator
    return re.sub(r"[{}\s]", "", s)


def _mention(name):
    """``name`` in a ``_plain`` line: ``h2`` also as ``h_2``, ``yhat_2`` also as ``yhat2``."""
    head, index = _split(name)
    forms = {name}
    if head is not None:
        forms |= {head.rstrip("_") + index, head.rstrip("_") + "_" + index}
    alts = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    return re.compile(r"(?<![A-Za-z0-9_])(?:%s)(?![A-Za-z0-9_])" % alts)


def _shown(value, decimals):
    """A printed number as it was printed: 11780013/500000000 with 9 decimals → 0.023560026."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        return format(Decimal(value.p) / Decimal(value.q), f".{decimals}f")


def _readable(graph, inference):
    node = graph.by_symbol.get(sp.Symbol(inference.name)) if graph is not None else None
    return str(node.expr) if node is not None else inference.formula


def note_steps(verdicts, inferences, graph=None):
    """The steps that use a quantity read by its number (mention it, from its line on)
    say so: the first with the whole reading, once, the later ones briefly.  A note
    never changes a verdict."""
    for inference in inferences:
        written = _mention(inference.name)
        first = True
        for v in verdicts:
            if v.line < inference.line or not written.search(_plain(v.source or "")):
                if v.line != inference.line:
                    continue
            params = (("name", inference.name), ("formula", _readable(graph, inference)),
                      ("sibling", inference.sibling),
                      ("printed", _shown(inference.printed, inference.decimals)),
                      ("line", inference.line))
            v.notes = list(v.notes) + [("sibling_formula" if first else "sibling_used", params)]
            first = False

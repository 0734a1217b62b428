"""Steps the network nobody chose cannot refute.

With no network given and none declared, derive checks a document on an assumed one
(1-1-1, or 2-3-2 for index form, with the quadratic cost).  That network's choices are
derive's, not the author's, so a step that is wrong only because of one of them is open,
with the reason, never wrong:

- the cost the document never states: a step wrong for the quadratic cost but right for
  the cross-entropy one (``δ^L_j = a^L_j − y_j``) depends on it;
- the input and target, which are givens: a line that gives x or y a formula in other
  letters (``x = 2z`` in a toy example) defines letters of its own;
- a word written in letters (``net_k``, ``out_j``), which the layered reading takes as
  a product n·e·t_k (t the target): wrong as a product says nothing of the name.
"""
import re

from derive.check.judge.ruling import GUESS_FAILED
from derive.check.judge.verify import Checker


def other_cost_checker(network, notation, seed, step_seconds):
    """A checker on the same assumed network with the cross-entropy cost, for a document
    that defines no cost: a step wrong for the assumed quadratic cost but right for
    another is open (``cost_open``), never wrong."""
    from derive.model.network import Network

    if not getattr(network, "cost_unsaid", False) or network.cost_name != "quadratic":
        return None  # the document or the options say the cost
    try:
        other = Network(network.widths, network.activations, "cross-entropy", network.bias)
        other.rows = getattr(network, "rows", False)  # a matrix pass's own layout (read.matrixpass)
        other.bias_column = getattr(network, "bias_column", False)
    except Exception:  # noqa: BLE001 - an activation the cross-entropy cost does not take
        return None
    return Checker(other, notation, seed=seed, step_seconds=step_seconds)


def cost_open(got, other, checker, chain, source, deadline):
    """The verdicts of ``chain`` where a step wrong for the assumed quadratic cost is
    right for the cross-entropy one: the document never says its cost, so the step is
    open, with the reason and the option that decides it."""
    checker.share_readings(other)
    other.case = checker.case
    try:
        again = other.check_chain(chain, source, deadline)
    finally:
        other.case = None
    if len(again) != len(got):
        return got
    for v, w in zip(got, again):
        widened = any(n[0].startswith("assumed_wide") for n in v.notes)
        # a verdict of the wider network (judge.widen) is not the one-unit one ``other`` gave
        if v.status == "wrong" and w.status == "correct" and not widened:
            v.status, v.code, v.diagnosis = "unknown", "cost_undefined", None
            v.params = {"assumed": checker.network.cost_name, "holds": other.network.cost_name}
            v.expected = None
    return got


def gives_a_given(network, first):
    """Whether the first step of a chain says an input or target of the assumed network
    (x, y, t) equals a formula in other letters, and is not right."""
    from derive.model.symbols import label

    if not getattr(network, "by_default", False) or first.status in ("correct", "unparsed"):
        return False
    lab = label(first.lhs) if first.lhs is not None else None
    return lab is not None and lab[0] in ("x", "y", "t") and bool(
        getattr(first.rhs, "free_symbols", None))


_WORD_NAME = re.compile(r"(?<![\\A-Za-z])([A-Za-z]{3,})_(\{[A-Za-z0-9]+\}|[A-Za-z0-9])")
_MATH_WORDS = {"sigma", "sigmoid", "delta", "theta", "alpha", "beta", "gamma", "lambda", "eta",
               "tanh", "relu", "ReLU", "softmax", "exp", "log", "max", "min", "sum", "prod"}


def words_as_letters(found):
    """Wrong steps that write a name as a word with a subscript (``net_k``): open, since
    the assumed network reads the word letter by letter (``wrong`` would judge n·e·t_k)."""
    for v in found:
        # a quantity the assumed network lacks may be the word read letter by letter
        if v.status != "wrong" and v.code not in GUESS_FAILED:
            continue
        for m in _WORD_NAME.finditer(v.source or ""):
            if m.group(1) not in _MATH_WORDS:
                v.status, v.code, v.diagnosis, v.expected = "unknown", "word_as_letters", None, None
                v.params = {"name": m.group(0)}
                break

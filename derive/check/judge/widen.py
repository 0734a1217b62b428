"""Judging again on layers of two units what one unit per layer cannot tell.

With no network given and none declared, derive assumes 1-1-1.  There a statement
about units j, k is tried at j = k = 1 only, and a statement written with matrices
(``W^T δ``, ``dZ A^T``) reduces to numbers, where a matrix and its transpose, AB and
BA agree.  Such steps come back from the checker as unknown (``one_unit_default``,
``one_unit_matrix``) and ``widened`` judges them again on 2-2-2, in the document's
vector convention: rows where it writes its forward pass ``xW + b`` (cs231n), columns
otherwise (the deeplearning.ai course, derive's own).  A matrix step wrong there is
wrong only where the document shows its convention; otherwise it is undecided.
"""
import re
from dataclasses import replace

from derive.check.judge.verify import Checker

WIDENED = ("one_unit_default", "one_unit_matrix")
# a forward pass written vector-first, cs231n's h = xW_1 + b_1 or z = a \cdot W: vectors are rows
ROWS = re.compile(r"=\s*(?:\\(?:mathbf|boldsymbol|vec)\s*\{\s*)?[a-z](?:_\{?\w{1,3}\}?)?\s*\}?"
                   r"\s*(?:\\cdot\s*)?(?:\\(?:mathbf|boldsymbol)\s*\{\s*)?W(?![a-z])[^=\n]{0,40}\+\s*b")


def wide_checker(network, notation, seed, step_seconds, rows=False):
    """A checker on layers of two units, for the statements about units j, k that the
    assumed 1-1-1 network (no network given, none declared) can only try at j = k = 1,
    and for the statements written with matrices (transposes, products), whose order
    one unit per layer cannot tell.  ``rows``: the document writes its forward pass
    with vectors as rows (``h = xW + b``); its matrix statements are judged that way,
    and ``other`` holds the checker of the other convention."""
    from derive.model.network import Network

    if not getattr(network, "assumed", False) or any(w != 1 for w in network.widths):
        return None
    wide = Network([2] * len(network.widths), network.activations, network.cost_name,
                   network.bias)
    wide.assumed = True
    out = Checker(wide, notation, seed=seed, step_seconds=step_seconds)
    out.other = Checker(wide, notation, seed=seed, step_seconds=step_seconds)
    out.inst.rows, out.other.inst.rows = rows, not rows
    # z = a W + b^T: b is a column even where vectors are rows (read.matrixpass)
    out.inst.bias_column = rows and getattr(network, "bias_column", False)
    return out


def widened(got, wide, checker, chain, source, deadline):
    """The verdicts of ``chain`` where the steps that hold for one unit per layer are
    judged again on two units per layer (``wide_checker``)."""
    if getattr(wide, "disagrees", False):
        return got
    checker.share_readings(wide)
    again = wide.check_chain(chain, source, deadline)
    if len(again) != len(got):
        return got
    if any(v.code == "one_unit_matrix" and w.status == "wrong" for v, w in zip(got, again)):
        again = _other_convention(again, got, wide, checker, chain, source, deadline)
    out = []
    for v, w in zip(got, again):
        if v.code == "one_unit_matrix":
            if w.status in ("correct", "wrong"):
                w.notes = list(w.notes) + [("assumed_wide_matrix", (
                    ("layers", "-".join(map(str, wide.network.widths))),
                    ("rows", wide.inst.rows)))]
            out.append(w if w.status != "unknown" or w.code != "one_unit_matrix" else v)
            continue
        if v.code == "one_unit_default" and w.status == "wrong" and _defines(w.lhs):
            # the document's own z_j or a_j is not the assumed network's (w_ij for w_ji):
            # its units follow a convention of its own, which the assumed network cannot judge
            wide.disagrees = True
            return got
        if v.code == "one_unit_default" and w.status == "wrong" and _with_and_without_unit(w):
            out.append(v)  # ŷ_i beside a bare ŷ: one unit, or the whole layer? not ours to say
            continue
        if v.code == "one_unit_default" and w.status in ("correct", "wrong"):
            net = wide.network
            w.notes = list(w.notes) + [("assumed_wide", (
                ("cost", net.cost_name), ("layers", "-".join(map(str, net.widths))),
                ("output", net.activations[-1])))]
            v = w
        out.append(v)
    return out


def _other_convention(again, got, wide, checker, chain, source, deadline):
    """The wide verdicts, where a matrix statement is wrong with derive's default
    vectors (columns) in a document that shows no convention of its own (neither the
    course's brackets nor a forward pass ``xW + b``): unknown, saying whether it holds
    with rows."""
    if wide.inst.rows:
        return again  # the document wrote xW + b: its rows decide
    other = wide.other
    checker.share_readings(other)
    alt = other.check_chain(chain, source, deadline)
    if len(alt) != len(again):
        return again
    out = []
    for v, w, a in zip(got, again, alt):
        # the document's own convention decides: rows where it writes xW + b, columns in
        # the deeplearning.ai course; only a document that shows neither may mean either
        course = any(n[0] == "bracket_layers" for n in w.notes)
        if v.code == "one_unit_matrix" and w.status == "wrong" and not (course or wide.inst.rows):
            # z = w^T a + b for one output unit (w a column of weights) is neither: with
            # no convention of its own, the document is not refuted by derive's
            w = replace(w, status="unknown", code="other_vector_convention" if a.status == "correct"
                        else "no_vector_convention", params={"rows": other.inst.rows},
                        diagnosis=None, expected=None)
        out.append(w)
    return out


def _defines(lhs):
    """Whether a step's left side is a forward quantity z or a (a definition)."""
    from derive.model.symbols import label

    lab = label(lhs) if lhs is not None else None
    return lab is not None and lab[0] in ("z", "a")



def _with_and_without_unit(v):
    """Whether the step writes one quantity both with a unit index and without (ŷ_i and ŷ):
    on one unit per layer they are one number; on two, the bare one is a whole layer, which
    a writer who dropped an index did not mean."""
    import sympy as sp

    exprs = [e for e in (v.lhs, v.rhs) if isinstance(e, sp.Basic)]
    indexed = {i.base for e in exprs for i in e.atoms(sp.Indexed)}
    return bool(indexed & {b for e in exprs for b in _whole_layers(e)})


def _whole_layers(e):
    """The IndexedBase of ``e`` that stand alone, not as the base of an Indexed."""
    import sympy as sp

    if isinstance(e, sp.Indexed):
        return set()
    if isinstance(e, sp.IndexedBase):
        return {e}
    out = set()
    for a in getattr(e, "args", ()):
        if isinstance(a, sp.Basic):
            out |= _whole_layers(a)
    return out


# -- a general layer's derivatives, unit by unit ---------------------------------------------

def unit_checker(network, notation, seed, step_seconds):
    """For a document that writes its layers as subscripts (a_l, W_{l+1}): a checker that
    reads those subscripts the older way, as units, for the steps whose whole-layer reading
    is a derivative of a vector by a vector in rows (``∂J/∂a_l ⊙ ∂a_l/∂z_l``), which the
    writer means entry by entry."""
    if not getattr(notation, "subscript_layers", False):
        return None
    units = replace(notation, subscript_layers=False)
    # on the assumed 1-1-1 network a unit index is tried at 1 only: two units, as widened
    return (wide_checker(network, units, seed, step_seconds)
            or Checker(network, units, seed=seed, step_seconds=step_seconds))


def by_unit(got, units, checker, chain, source, deadline):
    """``got`` with each step that only a whole layer's Jacobian kept open, decided as the
    document means it: one unit at a time (a ✓ there holds for every entry, so for the
    vector; anything else stays open)."""
    checker.share_readings(units)
    again = units.check_chain(chain, source, deadline)
    if len(again) != len(got):
        return got
    out = []
    for v, w in zip(got, again):
        if v.status == "unknown" and v.code == "tensor_derivative" and w.status == "correct":
            w.notes = list(w.notes) + [("entry_by_entry", ())]
            v = w
        out.append(v)
    return out

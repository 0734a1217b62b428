"""A loss letter nothing defines (L, E, J, c), read as *any* cost of the outputs.

``∂L/∂z = ∂L/∂ŷ · ∂ŷ/∂z`` holds whatever L is: both sides are linear in the
first derivatives of L.  Write L = F(a_1, …, a_n) for the outputs a_j; then every
∂L/∂v is Σ_j F_j · ∂a_j/∂v with F_j = ∂F/∂a_j, so a side that is a sum of terms each
with exactly one such derivative is Σ_j F_j A_j, and the step claims
Σ_j F_j A_j = Σ_j F_j B_j.  It holds for every F exactly when A_j = B_j for each j.

Reading L as the network's cost C gives F_j = ∂C/∂a_j, which depends on the target
y_j; the targets are leaves drawn at random and independently, so F_j are
independent random numbers at the checker's points and the usual comparison
decides A_j = B_j for every j: a ✓ holds for every L.  A difference is a real
counterexample (the network's cost is one such L), so the step is wrong.

The reading is taken only when both sides are of that form (degree 1 in
derivatives of L, L nowhere else, no target y and no δ written out, which would tie
F to the network's own cost).  A side without L (``∂L/∂b = 1``) says what L is
rather than what holds for every L, and stays unknown.
"""
import sympy as sp

from derive.model.symbols import COST, IndexSum, Partial, label

CODES = ("derivative_of_unknown", "lhs_derivative_of_unknown")
PREFIX = "cost:"


def letter_of(verdicts):
    """The undefined letter the chain's unknown steps stumble on, or None."""
    names = {v.params.get("name") for v in verdicts if v.status == "unknown" and v.code in CODES}
    names.discard(None)
    if len(names) != 1:
        return None
    name = names.pop()
    return name if name.isalpha() and len(name) <= 2 else None


def degree(expr, deltas=()):
    """1 when ``expr`` is linear and homogeneous in ∂C/∂·, with C nowhere else, no target
    and no δ; 0 when C does not occur; None otherwise."""
    if expr is None or not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
        return None
    for q in expr.atoms(sp.Indexed, sp.IndexedBase):
        lab = label(q)
        if lab is not None and lab[0] in ("y", "delta"):
            return None
    if any(expr.has(d) for d in deltas):
        return None
    # a sum over units is linear: its body has the degree the sum has
    expr = expr.replace(lambda e: isinstance(e, (IndexSum, sp.Sum)), lambda e: e.args[0])
    parts = [d for d in expr.atoms(Partial) if d.args[0] == COST]
    if not parts:
        return None if expr.has(COST) else 0
    if sp.sympify(expr.xreplace({d: sp.S.Zero for d in parts})).has(COST):
        return None
    # scaled by t, a side linear and homogeneous in the derivatives is t times itself:
    # its second derivative in t is 0 and its value at t = 0 is 0 (a Σ_j keeps its j,
    # so the derivatives are scaled in place, never replaced by a symbol)
    t = sp.Dummy("t")
    try:
        scaled = expr.xreplace({d: t * d for d in parts})
        if sp.expand(sp.diff(scaled, t, 2).doit()) != 0:
            return None
        for d in parts[:12]:  # and linear in each one alone (not ∂c/∂a² / ∂c/∂b)
            if sp.expand(sp.diff(expr.xreplace({d: t * d}), t, 2).doit()) != 0:
                return None
        if len(parts) > 12:
            return None
        if sp.expand(scaled.xreplace({t: sp.S.Zero}).doit()) != 0:
            return None
    except Exception:  # noqa: BLE001 - an expression sympy cannot expand is not read this way
        return None
    return 1


def reread(checker, chain, source, deadline_file, out):
    """``out`` with each step that was unknown for an undefined loss letter decided with
    that letter read as any cost, where the step has the form for it."""
    try:
        return _reread(checker, chain, source, deadline_file, out)
    except Exception:  # noqa: BLE001 - a bug in this reading keeps the verdicts it had
        checker.cost_letter = None
        return out


def _reread(checker, chain, source, deadline_file, out):
    name = letter_of(out)
    if name is None or checker.graph_mode:
        return out
    # ∂C/∂a = ∂L/∂a: beside the network's own cost (or its δ), L is not "any cost"
    lhs0, sides0 = checker.parse_chain(chain)
    for side in ([lhs0] if lhs0 is not None else []) + list(sides0):
        e = side.expr
        if side.error is None and isinstance(e, sp.Basic) and (
                e.has(COST) or any(e.has(d) for d in checker.points.deltas)):
            return out
    checker.cost_letter = name
    try:
        again = checker.check_chain(chain, source, deadline_file)
        lhs, sides = checker.parse_chain(chain)
    finally:
        checker.cost_letter = None
    if len(again) != len(out) or len(sides) != len(out):
        return out
    deltas = tuple(checker.points.deltas)
    result = []
    for n, (old, new) in enumerate(zip(out, again)):
        if old.status != "unknown" or old.code not in CODES or new.status not in ("correct", "wrong"):
            result.append(old)
            continue
        if "previous_line" in new.params:
            ref = sides[n - 1].expr if n > 0 else None
        else:
            ref = lhs.expr if lhs is not None and lhs.error is None else None
        if degree(ref, deltas) != 1 or degree(sides[n].expr, deltas) != 1:
            result.append(old)
            continue
        new.notes = list(new.notes) + [("any_cost", (("name", name),))]
        new.expected = None  # the network's own cost derivative, not one for every loss
        result.append(new)
    return result

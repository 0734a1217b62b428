r"""Worked examples in a hand derivation: the given numbers and the claimed values.

``record_givens`` keeps lines such as ``x = 3``, ``w^{(2)} = w^{(3)} = 0`` or a
whole layer ``w^{(2)} = [0.1 0.2; …]`` (no verdict of their own).  A later step
whose right-hand side is only numbers (``C = 0.288``, ``a = [0.69; 1.01]``) is
then checked at those numbers, never at random points.

A printed number means its printed digits.  What each number of a line may
be off by depends on where it comes from:

* one of the example's given numbers (``0.15`` where ``w_1 = 0.15``), or an
  integer inside a formula (the 1 of ``1 + e^{-x}``, the 2 of ``2 \cdot \frac12``):
  exact;
* a number carried from an earlier line's printed result, or any other
  decimal: rounded, by at most one unit of its last digit;
* the line's claimed result itself (``= 0.75136507``): less than one unit of its
  last digit, rounded or cut (an integer result may be rounded to four significant
  digits); ``2.3 \cdot 3 = 6.8`` is wrong, the value being one whole unit away.

How far these roundings can move the line is worked out for each number by
moving it (a derivative bound at the working precision), a little more for
second-order effects, and not more: ``e^{-1.1059059067}`` written for
``e^{-1.105905967}`` is 10⁻⁸ off where its ten decimals allow 10⁻¹¹.  A step is
called wrong only when it is further off than that; its message shows both
values to the first digit where they differ.
"""
import mpmath
import sympy as sp

from derive.check.limits import Unsupported
from derive.check.judge import otherside
from derive.check.judge.afterupdate import after_update, nearer
from derive.check.judge.semantics import DPS, EQUAL_TOL, Points, Undefined
from derive.check.judge.shapes import Missing, ShapeMismatch
from derive.model.symbols import ETA

LEAF_KINDS = ("x", "y", "w", "b")
RATES = (ETA, sp.Symbol("alpha", positive=True))  # as ``verify._rate`` reads them
SLACK = mpmath.mpf("1.1")  # second-order effects of rounding, and rounding of the result


def record_givens(checker, lhs, sides):
    """Whether the chain states given numbers (recorded in ``checker.givens``)."""
    from derive.check.read.forms import MatrixLiteral

    exprs = [lhs] + sides if lhs is not None else sides
    if any(s.error is not None for s in exprs) or len(exprs) < 2:
        return False
    *names, value = [s.expr for s in exprs]
    if isinstance(value, MatrixLiteral):
        return _record_matrix(checker, names, value)
    if not (isinstance(value, sp.Number) or (-value).is_Number):
        return False
    if not all(is_leaf(checker, n) for n in names):
        return False
    for n in names:
        if not (isinstance(n, sp.Indexed) and isinstance(n.indices[0], sp.Symbol)):
            checker.givens[n] = value
    return True


def given_of_another_shape(checker, lhs, sides):
    """Whether the chain gives an input, target or parameter numbers of a shape the
    network read has no room for (``x = [1, 0]`` where x is one number, or no name of
    it): the document's network is another, and its given says nothing derive can check."""
    from derive.check.read.forms import MatrixLiteral

    if lhs is None or lhs.error is not None or len(sides) != 1 or sides[0].error is not None:
        return False
    value = sides[0].expr
    return (isinstance(value, MatrixLiteral) and value.is_number
            and isinstance(lhs.expr, sp.Symbol) and (is_leaf(checker, lhs.expr) or not lhs.seen))


def is_leaf(checker, e):
    """Whether ``e`` is an input, target, weight or bias (a number a worked example gives)."""
    from derive.model.symbols import label

    if e in RATES:
        return True  # the learning rate of the example's updates: η = 0.5
    lab = label(e)
    if lab is not None:
        return lab[0] in LEAF_KINDS
    node = checker.graph.by_symbol.get(e) if isinstance(e, sp.Symbol) else None
    return node is not None and node.is_leaf  # a --graph file's input, target or parameter


def _record_matrix(checker, names, value):
    """``w^{(2)} = [0.1 0.2; …]``: a whole layer's given numbers."""
    if not value.is_number or not all(
            isinstance(n, sp.IndexedBase) and str(n.label).split(":")[0] in LEAF_KINDS
            for n in names):
        return False
    try:
        numbers = checker.inst.value(value, {})
        quantities = [checker.inst.value(n, {}) for n in names]
    except (Missing, ShapeMismatch, Unsupported):
        return False
    if not isinstance(numbers, sp.MatrixBase) or any(
            not isinstance(q, sp.MatrixBase) or q.shape != numbers.shape
            and not _same_vector(q, numbers) for q in quantities):
        return False
    for q in quantities:
        for name, number in zip(q, numbers):
            checker.givens[name] = number
    return True


def _same_vector(q, numbers):
    """A vector given as a row for a column, or as a list (``x = [1, 4, 5]``): the numbers
    of a given are its entries in order, whichever way the document prints them."""
    return 1 in q.shape and 1 in numbers.shape and len(q) == len(numbers)


def numeric_claim(checker, v, ref, rhs_text, language):
    """Decide ``v`` (a step whose right side is only numbers) at the given numbers."""
    v.params = {}
    try:
        constant = getattr(ref, "is_number", False)  # σ'(0.3): no example needed
        if not (checker.givens or constant) or getattr(checker.network, "unknown_slopes", False):
            raise Unsupported("numeric_claim")  # no numbers, or a free slope (judge.opaque)
        side = checker.parse(rhs_text, language, ("literals",))
        if side.error is not None:
            raise Unsupported("numeric_claim")
        value = checker.inst.value(ref, {})
        claimed = checker.inst.value(side.expr, {})
        got_items = list(value) if isinstance(value, sp.MatrixBase) else [value]
        said_items = list(claimed) if isinstance(claimed, sp.MatrixBase) else [claimed]
        if len(got_items) != len(said_items) or (isinstance(value, sp.MatrixBase) and (
                not isinstance(claimed, sp.MatrixBase) or value.shape != claimed.shape)):
            raise Unsupported("numeric_claim")
        with mpmath.workdps(DPS):  # the given numbers exactly, to the working precision
            env = {k: mpmath.mpf(sp.Rational(val).p) / sp.Rational(val).q
                   for k, val in checker.givens.items()}
        rate = next((r for r in RATES if r not in env and any(
            getattr(q, "has", lambda _: False)(r) for q in got_items)), None)
        if rate is not None:  # w_5 - η ∂E/∂w_5 = 0.6 - 0.5·0.0770: η only in this line
            env = _rate_from_line(checker, v, env, rate, got_items, said_items, side)
        env = _unused_filled(checker, env, got_items)
        example = Points(checker.network, checker.graph, seed=checker.seed, envs=[env])

        def spread(q):
            return _given_spread(checker, env, q)
        kinks = _on_kink(example)
        if kinks and any(_through(example, q, kinks) for q in got_items):
            # ReLU'(0) is a convention: the claim may take the derivative from either side
            sides = []
            for direction in (-1, 1):
                example.side = direction
                example._forward.clear()
                sides.append(_compare(example, got_items, said_items, _units(checker, side),
                                      spread))
            worst = next((w for w in sides if not w[0]), None)
            if worst is None:
                raise Unsupported("on_kink")
            v.notes = v.notes + [("on_kink", (("side", "right" if worst is sides[1] else "left"),))]
        else:
            worst = _compare(example, got_items, said_items, _units(checker, side), spread)
    except Unsupported as e:
        v.status, v.code = "unknown", "on_kink" if e.code == "on_kink" else "numeric_claim"
        return v
    except (Missing, ShapeMismatch, Undefined):
        v.status, v.code = "unknown", "numeric_claim"
        return v
    bad, n, got, allowed, centre = worst
    givens = dict(checker.givens)
    if bad and checker.new_values and ("update", ()) not in v.notes:
        # ŷ = 4.6 · 2 after w_new = 4.6: the forward pass again, with the new weights
        again = after_update(checker, env, got_items, said_items, _units(checker, side), spread,
                             _compare)
        if again is not None and (not again[0][0] or nearer(again[0], worst)):
            worst, names, new = again
            bad, n, got, allowed, centre = worst
            v.notes = v.notes + [("after_update", (("names", names),))]
            givens.update(new)
    used = _wrong_number_used(checker, side) if bad else None  # before this line's own is kept
    lone = _lone_literal(side)
    if lone is not None:  # a printed result, carried later: exact where it is the value itself
        with mpmath.workdps(DPS):
            exact = got is not None and centre is not None and got == centre
        checker.printed[abs(lone[0])] = sp.Integer(0) if exact else lone[1]
        if bad:  # ≈ -5.093 where the value is -5.0994: a later line that uses it carries it
            wrong_result(checker, lone[0], got)
    v.params = {"value": got, "tolerance": allowed, "said": centre,
                "given": sorted(givens.items(), key=lambda kv: str(kv[0])),
                "constant": constant}
    v.params["digits"], v.params["place"] = _digits(got, centre)
    if len(got_items) > 1:
        v.params["entry"] = n + 1
    if not bad:
        v.code = "numeric_ok"
        if ("update", ()) in v.notes and isinstance(v.lhs, sp.Symbol) and lone is not None:
            checker.new_values[v.lhs] = (lone[0], v.line)  # w_new = 3 - 0.1(-16) = 4.6
        return v
    if any(r in checker.rates_read and any(
            getattr(q, "has", lambda _: False)(r) for q in got_items) for r in RATES):
        # the rate is one an earlier line's numbers gave, not one the document states:
        # that line or this one may be the one off, so this reading never refutes
        v.status, v.code = "unknown", "numeric_rate_read"
        return v
    v.status, v.code = "wrong", "numeric_wrong"
    with mpmath.workdps(DPS):
        if got is not None and centre is not None and got != 0 and abs(centre + got) <= allowed * SLACK \
                + mpmath.mpf(10) ** -30 * abs(got):
            v.diagnosis = "sign"  # the right number with the wrong sign
    if v.diagnosis is None and centre is not None:
        found = otherside.numeric(checker, example, centre, allowed)
        if found:  # 0.7514(1 - 0.7514) for ∂E/∂out: the value of ∂out/∂net
            v.diagnosis = found[0]
            v.params.update(found[1])
    if v.diagnosis is None and used is not None:
        # 0.8 - 0.01 × (-5.093), where line 125's -5.093 was wrong
        v.diagnosis = "wrong_value_used"
        v.params.update(used)
    floats = [sp.Float(str(mpmath.nstr(example.values(q)[0], 8)), 8) for q in got_items]
    v.expected = sp.Matrix(value.shape[0], value.shape[1], floats) if isinstance(
        value, sp.MatrixBase) else floats[0]
    return v


def wrong_result(checker, number, actual):
    """Keep ``number`` as a result this line printed wrong (``actual`` is the value), for
    a later line that uses it (``_wrong_number_used``)."""
    checker.__dict__.setdefault("wrong_printed", {})[number] = (
        checker.__dict__.get("current_line"), actual)


def _lone_literal(side):
    """(value, rounding unit) when ``side`` is one printed number (-5.093 included)."""
    for s_, (value, unit) in side.literals.items():
        if len(side.literals) == 1 and side.expr in (s_, -s_):
            return (value if side.expr == s_ else -value), unit
    return None


def _wrong_number_used(checker, side):
    """{number, line, actual} when ``side`` writes a number an earlier line printed as
    its result and was wrong there (the value it should have been)."""
    wrong = checker.__dict__.get("wrong_printed", {})
    here = checker.__dict__.get("current_line")  # a line's own result is not carried into it
    for s_, (value, _unit) in sorted(side.literals.items(), key=lambda kv: str(kv[0])):
        for signed in (value, -value):
            if signed in wrong and signed != 0 and wrong[signed][0] != here:
                line, actual = wrong[signed]
                return {"number": signed, "at_line": line, "actual": actual}
    return None


def _alone(said, literals):
    """Whether the claimed side is one printed number (its own rounding, nothing carried)."""
    return len(literals) == 1 and any(said in (s_, -s_) for s_ in literals)


def _compare(example, got_items, said_items, literals, spread=None):
    """(off, entry, value, allowed, claimed) for the entry furthest off (the first one off)."""
    worst = None
    for n, (q, said) in enumerate(zip(got_items, said_items)):
        got = example.values(q)[0]
        centre, allowed = _with_rounding(example, said, literals)
        if got is None or centre is None:
            raise Undefined("not every number of the example is given")
        extra = spread(q) if spread is not None else 0
        with mpmath.workdps(DPS):
            tiny = mpmath.mpf(10) ** -30 * max(1, abs(got))
            if _alone(said, literals) and allowed > 0:
                # a result printed alone is the value rounded or cut to its digits: less
                # than one unit of its last digit off, never one whole unit (6.9 is no 6.8)
                bad = abs(got - centre) >= allowed * (1 - mpmath.mpf(10) ** -12) + extra * SLACK + tiny
            else:
                bad = abs(got - centre) > (allowed + extra) * SLACK + tiny
            allowed += extra
        if worst is None or bad and not worst[0]:
            worst = (bad, n, got, allowed, centre)
    return worst


MAX_RATE_CANDIDATES = 12  # printed numbers of one line tried as its learning rate


def _rate_from_line(checker, v, env, rate, got_items, said_items, side):
    """``env`` with the learning rate a line's own numbers give: the one number printed
    in it that, taken as the rate, makes the line right to its rounding.  A document
    that says "η = 0.5" only in prose still prints it in its first update (``0.6 -
    0.5·0.0770``); the number is the rate only where no other printed number would do,
    and it is kept for the later lines (``checker.givens``), which it can show right but
    never wrong (``numeric_rate_read``): a later line may print another rate.  Otherwise
    the line needs a number the document never gives (``Undefined``)."""
    literals = _units(checker, side)
    fits = set()
    for value in sorted({val for val, _ in side.literals.values()})[:MAX_RATE_CANDIDATES]:
        if value <= 0:
            continue
        with mpmath.workdps(DPS):
            trial = {**env, rate: mpmath.mpf(value.p) / value.q}
        try:
            example = Points(checker.network, checker.graph, seed=checker.seed,
                             envs=[_unused_filled(checker, trial, got_items)])
            # the rate is what it prints, and so is any number a person chose rather
            # than computed (0.4, 0.01: two significant digits at most), or 0.6 - 0.5·x
            # would fit with 0.6 as the rate and 0.5 as a rounded 0.55
            exact = {s: (val, 0 if val == value or _chosen(val) else unit)
                     for s, (val, unit) in literals.items()}
            if not _compare(example, got_items, said_items, exact)[0]:
                fits.add(value)
        except Undefined:
            continue
    if len(fits) != 1:
        raise Undefined("no learning rate is given")
    value = fits.pop()
    checker.givens[rate] = value
    checker.rates_read.add(rate)
    with mpmath.workdps(DPS):
        number = mpmath.mpf(value.p) / value.q
        v.notes = v.notes + [("rate_from_line", (("rate", rate),
                                                 ("value", mpmath.nstr(number, 15))))]
        return {**env, rate: number}


def _chosen(value):
    """Whether a printed number has at most two significant digits (0.5, 0.05, 25)."""
    value = abs(sp.Rational(value))
    for _ in range(64):  # a printed decimal has a power of ten below it; 1/3 is no such
        if value == 0 or value.q == 1:
            break
        value *= 10
    while value != 0 and value.q == 1 and value % 10 == 0:
        value /= 10
    return value.q == 1 and value < 100


FILLS = 3


def _unused_filled(checker, env, items):
    """``env`` with a number for each leaf the example does not give but the claim's
    value does not depend on (the other output's target in ∂E/∂out_o1): the value is
    the same, to the working precision, at ``FILLS`` different random numbers for
    them, as a claim's equality is shown at random points.  Where it differs, the
    value needs a number the document never gives (``Undefined``)."""
    import random

    points = Points(checker.network, checker.graph, seed=checker.seed, envs=[env])
    missing = [s for s in points.leaves if s not in points.envs[0]]
    if not missing:
        return env
    rng = random.Random(f"{checker.seed}:unused")
    fills = [{s: mpmath.mpf(rng.uniform(0.1, 0.9)) for s in missing} for _ in range(FILLS)]
    seen = None
    with mpmath.workdps(DPS):
        for fill in fills:
            at = Points(checker.network, checker.graph, seed=checker.seed,
                        envs=[{**points.envs[0], **fill}])
            vals = [at.values(q)[0] for q in items]
            if any(v is None for v in vals):
                raise Undefined("not every number of the example is given")
            if seen is not None and any(abs(a - b) > EQUAL_TOL * max(1, abs(a), abs(b))
                                        for a, b in zip(vals, seen)):
                raise Undefined("not every number of the example is given")
            seen = vals
    return {**points.envs[0], **fills[0]}


def example_at(checker, env, items):
    """Points at the example's numbers, the leaves it leaves out filled where ``items`` do
    not depend on them (``_unused_filled``); None where they do."""
    try:
        env = _unused_filled(checker, env, items)
    except Undefined:
        return None
    return Points(checker.network, checker.graph, seed=checker.seed, envs=[env])


def _given_spread(checker, env, q):
    """How far the givens known only to a width (a leaf fixed by a rounded printed value,
    ``read.pinned``) can move the value of ``q``: each moved to either end of its width."""
    extra = mpmath.mpf(0)
    with mpmath.workdps(DPS):
        got = None
        for s, unit in checker.given_units.items():
            key = next((k for k in env if k == s), None)
            if key is None:
                continue
            if got is None:
                got = Points(checker.network, checker.graph, seed=checker.seed,
                             envs=[env]).values(q)[0]
            width = mpmath.mpf(sp.Rational(unit).p) / sp.Rational(unit).q
            moved = []
            for d in (width, -width):
                at = Points(checker.network, checker.graph, seed=checker.seed,
                            envs=[{**env, key: env[key] + d}]).values(q)[0]
                if at is None or got is None:
                    raise Undefined("a given known only to a width has no value nearby")
                moved.append(abs(at - got))
            extra += max(moved)
    return extra


def _on_kink(example):
    """The nodes whose ReLU the example puts exactly at 0."""
    from derive.check.judge.semantics import _eval

    out = []
    with mpmath.workdps(DPS):  # the forward pass is cached: it must be at the working precision
        values = example.node_values(0)
        for node, arg in example._kinks():
            try:
                at = _eval(arg, values.get, {})
            except (Undefined, Unsupported, ZeroDivisionError, OverflowError, ValueError, TypeError):
                at = None  # a quantity without a value decides nothing here
            if at == 0:
                out.append(node)
    return out


def _through(example, q, kinks):
    """Whether evaluating ``q`` differentiates through one of the ``kinks`` (by a
    quantity upstream of it, with ∂ or an error term δ)."""
    from derive.model.symbols import Partial, plain
    from derive.check.read.graphnames import reaches

    q = plain(q)
    g = example.graph
    dens = [g.by_symbol.get(p.den) for p in q.atoms(Partial)]
    dens += [g.by_symbol.get(example.deltas[s]) for s in q.atoms(sp.Indexed, sp.Symbol)
             if s in example.deltas]
    return any(d is None or any(d is not k and reaches(d, k) for k in kinks) for d in dens)


def _units(checker, side):
    """The rounding each written number of ``side`` may carry (see the module docstring)."""
    literals = side.literals
    if len(literals) == 1 and side.expr in literals:
        return literals  # the claimed result alone: its own rounding
    given = {sp.Rational(val) for val in checker.givens.values() if getattr(val, "is_Rational", False)}
    printed = checker.printed
    out = {}
    for s, (value, unit) in literals.items():
        if value in printed and printed[value] == 0:
            out[s] = (value, sp.Integer(0))  # z = 0.5, exactly: not a rounded number
        elif value in printed:
            out[s] = (value, max(unit, printed[value]) if value.is_Integer else unit)
        elif value in given or -value in given or value.is_Integer:  # -0.2 is read as -(0.2)
            out[s] = (value, sp.Integer(0))
        else:
            out[s] = (value, unit)
    return out


def _digits(got, said, least=8, most=30):
    """(digits to show, the first significant digit where ``got`` and ``said`` differ):
    enough digits to see the difference, one more, and at least ``least``."""
    if got is None or said is None or got == said:
        return least, None
    if got == 0 or said == 0:
        return least, 1
    if (got < 0) != (said < 0):
        return least, None  # a sign, not a digit (diagnosed as such)
    with mpmath.workdps(DPS):
        a, b = (mpmath.nstr(x, most + 2, strip_zeros=False, min_fixed=1, max_fixed=0)
                for x in (got, said))  # d.ddd…e±n, read digit by digit as a person would
    (ma, ea), (mb, eb) = a.partition("e")[::2], b.partition("e")[::2]
    if ea != eb or ma[0] != mb[0]:
        return least, 1
    da, db = ma.lstrip("-").replace(".", ""), mb.lstrip("-").replace(".", "")
    for d in range(1, min(most, len(da), len(db)) + 1):
        if da[d - 1] != db[d - 1]:
            return max(least, d + 1), d
    return least, None


def _with_rounding(example, expr, literals):
    """(value, how far rounding the written numbers can move it) of ``expr``."""
    used = [s for s in sorted(expr.free_symbols, key=str) if s in literals]
    centre_subs = {s: literals[s][0] for s in used}
    centre = example.values(expr.xreplace(centre_subs))[0]
    if centre is None:
        return None, None
    allowed = mpmath.mpf(0)
    with mpmath.workdps(DPS):
        for s in used:
            value, unit = literals[s]
            if unit == 0:
                continue
            up = example.values(expr.xreplace({**centre_subs, s: value + unit}))[0]
            down = example.values(expr.xreplace({**centre_subs, s: value - unit}))[0]
            if up is None or down is None:
                raise Undefined("a written number sits where the line has no value nearby")
            allowed += max(abs(up - centre), abs(down - centre))
    return centre, allowed


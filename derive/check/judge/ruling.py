"""From the outcome of a comparison to the verdict of one step.

``compare`` says where the two sides agree (states by layer assignment, a witness point, a
structural reason); ``verdict`` says what that means for the reader: correct (and whether
exactly or at sampled points), unknown with the reason (a claim a one-unit default network
cannot prove, the output layer only), or wrong with its witness, the expected expression
and the diagnosis.  A printed number is judged at the example's numbers to its printed
digits (``examples.numeric_claim``), and arithmetic right after a wrong line is called
carried, not wrong twice.  A mixin of ``verify.Checker``.
"""
import sympy as sp

from derive.check.judge.examples import numeric_claim
from derive.check.judge.substituted import name_wrong_number
from derive.check.judge.examples import wrong_result
from derive.check.judge.shapes import matrix_form
from derive.check.judge.verdict import Verdict, _instance, _structural
from derive.check.limits import Unsupported
from derive.check.read.forms import MatrixLiteral
from derive.model.symbols import MatrixProduct, Partial

# derive's guess of the network failing, not the writer (``Rulings._guess_failed``)
GUESS_FAILED = ("layer_in_graph", "layer_not_assumed", "unit_not_assumed", "shape_not_assumed",
                "matrix_not_assumed", "vectors_not_assumed")
MAX_WITNESS = 40  # values listed for a witness point (all of them in any network one checks by hand)


class Rulings:
    """The verdict of a step from its comparison's outcome."""

    def _guess_failed(self, v, unit=False):
        """Raises Unsupported where a structural failure (``v``: a quantity missing, shapes
        that do not fit) is derive's guess failing, not the writer's mistake: a layer on a
        network of named quantities (δ₃), or on the network derive assumed (W_1 of a
        document counting from 0), a vector against a number of derive's reading, and
        with ``unit`` (no diagnosis found) a unit the assumed widths lack."""
        reason = v.params.get("reason")
        if self.graph_mode and v.code == "missing" and reason == "layer":
            raise Unsupported("layer_in_graph", quantity=v.params["quantity"])
        if v.code == "shape" and getattr(self.network, "assumed", False) \
                and _chain_in_scalar_order(v.rhs):
            # dL/dz = dL/da · da/dz, dL/da = dL/dz · w: the chain rule in its scalar order,
            # on layers derive assumed; the shapes say how derive lays out the vectors
            raise Unsupported("chain_order")
        if not getattr(self.network, "by_default", False):
            return
        if v.code == "missing" and (reason == "layer" or unit and reason == "unit"):
            raise Unsupported("layer_not_assumed" if reason == "layer" else "unit_not_assumed",
                              quantity=v.params["quantity"])
        if v.code == "shape" and (1, 1) in (tuple(v.params["left"]), tuple(v.params["right"])):
            raise Unsupported("shape_not_assumed")  # a vector against a number of derive's reading
        if v.code == "shape" and _has_literal_matrix(v.lhs, v.rhs, *self.givens.values()):
            # a matrix the document writes out (or gives: X = [1; 4; 7]) with its own
            # sizes, against the widths derive assumed
            raise Unsupported("matrix_not_assumed", widths="-".join(map(str, self.network.widths)))
        if v.code == "shape" and not _names_weights(v.rhs):
            # (y - f(x)) x, (a_2 - y) a_1: shapes of the input, target and activations
            # derive assumed for letters the writer may mean as numbers; a right side with
            # the weights or the errors (W a, δ a^T) is where a writer's own shapes go wrong
            raise Unsupported("vectors_not_assumed",
                              widths="-".join(map(str, getattr(self.network, "widths", ()))))

    def _identity_number(self, rhs, v):
        """Whether the printed number ``rhs`` claims an identity (``∂L/∂b = 1``), not a value
        at an example: it is an integer and the document gives no example's numbers, so
        there is no example it could be the value at.  Noted on ``v`` when so."""
        if not rhs.is_Integer or self.givens or getattr(self.network, "unknown_slopes", False) \
                or self._approx:
            return False
        v.notes = v.notes + [("integer_identity", (("value", int(rhs)),))]
        return True

    def verdict(self, outcome, ref, rhs, lhs, kind, rate, prev, notes, deadline):
        from derive.check.judge.diagnose import diagnose

        states = outcome.states
        lnames = [k for key in outcome.by_layer for k, _ in key]
        generic = sorted(set(lnames))
        v = Verdict(0, 0, "", "correct", "correct", lhs=lhs, rhs=rhs, notes=notes)
        v.relation = kind
        if generic:
            v.params["layers"] = ", ".join(generic)
        particular = generic and lhs is not None and not (
            set(generic) & self.inst.generic_layers([lhs]))
        if particular:
            v.params.pop("layers", None)
            v.notes = notes + [("particular_layer", (("names", ", ".join(generic)),))]
        if states == {"equal"}:
            if getattr(self.network, "assumed", False) and all(w == 1 for w in self.network.widths):
                if _unit_indexed(outcome):
                    v.status, v.code = "unknown", "one_unit_default"
                    return v
                if matrix_form((ref, rhs), any(n[0] == "bracket_layers" for n in notes)
                               or self.notation.subscript_layers
                               and not self.notation.scalar_layers):  # A^{[l]}, W_{l+1}
                    v.status, v.code = "unknown", "one_unit_matrix"
                    return v
            letters = self._all_one_indices(ref, rhs)
            if letters:
                # every index is 1 here: w_kj and w_jk are one number, so agreement
                # proves nothing about which index is which
                v.status, v.code = "unknown", "indices_all_one"
                v.params["indices"] = ", ".join(letters)
                return v
            if outcome.sampled:
                v.params["sampled"] = outcome.sampled
            if kind == "link" and prev is not None and prev[2].status == "wrong":
                # = -0.252 after a wrong = 0.748 - 1 under a left side nothing decides: the
                # arithmetic is right, the value is not; a ✓ would certify it
                v.status, v.code = "wrong", "carried"
                v.params["previous_line"] = prev[1]
                if getattr(rhs, "is_Rational", False) and prev[2].params.get("value") is not None:
                    wrong_result(self, rhs, prev[2].params["value"])  # = -0.252, carried
            elif kind == "link" and _open_number(prev):
                v.status, v.code = "unknown", "follows_open"
                v.params["previous_line"] = prev[1]
            elif kind == "link":
                v.code = "follows"
            elif outcome.exact:
                v.code = "correct_exact"
            return v
        if "different" in states:
            equal_keys = [k for k, s in outcome.by_layer.items() if s == "equal"]
            if particular and equal_keys:
                return v
            if rhs.is_number and outcome.structural is None and not self._identity_number(rhs, v):
                # σ'(0.3) = 0.574(1 - 0.574): printed numbers on both sides are as rounded
                # a printed number means its printed digits: judged at the example's
                # numbers with the rounding it implies, never at a random point
                v = numeric_claim(self, v, ref, *self._rhs_source)
                v = name_wrong_number(self, v, prev)  # 0.7391(1 - 0.7391) for ŷ(1 - ŷ)
                if v.status == "wrong" and kind != "link" and _carried_number(rhs, prev):
                    # = 0.1928 after a wrong = 0.7391(1 - 0.7391): the arithmetic is
                    # right, the error is the line before's
                    v.code, v.diagnosis = "carried", None
                    v.params["previous_line"] = prev[1]
                elif v.code == "numeric_claim" and _carried_number(rhs, prev, "unknown") or (
                        kind == "link" and v.status == "correct" and _open_number(prev)):
                    # = 0.289 after ½(0.01 - 0.7703)², which the example does not decide:
                    # the arithmetic follows, but the value is as open as the line before's
                    # (a ✓ here certified 0.5 - 0.1·0.069 = 0.4931, a wrong update)
                    v.status, v.code = "unknown", "follows_open"
                    v.params["previous_line"] = prev[1]
                return v
            if generic and equal_keys and self._only_output(outcome) and not _mentions_L(ref, rhs):
                v.status, v.code = "unknown", "only_output_layer"
                return v
            v.status = "wrong"
            if outcome.structural is not None:
                err, assign = outcome.structural
                v.code, v.params = _structural(err)
                v.params["instance"] = _instance(assign)
                self._guess_failed(v)
                found = diagnose(self, ref, rhs, assign, None, deadline, structural=err,
                                 assigns=self._same_layers(outcome, assign))
                if not found:
                    self._guess_failed(v, unit=True)
            else:
                assign, i, _, sv, rv_, a, b = outcome.witness
                v.params.update(instance=_instance(assign), student_value=sv, expected_value=rv_,
                                witness=self._witness(i, a, b, outcome.points))
                v.code = "wrong"
                if outcome.constant is not None:
                    v.code = "off_by_constant"
                    v.params["constant"] = outcome.constant
                # where the sides differ only at a point added for a piece, the usual
                # points (which every diagnosis uses) agree: no diagnosis to give
                found = (outcome.points is not self.points and outcome.points is not None
                         or outcome.constant is not None) or diagnose(
                    self, ref, rhs, assign, outcome.witness, deadline, kind=kind,
                    assigns=self._same_layers(outcome, assign))
                found = None if found is True else found
            if found:
                v.diagnosis, extra = found
                v.params.update(extra)
            v.expected = self.expected(ref, assign, rhs, kind, rate)
            if prev is not None and kind != "link" and prev[2].status == "wrong" and prev[0].expr is not None:
                try:
                    again = self.compare(prev[0].expr, rhs, deadline)
                    if again.states == {"equal"}:
                        v.code, v.diagnosis = "carried", None
                        v.params["previous_line"] = prev[1]
                except Unsupported:
                    pass
            return v
        v.status, v.code = "unknown", "undecided"
        if outcome.reason is not None:
            v.code = outcome.reason[0]
            v.params.update(outcome.reason[1])
        return v

    def _all_one_indices(self, *exprs):
        """The unit-index letters of ``exprs`` when the network is a default nobody
        chose and every layer of it has one unit (so no claim about those indices can be
        proven on it), else [].  A network the user gives is checked as given."""
        widths = getattr(self.network, "widths", None)
        if not getattr(self.network, "by_default", False) or not widths or any(
                w != 1 for w in widths):
            return []
        from derive.check.read.forms import is_index_symbol

        found = set()
        for e in exprs:
            if isinstance(e, sp.Basic):
                found |= {s.name for s in e.atoms(sp.Symbol) if is_index_symbol(s)}
        return sorted(found)

    @staticmethod
    def _same_layers(outcome, assign):
        """The compared assignments (a diagnosis must explain all of them)."""
        return outcome.assigns[:12] or [assign]

    def _only_output(self, outcome):
        out_value = self.network.L + self.inst.zoff
        bad = [dict(k) for k, s in outcome.by_layer.items() if s != "equal"]
        good = [dict(k) for k, s in outcome.by_layer.items() if s == "equal"]
        return good and all(all(val == out_value for val in g.values()) for g in good) and all(
            any(val != out_value for val in b.values()) for b in bad)

    def _witness(self, i, a, b, points=None):
        """The point at which the two sides differ: its leaves (and free symbols)."""
        points = points or self.points
        env = points.envs[i]
        out = []
        for s in points.support(a, b):
            if s in env:
                out.append((s, env[s]))
            elif isinstance(s, sp.Symbol):
                out.append((s, points.free_value(i, s)))
        return out[:MAX_WITNESS]


def _unit_indexed(outcome):
    """Whether the statement has a free unit index (j, k: not a layer label)."""
    return any(not isinstance(k, str) for a in outcome.assigns for k in a)


def _mentions_L(*exprs):
    """Whether the output layer L is written out (then l means the other layers)."""
    for e in exprs:
        for q in e.atoms(sp.Indexed, sp.IndexedBase):
            lab = str((q.base if isinstance(q, sp.Indexed) else q).label)
            if lab.partition(":")[2].startswith("L"):
                return True
    return False


def _open_number(prev):
    """Whether the line before is a number (an example's value) left undecided: what
    follows from it by arithmetic is no more decided than it is."""
    if prev is None or prev[2].status == "correct" or prev[0].error is not None:
        return False
    before = prev[0].expr
    return isinstance(before, sp.Expr) and before.is_number


def _carried_number(rhs, prev, status="wrong"):
    """Whether the printed number ``rhs`` is, to its digits, the value of the previous
    line's right side, itself a numeric expression judged ``status``."""
    if prev is None or prev[2].status != status or prev[0].error is not None:
        return False
    before = prev[0].expr
    if not isinstance(before, sp.Expr) or not before.is_number or not rhs.is_Rational:
        return False
    digits = len(str(sp.Float(rhs, 30)).rstrip("0").split(".")[-1]) if "." in str(
        sp.Float(rhs, 30)) else 0
    try:
        return abs(sp.N(before - rhs, 30)) <= sp.Rational(6, 10) * sp.Rational(10) ** -digits
    except (TypeError, ValueError):
        return False


def _names_weights(*exprs):
    """Whether ``exprs`` name a weight matrix or an error of the network (``w:l``, ``δ:l``)."""
    for e in exprs:
        if not isinstance(e, sp.Basic):
            continue
        for q in e.atoms(sp.IndexedBase, sp.Indexed):
            base = q if isinstance(q, sp.IndexedBase) else q.base
            if str(base.label).split(":")[0] in ("w", "W", "delta"):
                return True
    return False


def _has_literal_matrix(*exprs):
    """Whether a matrix written out entry by entry (``\\begin{bmatrix}``) is in ``exprs``."""
    for e in exprs:
        if isinstance(e, (sp.MatrixBase, MatrixLiteral)):
            return True
        if isinstance(e, sp.Basic) and any(isinstance(q, (sp.MatrixBase, MatrixLiteral))
                                           for q in sp.preorder_traversal(e)):
            return True
    return False


def _chain_in_scalar_order(e):
    """Whether ``e`` is a product of two or more factors, a derivative among them and
    the rest derivatives or plain quantities (the chain rule written factor by factor)."""
    factors = e.args if isinstance(e, (sp.Mul, MatrixProduct)) else ()
    return len(factors) >= 2 and any(isinstance(f, Partial) for f in factors) and all(
        isinstance(f, (Partial, sp.Indexed, sp.IndexedBase, sp.Symbol)) for f in factors)

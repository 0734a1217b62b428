"""Deciding each step of a hand derivation.

Every step claims ``lhs = rhs`` (a chain ``A = B = C`` claims A = B and A = C).
A step is compared with its left-hand side under the network's definitions;
where the left side has no meaning of its own (``(f/g)'``), with the line
before it.  Statements with a general layer l or units j, k are checked for
every valid value.  Equality is decided exactly where the two sides are the
same sympy expression, otherwise numerically at several random points in high
precision (``semantics``); a step is *wrong* only with a witness point or a
structural reason (a quantity the network lacks, incompatible shapes).

Known left-hand sides (∂C/∂w, δ, ∂C/∂a, ∂C/∂z, σ'(z), C, a, z, updates)
also get the engine's answer as the expected expression; the engine's answer
is itself compared with the independent semantics before it is shown.
"""
import re
from dataclasses import replace

import mpmath
import sympy as sp

from derive.engine.chain import Engine
from derive.model.symbols import COST, ETA, Partial, label
from derive.check.judge.einstein import bind_step, implied_sums
from derive.check.judge.examples import given_of_another_shape
from derive.check.judge.rates import BATCH_SIZES, batch_rate, rate_in
from derive.check.judge import enumerated, opaque
from derive.check.judge.anycost import reread
from derive.check.judge.generic import reread as generic_reread
from derive.check.read.dlai import is_updated
from derive.check.read.extract import index_range
from derive.check.read.forms import Increment, is_index_symbol
from derive.check.read.graphnames import decidable
from derive.check.read.latexformula import printed_number
from derive.check.limits import LIMITS, StepTimeout, Unsupported, time_limit
from derive.check.read.names import Context
from derive.check.judge.answers import EngineAnswers
from derive.check.judge.readings import Readings
from derive.check.judge.ruling import Rulings
from derive.check.judge.verdict import Outcome, Verdict, _failed, _source_text
from derive.check.judge.onehot import one_hot_points
from derive.check.judge.semantics import Points, compare
from derive.check.judge.shapes import Instantiator, Missing, ShapeMismatch, shape
from derive.check.judge.soundness import constant_offset, cover, hidden



class Checker(EngineAnswers, Readings, Rulings):
    """Checks chains of one file against one network and notation."""

    def __init__(self, network, notation, seed=0, step_seconds=None):
        from derive.check.read.graphnames import GraphContext, GraphModel

        self.graph_mode = isinstance(network, GraphModel)
        self._approx = False  # the step being judged is an ≈ (check_step)
        self.context_class = GraphContext if self.graph_mode else Context
        self.network = network
        self.notation = notation
        self.graph = network.graph
        self.engine = Engine(self.graph)
        self.points = Points(network, self.graph, seed=seed)
        self.inst = Instantiator(network, notation)
        self.seed = seed
        self.case = None  # (a, b, equal): the chain is judged only where index a = b (≠ b)
        self.correct_class = None  # k of "the correct class is k": the target one-hot at k
        self.step_seconds = step_seconds or LIMITS.step_seconds
        self.givens = {}
        # parameter -> rate of the update rule a chain wrote: a later W_1 = [numbers] is
        # the new value, not a given (a notebook's rule, then its numbers, chain by chain)
        self.updated = {}
        # parameter -> (printed new value, line) of an update the example's numbers were
        # carried through: a later forward pass may be the one after the update
        self.new_values = {}
        self.rates_read = set()  # learning rates only an update's numbers gave (judge.examples)
        self.given_units = {}  # a given known only to a width: symbol -> half-width
        self.printed = {}  # value -> rounding unit of every result a line printed (examples.py)
        self._decided = {}  # step key -> Verdict (check_chain)
        self._expected = {}
        self._notes = []
        self._rhs_source = None
        self.macros_with_arguments = set()
        self.functions = {}

    # -- chains -------------------------------------------------------------------

    def check_chain(self, chain, source, deadline_file=None):
        """Verdicts for the steps of one chain (givens produce none)."""
        if index_range(chain):
            return []  # l = {1, 2}: the range of an index, not a claim
        # reading is bounded too: 81 bytes of nested powers once hung sympy while parsing
        links = max(len(chain.links), 1)
        budget = min(self.step_seconds * links, self.step_seconds / 2 + 0.05 * links)
        if deadline_file is not None:
            budget = min(budget, deadline_file.remaining)
        try:
            if budget <= 0:
                raise StepTimeout()
            with time_limit(budget):
                lhs, sides = self.parse_chain(chain)
        except StepTimeout:
            code = "file_budget" if budget <= 0 else "too_complex"
            return [Verdict(*source.line_col(link.rhs.first_origin()),
                            _source_text(chain, link, n == 0), "unknown", code)
                    for n, link in enumerate(chain.links)]
        if not _updated(chain) and not self._new_value(lhs) and (self._record_givens(lhs, sides)
                                    or self._record_function(chain, lhs, sides)):
            return []
        if given_of_another_shape(self, lhs, sides):  # x = [1, 0] for a scalar input x
            return [Verdict(*source.line_col(link.rhs.first_origin()),
                            _source_text(chain, link, n == 0), "unknown", "given_shape",
                            params={"name": lhs.expr})
                    for n, link in enumerate(chain.links)]
        out = []
        prev = None
        # a step exactly like one decided before (same chain, givens, line before) gets
        # the same verdict: 3 000 copies of one line must not take 3 000 times as long
        context = (chain.lhs.s if chain.lhs is not None else None, chain.prefix, chain.language,
                   tuple(link.rhs.s for link in chain.links),
                   tuple(sorted((str(k), str(v)) for k, v in self.givens.items())), self.case,
                   tuple(sorted((k, str(v)) for k, v in self.functions.items())),
                   tuple(sorted((str(k), str(v)) for k, v in
                                self.__dict__.get("abbreviations", {}).items())),
                   self.__dict__.get("cost_letter"))
        for n, (link, rhs) in enumerate(zip(chain.links, sides)):
            line, col = source.line_col(link.rhs.first_origin())
            self.current_line = line  # where a wrong printed result was (examples.numeric_claim)
            text = _source_text(chain, link, prev is None)
            key = (context, link.rhs.s, link.relation,
                   None if prev is None else (prev[2].status, prev[2].source))
            if deadline_file is not None and deadline_file.remaining <= 0:
                v = Verdict(line, col, text, "unknown", "file_budget")
            elif key in self._decided:
                v = replace(self._decided[key], params=dict(self._decided[key].params),
                            notes=list(self._decided[key].notes))
                if "previous_line" in v.params:
                    v.params["previous_line"] = prev[1]
            else:
                try:
                    with time_limit(min(self.step_seconds, deadline_file.remaining
                                        if deadline_file else self.step_seconds)) as deadline:
                        v = self.check_step(chain, lhs, rhs, link, prev, source, deadline)
                        if v.status == "unknown" and v.code in opaque.UNDECIDED:
                            # true whatever a stand-in depends on? (judge.opaque)
                            v = opaque.retry(self, chain, n, prev, source, deadline) or v
                except StepTimeout:
                    v = Verdict(line, col, text, "unknown", "too_complex")
                except (RecursionError, MemoryError, OverflowError):
                    v = Verdict(line, col, text, "unknown", "too_complex")
                except Exception as e:  # noqa: BLE001 - never a traceback for a user's file
                    v = Verdict(line, col, text, "unknown", "internal_error",
                                {"error": type(e).__name__})
            if v.status == "wrong" and any(n[0] == "general_layer" for n in v.notes):
                # read with one layer l for every quantity written without one; the
                # writer may have meant different layers, so this reading cannot refute
                v = Verdict(line, col, text, "unknown", "layerless", lhs=v.lhs, rhs=v.rhs,
                            notes=v.notes)
            if (key not in self._decided and v.status != "unparsed" and v.code != "file_budget"
                    and "at_line" not in v.params and len(self._decided) < 10_000):
                self._decided[key] = replace(v, params=dict(v.params), notes=list(v.notes))
            v.line, v.source = line, text
            v.column = v.params.get("at_column", col) if v.params.get("at_line") == line else col
            out.append(v)
            prev = (rhs, line, v)
        if self.__dict__.get("cost_letter"):
            return out
        return generic_reread(self, chain, reread(self, chain, source, deadline_file, out))

    # -- one step -------------------------------------------------------------------

    def check_step(self, chain, lhs, rhs, link, prev, source, deadline):
        self._notes = notes = list(rhs.notes) + (list(lhs.notes) if lhs is not None else [])
        self._rhs_source = (link.rhs, chain.language)
        if lhs is not None and getattr(lhs.error, "code", None) == "loss_undefined":
            # the loss the line differentiates is nowhere defined: that, not what its
            # right side names (a target the forward pass never uses), is why it is open
            return _failed(lhs.error, source, notes, self.macros_with_arguments)
        if rhs.error is not None:
            return _failed(rhs.error, source, notes, self.macros_with_arguments)
        if link.relation == "neq":
            return Verdict(0, 0, "", "unknown", "not_equal_claim", rhs=rhs.expr, notes=notes)
        self._approx = link.relation == "approx"
        printed = printed_number(link.rhs.s.replace("−", "-")) if self._approx else None
        if self._approx and not (printed and printed[1]):
            # ≈ 0.8287 is that value to its printed digits, judged as any printed number is;
            # ≈ of a formula (σ(z) ≈ z) says no more than that it is close
            return Verdict(0, 0, "", "unknown", "approximate_claim", rhs=rhs.expr, notes=notes)
        try:  # \sum e^{x_d}: over the index of its body that the left side does not have
            rhs, lhs, prev = bind_step(rhs, lhs, prev)
        except Unsupported as e:
            return Verdict(0, 0, "", "unknown", e.code, dict(e.params), notes=notes)
        ref, kind, rate = None, "lhs", None
        if lhs is None or lhs.error is not None:
            if prev is None or prev[0].error is not None:
                if lhs is not None:
                    v = _failed(lhs.error, source, notes, self.macros_with_arguments)
                    v.code = "lhs_" + v.code
                    return v
                return Verdict(0, 0, "", "unknown", "no_lhs", rhs=rhs.expr, notes=notes)
        else:
            ref, kind, rate = self.reference(chain, lhs.expr, rhs.expr, link.relation)
        lhs_expr = lhs.expr if lhs is not None else None
        if ref is not None and kind == "lhs" and self._free_name(ref):
            # o_b = e^{z_b}/Σ e^z with o_b a name nothing here defines: a random number for
            # it would make the line 'wrong'; what it equals is the line before's to say
            ref, reason = None, Unsupported("free_name", name=str(ref))
        if ref is not None:
            summed, implied = implied_sums(lhs_expr, rhs.expr, self.correct_class)
            if implied:  # Einstein's convention: rhs = ∂C/∂a_i ∂a_i/∂z_j sums over i
                rhs, notes = replace(rhs, expr=summed), notes + [("einstein", ())]
            try:
                v = self._decide(ref, rhs.expr, lhs_expr, kind, rate, prev, notes, deadline)
                return self._factorwise(v, prev, rhs.expr, deadline)
            except Unsupported as e:
                reason = e
        elif lhs is None or lhs.error is not None:
            reason = Unsupported("no_lhs")
        if prev is not None and prev[0].error is None and prev[2].status != "unparsed":
            try:
                v = self._decide(prev[0].expr, rhs.expr, None, "link", None, prev, notes, deadline)
                v.params.setdefault("previous_line", prev[1])
                return v
            except Unsupported as e:
                reason = e
        return Verdict(0, 0, "", "unknown", reason.code, dict(reason.params), lhs=lhs_expr,
                       rhs=rhs.expr, notes=notes)

    def _factorwise(self, v, prev, rhs, deadline):
        """A right product of wrong factors is wrong (factors.py)."""
        from derive.check.judge.factors import wrong_factors

        if v.status != "correct" or prev is None or prev[0].error is not None:
            return v
        found = wrong_factors(self, prev[0].expr, rhs, deadline)
        if found is None:
            return v
        return Verdict(0, 0, "", "wrong", "wrong_factors", dict(found, previous_line=prev[1]),
                       lhs=v.lhs, rhs=rhs, notes=v.notes)

    def _decide(self, ref, rhs, lhs, kind, rate, prev, notes, deadline):
        if self.graph_mode and isinstance(ref, sp.Basic):
            # an update's w - η ∂E/∂w is built, not read, so its ∂E/∂w was never asked
            # whether it passes through a quantity given only as a number (E_o2)
            for p in ref.atoms(Partial):
                decidable(self.network, p.num, p.den)
        outcome = self.compare(ref, rhs, deadline, lhs_generic=lhs)
        v = self.verdict(outcome, ref, rhs, lhs, kind, rate, prev, notes, deadline)
        if v.status == "wrong" and self.case is None:
            case = self._only_in_case(ref, rhs, lhs, outcome, deadline)
            if case is not None:  # y_i(1 - y_i) for ∂y_i/∂x_j: true where i = j only
                v.notes = list(v.notes) + [("only_in_case", (("a", case[0]), ("b", case[1]),
                                                             ("equal", case[2])))]
        if v.status != "correct" and self.graph_mode:
            # ∂h2/∂h1 where h1 also reaches h2 through r: the total derivative, or the
            # one along the edge alone (r held fixed) that the chain rule multiplies?
            from derive.check.read.graphnames import along_edges

            ref2, rhs2 = along_edges(self.graph, ref), along_edges(self.graph, rhs)
            if (ref2, rhs2) != (ref, rhs):
                again = self.compare(ref2, rhs2, deadline)
                if again.states == {"equal"}:
                    v = Verdict(0, 0, "", "correct", "follows" if kind == "link" else "correct",
                                lhs=lhs, rhs=rhs, notes=notes + [("along_edge", ())])
        return v

    def _only_in_case(self, ref, rhs, lhs, outcome, deadline):
        """(a, b, equal) when a wrong statement holds at every index value with a = b
        (or every one with a ≠ b) of two of its unit indices, else None."""
        letters = sorted({str(k) for a in outcome.assigns for k in a if not isinstance(k, str)})
        for n, a in enumerate(letters[:3]):
            for b in letters[n + 1:4]:
                for equal in (True, False):
                    self.case = (a, b, equal)
                    try:
                        again = self.compare(ref, rhs, deadline, lhs_generic=lhs)
                    except Unsupported:
                        continue
                    finally:
                        self.case = None
                    tried = [x for x in again.assigns
                             if {str(k) for k in x} >= {a, b}]
                    if again.states == {"equal"} and tried and len(tried) < len(outcome.assigns):
                        return a, b, equal
        return None

    def reference(self, chain, lhs, rhs, relation):
        """(reference expression, kind, rate): what the right side must equal."""
        if isinstance(lhs, sp.Function) and lhs.func is Increment:
            p = lhs.args[0]
            rate = rate_in(rhs)
            return -rate * Partial(COST, p), "increment", rate
        is_param = self._is_param(lhs)
        if is_param and (chain.prefix or relation in ("<-", ":=") or _updated(chain)
                         or (_contains(rhs, lhs) and rate_in(rhs, None) is not None)
                         or chain.update_of == lhs or lhs in self.updated
                         or self._numeric_update(chain, lhs)):
            # w_2 = w_2 - η dL/dw_2 = 0.5 - 0.1·0.069: every link of the chain is the new
            # value, not only the one that writes the rule (the later ones were compared
            # with the old w_2, and 0.5 - 0.1·0.069 passed as 0.5)
            chain.update_of = lhs
            batch = batch_rate(lhs, rhs)
            rate = batch if batch is not None else rate_in(rhs, None)
            self._notes.append(("update", ()))
            if batch is not None:
                self._notes.append(("batch_rate", (("rate", batch),)))
            if rate is None and lhs in self.updated:  # the numbers of a rule written before
                rate = self.updated[lhs]
                sizes = {s for s in rate.free_symbols if s.name in BATCH_SIZES}
                if sizes:  # η/m, where the example is one input: m = 1
                    rate = rate.subs({s: 1 for s in sizes})
                    self._notes.append(("one_example", ()))
            elif rhs.has(Partial(COST, lhs)) and self._given(lhs):
                # the example's W_1 was given before its rule: a W_1 = [numbers] after it
                # is the new value (a rule written before the example's numbers is general)
                self.updated[lhs] = rate if rate is not None else ETA
            if rate is None:  # no rate written: the one the example gives (α = 0.01), else η
                given = {r.name: r for r in self.givens if isinstance(r, sp.Symbol) and r.is_positive}
                rate = given.get("eta", given.get("alpha", ETA))
            return lhs - rate * Partial(COST, lhs), "update", rate
        return lhs, "lhs", None

    def _free_name(self, e):
        """Whether ``e`` is a name with a subscript that neither the network nor the
        document defines (o_b, E_total where E is no cost): no quantity to compare with."""
        if not (isinstance(e, sp.Symbol) and "_" in e.name and e not in self.graph.by_symbol
                and not e.is_positive and not e.is_integer and e != COST and e not in self.givens):
            return False
        return all(getattr(n, "delta", None) != e for n in self.graph.nodes)  # δ_{z1} is known

    def _numeric_update(self, chain, lhs):
        """``w_1 = 0.001 - 0.00001 \\cdot 226.5``: a given parameter set to its own given
        value less a product of numbers, the update written with the example's numbers."""
        value = self.givens.get(lhs)
        if value is None or not getattr(value, "is_Rational", False) or not chain.links:
            return False
        m = _NUMERIC_UPDATE.match(chain.links[0].rhs.s)
        return m is not None and sp.Rational(m.group(1)) == value

    def _given(self, param):
        """Whether the example gives ``param`` (a number, or a whole layer's entries)."""
        if param in self.givens:
            return True
        lab = label(param)
        return lab is not None and any(label(k) is not None and label(k)[:2] == lab[:2]
                                       for k in self.givens)

    def _new_value(self, side):
        """Whether ``side`` is a parameter an update rule written before has changed."""
        e = getattr(side, "expr", None)
        return e is not None and any(e == p for p in self.updated)

    def _is_param(self, e):
        if isinstance(e, sp.Indexed):
            return label(e)[0] in ("w", "b")
        if isinstance(e, sp.IndexedBase):
            return str(e.label).split(":")[0] in ("w", "b")
        node = self.graph.by_symbol.get(e) if isinstance(e, sp.Symbol) else None
        return node is not None and node.role == "param"  # a --graph file's parameter

    def compare(self, ref, rhs, deadline, lhs_generic=None):
        """Outcome of ref == rhs over every valid index assignment."""
        out = Outcome()
        assigns, lnames = self.inst.assignments(lhs_generic if lhs_generic is not None else ref, rhs,
                                                self.seed)
        if not assigns:
            if lnames:
                # a general statement about layers this network does not have (BP2 in
                # a network without hidden layers): nothing to instantiate, so no
                # verdict, unless a quantity named with a number is missing anyway
                missing = self.inst.missing_concrete([ref, rhs])
                if missing is None:
                    raise Unsupported("no_valid_layer", names=", ".join(lnames))
                out.structural = (missing, {})
                out.by_layer[()] = "different"
                return out
            assigns = [{}]
        case = self.case
        if case is not None and assigns != [{}]:
            from derive.check.read.cases import keep

            before = len(assigns)
            assigns = [a for a in assigns if keep(case, a)] or assigns
            if self.inst.total == before:  # all were tried: all of the case are
                self.inst.total = len(assigns)
        assigns = self._written_out(ref, rhs, assigns)
        out.assigns = assigns
        out.sampled = (len(assigns), self.inst.total) if self.inst.total > len(assigns) else None
        for a in assigns:
            deadline.check()
            key = tuple(sorted((k, v) for k, v in a.items() if isinstance(k, str)))
            if out.by_layer.get(key) == "different":
                continue
            try:
                lv = self.inst.value(ref, a)
                rv = self.inst.value(rhs, a)
                if shape(lv) != shape(rv):
                    raise ShapeMismatch("sides", shape(lv), shape(rv))
            except (Missing, ShapeMismatch) as e:
                if out.structural is None:
                    out.structural = (e, a)
                out.by_layer[key] = "different"
                continue
            state = self._compare_values(lv, rv, a, out, deadline, one_hot_points(self, a))
            old = out.by_layer.get(key, "equal")
            out.by_layer[key] = max(old, state, key=["equal", "undecided", "different"].index)
            if state == "different" and not lnames:
                break
        return out

    def _written_out(self, ref, rhs, assigns):
        """The assignments that give the letters a sum writes out term by term
        (``e^{s_p} + e^{s_q} + e^{s_r}``) different units, with a note, when any do."""
        pairs = enumerated.distinct_pairs((ref, rhs), is_index_symbol)
        if not pairs or assigns == [{}]:
            return assigns
        before = len(assigns)
        distinct = [a for a in assigns if enumerated.keep(pairs, a)]
        if not distinct:
            return assigns
        if len(distinct) < before:
            note = ("written_out", (("names", enumerated.letters(pairs)),))
            if note not in self._notes:
                self._notes.append(note)
            if self.inst.total == before:
                self.inst.total = len(distinct)
        return distinct

    # what the document says of its names, which every checker of its lines reads alike
    SHARED = ("chosen_functions", "defined_cost_letter", "correct_class")

    def share_readings(self, other):
        """Give ``other`` (a checker of the same lines on another network) the readings of
        the document this one holds."""
        other.functions = dict(self.functions)
        other.macros_with_arguments = self.macros_with_arguments
        for name in self.SHARED:
            if name in self.__dict__:
                setattr(other, name, self.__dict__[name])


    def _compare_values(self, lv, rv, assign, out, deadline, base=None):
        lv_items = list(lv) if isinstance(lv, sp.MatrixBase) else [lv]
        rv_items = list(rv) if isinstance(rv, sp.MatrixBase) else [rv]
        worst = "equal"
        for n, (a, b) in enumerate(zip(lv_items, rv_items)):
            if a == b:
                continue
            out.exact = False
            base = base or self.points
            points = base
            ma, mb = points.subvalues(a, deadline), points.subvalues(b, deadline)
            xs, ys = [m.get(None) for m in ma], [m.get(None) for m in mb]
            state, i = compare(ys, xs)
            if state != "different":
                # agreement at random points proves nothing about a piece they miss
                # or a term below the tolerance (soundness.py)
                points, why = cover(base, a, b, xs, ys, deadline, (ma, mb))
                if points is None:
                    state = "undecided"
                else:
                    if points is not base:
                        ma, mb = points.subvalues(a, deadline), points.subvalues(b, deadline)
                        xs, ys = [m.get(None) for m in ma], [m.get(None) for m in mb]
                        state, i = compare(ys, xs)
                    if state == "equal":
                        why = hidden(points, b, deadline, mb) or hidden(points, a, deadline, ma)
                        if why is not None:
                            state = "undecided"
                if why is not None and out.reason is None:
                    out.reason = why
                if state == "undecided" and points is not None:
                    c, i = constant_offset(points, a, b, xs, deadline)
                    if c is not None:
                        state, out.constant = "different", c
            if state == "different":
                if out.witness is None:
                    if out.constant is not None:
                        ys = [y + mpmath.mpf(out.constant.p) / out.constant.q if y is not None
                              else None for y in ys]
                    out.witness = (assign, i, n, ys[i], xs[i], a, b)
                    out.points = points
                return "different"
            if state == "undecided":
                worst = "undecided"
        return worst


# -- helpers ---------------------------------------------------------------------------

# the given value, then minus a product: "0.001 - 0.00001 \cdot 226.5", "0.5 - (0.1)(0.2)"
_NUMERIC_UPDATE = re.compile(r"\s*(?:\(\s*)?(-?[0-9]+(?:\.[0-9]+)?)\s*(?:\)\s*)?[-+]\s*(?:\(\s*)?-?[0-9.]+"
                             r"\s*(?:\)\s*)?(?:\\cdot|\\times|\*|\(|[0-9.]+\s*\()")


def _updated(chain):
    """``w_5^+ = …``: the left side is the parameter's new value (read.dlai)."""
    return chain.lhs is not None and chain.language == "latex" and is_updated(chain.lhs.s)


def _contains(expr, q):
    return expr.has(q)

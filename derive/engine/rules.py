"""Rewrite rules: each step of a derivation records which rule produced it.

As in sympy's ``manualintegrate``, a rule is a small class whose docstring is
its one-line math rewrite.  A rule carries the pieces the template needs for
its justification (``factor``, ``value``, ``activation`` ...), as sympy
objects, never as LaTeX.  Templates pick the justification by ``rule.kind``.

A ``Step`` pairs the expression reached with the rule that reached it; it
can evaluate itself against the graph's independent semantics, so any single
step can be checked alone.  ``DontKnow`` is the failure node: a derivation
that cannot continue ends with it instead of raising deep in rendering.
"""
import re
from dataclasses import dataclass

import sympy as sp

from derive.model.symbols import Factors, IndexSum, Iverson, Terms, plain, product


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Rule:
    """Base class of rewrite rules."""

    kind = "rule"
    fields = ()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        cls.kind = _snake(cls.__name__)

    def __init__(self, **context):
        unknown = set(context) - set(self.fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no fields {sorted(unknown)}")
        for name in self.fields:
            setattr(self, name, context.get(name))

    @property
    def rewrite(self):
        """The one-line rewrite this rule stands for (its docstring)."""
        return (type(self).__doc__ or "").strip()

    def context(self):
        return {name: getattr(self, name) for name in self.fields}

    def __repr__(self):
        return f"{type(self).__name__}({self.context()})"


class Definition(Rule):
    """u = definition(u): start from what the quantity is."""

    fields = ("quantity",)


class ChainRule(Rule):
    """∂C/∂u = Σ over paths u → … → C of the product of ∂(next)/∂(previous)."""

    fields = ("paths",)


class NamedDelta(Rule):
    """∂C/∂z = δ: the error term of a unit is its ∂C/∂z."""

    fields = ("pairs",)  # list of (partial, delta)


class CostDerivative(Rule):
    """∂C/∂a = C'(a): differentiate the cost with respect to an output."""

    fields = ("factor", "value", "cost")


class ActivationDerivative(Rule):
    """∂a/∂z = f'(z): differentiate the activation."""

    fields = ("factor", "value", "activation")


class SoftmaxJacobian(Rule):
    """∂a_i/∂z_j = a_i(1[i=j] − a_j) for softmax outputs."""

    fields = ("factor", "value")


class WeightedInputByActivation(Rule):
    """∂z_j/∂a_k = w_jk: z is linear in the previous activations."""

    fields = ("factor", "value")


class WeightedInputByWeight(Rule):
    """∂z_j/∂w_jk = a_k: z is linear in its weights."""

    fields = ("factor", "value")


class WeightedInputByBias(Rule):
    """∂z_j/∂b_j = 1."""

    fields = ("factor", "value")


class LocalDerivative(Rule):
    """∂u/∂v = d/dv of u's own definition."""

    fields = ("factor", "value", "definition")


class ActivationIdentity(Rule):
    """f'(z) rewritten through a = f(z), e.g. σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)."""

    fields = ("factor", "value", "activation")


class Distribute(Rule):
    """(u + v) w = u w + v w, cancelling common factors term by term."""

    fields = ()


class CollectTerms(Rule):
    """Collect like terms."""

    fields = ()


class TargetSumsToOne(Rule):
    """Σ_i y_i = 1 for a one-hot (or probability) target."""

    fields = ()


class KroneckerCollapse(Rule):
    """Σ_m 1[m = k] u_m = u_k: of a sum over units only the term whose unit matches survives."""

    fields = ("index", "unit")

    def apply(self, expr):
        """``expr`` with each sum over ``index`` replaced by its one surviving term."""
        def walk(e):
            if isinstance(e, IndexSum) and e.index == self.index:
                return walk(e.term.xreplace({self.index: self.unit}))
            if isinstance(e, Factors):  # the surviving term's factors join the product
                return product(*[walk(a) for a in e.args])
            if e.args:
                return e.func(*[walk(a) for a in e.args])
            return e

        return walk(expr)

    @staticmethod
    def derivative(definition, den):
        """d/d(den) of a unit's definition, a sum of terms some of which are
        Σ_m over units: of such a sum only the term at m = den's unit holds den.
        Returns (value, index, unit); index and unit are None where no Σ held den."""
        value, index, unit = sp.S.Zero, None, None
        for term in (definition.args if isinstance(definition, Terms) else (definition,)):
            if not isinstance(term, IndexSum):
                value += sp.diff(plain(term), den)
                continue
            for atom in plain(term.term).atoms(sp.Indexed):
                pairs = list(zip(atom.indices, den.indices))
                if (atom.base != den.base or len(atom.indices) != len(den.indices)
                        or not any(m == term.index for m, _ in pairs)):
                    continue
                index, unit = term.index, next(d for m, d in pairs if m == term.index)
                here = atom.xreplace({index: unit})
                # an index that is not summed must agree with den's: 1[j = k] unless it is the same
                agree = [Iverson(m, d) for m, d in pairs if m != index and m != d]
                value += sp.Mul(*agree) * sp.diff(plain(term.term.xreplace({index: unit})), here)
                break
        return value, index, unit


class OnlyOwnUnit(KroneckerCollapse):
    """∂a_i/∂z_j = 0 for i ≠ j when the activation acts unit by unit."""

    # factor: the vanishing derivative as it stands in the sum, ∂a^{(3)}_p/∂z^{(3)}_i,
    # so the justification keeps the layer and the indices of the line it explains
    fields = ("index", "unit", "factor")


class OnlyOneTerm(KroneckerCollapse):
    """∂/∂w_jk Σ_m w_jm a_m = a_k: only the m = k term holds w_jk."""

    fields = ("factor", "value", "index", "unit")


class SubstituteDefinition(Rule):
    """Replace a quantity by its definition."""

    fields = ("quantity", "value")


class ReciprocalRule(Rule):
    """(1/g)' = −g'/g², the quotient rule with a constant numerator."""

    fields = ()


class QuotientRule(Rule):
    """(f/g)' = (f'g − fg')/g²."""

    fields = ()


class ExpChainRule(Rule):
    """(e^{u})' = e^{u} u' by the chain rule."""

    fields = ()


class AddZero(Rule):
    """Add and subtract the same quantity, e.g. e^{−x} = (1 + e^{−x}) − 1."""

    fields = ()


class SplitFraction(Rule):
    """(u − v)/u = 1 − v/u."""

    fields = ()


class Factorise(Rule):
    """Take out a common factor."""

    fields = ()


class Recognise(Rule):
    """Recognise a known function in the expression."""

    fields = ("quantity",)


class PiecewiseDerivative(Rule):
    """Differentiate each piece of a piecewise function."""

    fields = ()


class PythagoreanIdentity(Rule):
    """cosh² − sinh² = 1."""

    fields = ()


class Simplify(Rule):
    """Simplify algebraically."""

    fields = ()


class DontKnow(Rule):
    """No rule applies: the derivation stops here, undecided."""

    fields = ("reason",)


@dataclass
class Step:
    """One aligned line: the expression reached and the rule that reached it."""

    expr: sp.Expr
    rule: Rule

    def evaluate(self, graph):
        """This line as a concrete expression in the leaves (for checking)."""
        return graph.evaluate(self.expr)

    eval = evaluate  # the style guide's name: step.eval(graph) equals sympy.diff


@dataclass
class Derived:
    """lhs = steps[0].expr = steps[1].expr = …, each step with its rule."""

    lhs: sp.Expr
    steps: list

    @property
    def result(self):
        return self.steps[-1].expr if self.steps else self.lhs

    @property
    def complete(self):
        return not any(isinstance(s.rule, DontKnow) for s in self.steps)

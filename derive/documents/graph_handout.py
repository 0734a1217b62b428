"""The parts of a handout that only graphs (``--graph``) have: the shared products
grouped by the line that uses a parameter, a bias written by reference to its weight,
the one-path product of σ' factors, the remark on the output sigmoid and the cost,
and the output composed as one formula in the author's order.  ``handout`` asks for
them; the prose is in ``templates/handout/``."""
import sympy as sp

from derive.engine.equations import Equation
from derive.model.symbols import COST, Factors, Partial, Terms

COMPOSED_GRAPH_OPS = 16  # a graph's output as one formula while it stays this small


def earned(derived):
    """For a graph: the paths of the first gradient's chain rule, grouped by the quantity v
    whose line uses the parameter (the last factor, ∂v/∂θ), each group's products without
    that factor, and ∂C/∂v, which their sum is: every path from θ through v is the edge
    θ → v followed by one path from v up to the cost."""
    from derive.model.symbols import Factors as F, Terms as T

    first = derived.steps[0].expr
    paths = list(first.args) if isinstance(first, T) else [first]
    groups = {}
    for path in paths:
        factors = list(path.args) if isinstance(path, F) else [path]
        if len(factors) < 3 or not all(isinstance(f, Partial) for f in factors):
            continue  # a product of one factor besides ∂v/∂θ has nothing to share
        groups.setdefault(factors[-1].num, []).append(F(*factors[:-1]))
    out = [(products[0] if len(products) == 1 else T(*products), Partial(COST, v))
           for v, products in groups.items()]
    return out[:2]


def brief(d):
    """For a graph: a gradient along one path whose chain is an earlier one's but for a
    last factor equal to 1 (∂z₂/∂b beside ∂z₂/∂w₂) is written by reference to it."""
    seen, out = {}, {}
    for e in d.gradients:
        first = e.derived.steps[0].expr
        if not isinstance(first, Factors) or len(first.args) < 2:
            continue
        prefix, last = first.args[:-1], first.args[-1]
        step = next((s for s in e.derived.steps if getattr(s.rule, "factor", None) == last), None)
        if prefix in seen and step is not None and getattr(step.rule, "value", None) == 1:
            out[e.key] = (seen[prefix], step.rule)
        else:
            seen.setdefault(prefix, e.derived.lhs)
    return out


def vanishing(d):
    """For a graph: the written-out gradient along one path with the most saturating
    derivatives (σ', tanh'), at its last line before σ' is rewritten as σ(1 − σ), and how
    many it holds (a sum over paths is left out: its factors do not multiply)."""
    from derive.model import functions as F

    def primes(expr):
        return [f for f in sp.preorder_traversal(expr)
                if isinstance(f, (F.sigmoid_prime, F.tanh_prime))]

    best = None
    for e in d.motivation or (d.gradients if d.full_expansion else []):
        steps = e.derived.steps
        shown = next((steps[i - 1].expr for i, s in enumerate(steps)
                      if i and s.rule.kind == "activation_identity"), e.derived.result)
        found = primes(shown) if not isinstance(shown, Terms) else []  # one path: one product
        if found and (best is None or len(found) > best[2]):
            best = (e.derived.lhs, shown, len(found), sum(isinstance(f, F.sigmoid_prime)
                                                          for f in found))
    if best is None:
        return None
    lhs, shown, count, sigmoids = best
    return dict(equation=Equation("vanishing", lhs, shown), count=count, sigmoids=sigmoids,
                bound=sp.Rational(1, 4) ** sigmoids)


def output(d):
    """For a graph whose cost is computed from one sigmoid output y = σ(z) and one target t:
    the δ of z as derived, and whether ∂C/∂z is simply y − t (the cost cancels σ', as
    cross-entropy does), judged by comparing the two at two points of (0, 1) (they are
    formulas of y and t, so two distinct agreements rule out a coincidence in practice;
    this chooses a remark, it proves nothing).  None otherwise."""
    import mpmath

    from derive.model import functions as F
    from derive.model.mpeval import evaluate

    if d.mode != "graph":
        return None
    g = d.graph
    outputs = [p for p in g.cost.parents if not p.is_leaf]
    targets = [p for p in g.cost.parents if p.role == "target"]
    if len(outputs) != 1 or len(targets) != 1 or outputs[0].activation is None \
            or outputs[0].activation.name != "sigmoid":
        return None
    y, t = outputs[0], targets[0]
    z = y.parents[0]
    delta = next((e for e in d.deltas if e.name == z.delta), None)
    if delta is None:
        return None
    # ∂C/∂z = ∂C/∂y · y(1 − y), the cost's own line differentiated with y as a leaf
    gap = sp.diff(g.cost.expr, y.symbol) * y.symbol * (1 - y.symbol) - (y.symbol - t.symbol)
    leaves = sorted(gap.free_symbols, key=str)
    try:
        with mpmath.workdps(30):
            cancels = all(abs(evaluate(gap, {s: mpmath.mpf(k + 1) / (7 + i) for i, s in
                                            enumerate(leaves)}, "output")) < mpmath.mpf(10) ** -20
                          for k in (1, 2))
    except Exception:  # a point outside a formula's domain: say nothing rather than guess
        return None
    return dict(y=y.symbol, z=z.symbol, t=t.symbol, delta=delta.derived, name=delta.name,
                cancels=cancels,
                prime=F.sigmoid_prime(z.symbol))


def composed(g):
    """The quantity a small graph's cost is computed from, as one formula of the
    inputs and parameters: y = σ(w₂ ReLU(w₁x) + b).  Composed from the author's
    written forms where the graph came from a file, so it keeps their order."""
    from derive.model.symbols import AsWritten

    outputs = [p for p in g.cost.parents if not p.is_leaf]
    if len(outputs) != 1 or sp.count_ops(g.composed()[outputs[0].symbol]) > COMPOSED_GRAPH_OPS:
        return None
    out = outputs[0]
    if not g.written:
        return Equation("composed", out.symbol, g.composed()[out.symbol])
    values = {}
    for n in g.nodes:
        if n.is_leaf:
            values[n.symbol] = n.symbol
        else:
            shown = g.written.get(n.expr, n.expr)
            with sp.evaluate(False):
                values[n.symbol] = shown.xreplace({p.symbol: values[p.symbol] for p in n.parents})
        if n is out:
            break
    return Equation("composed", out.symbol, AsWritten(values[out.symbol]))

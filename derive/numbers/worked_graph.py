"""Worked numbers for --graph files.

Values are given by the graph's own names (inputs, parameters, targets).
The forward pass evaluates each assignment at 50 digits; the error terms and
gradients evaluate the engine's own results (δ from the δ of the quantities
each feeds, gradients restated with δ), so the numbers follow the derivation
line by line.  The gradient check differentiates nothing: it perturbs each
parameter and recomputes the cost.
"""
import random
from dataclasses import dataclass, field

import mpmath
import sympy as sp

from derive.engine.chain import Engine
from derive.errors import option, DuplicateKeyError, MissingValuesError, ShapeError, UnknownKeyError
from derive.model.mpeval import evaluate
from derive.numbers.numeric import DPS, SATURATION_RATIO
from derive.model.symbols import COST, ETA, Factors, Partial, Terms, plain
from derive.numbers.values import parse_number, read_pairs
from derive.numbers.worked import newly_stalled
from derive.numbers.worked_lines import Line, shown

GC_STEP = mpmath.mpf("1e-20")
_PRIME_MAX = {"sigmoid": mpmath.mpf("0.25"), "tanh": mpmath.mpf(1)}


@dataclass
class GraphCheck:
    max_relative_error: object
    checked: int
    total: int
    step: object = GC_STEP


@dataclass
class GraphWorked:
    digits: int
    inputs: list
    forward: list
    loss: Line
    deltas: list
    gradients: list
    warnings: list
    values: dict
    mode: str = "graph"
    saturation: list = field(default_factory=list)  # remarks are in warnings for graphs
    gradcheck: object = None
    updates: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    lr: object = None
    # as WorkedExample.step_notes: step -> [(quantity, activation name)] that die or saturate
    step_notes: dict = field(default_factory=dict)
    frozen: dict = field(default_factory=dict)  # step -> (params stuck at gradient 0, the rest)

    def to_dict(self):
        return self.values


def _leaves(graph):
    return [n for n in graph.nodes if n.is_leaf]


def graph_values(graph, text, draw, seed):
    """{symbol: Decimal} for every input, parameter and target of ``graph``."""
    names = {str(n.symbol): n for n in _leaves(graph)}
    given = {}
    for key, raw in (read_pairs(text) if text else []):
        key = str(key)
        if key not in names:
            raise UnknownKeyError(f"{option('values')}: unknown key {key!r}; this graph has "
                                  f"{', '.join(names)}")
        if key in given:
            raise DuplicateKeyError(f"{option('values')} gives {key} twice")
        if isinstance(raw, (list, dict)):
            raise ShapeError(f"{option('values')}: {key} is a single number in a {option('graph')} file, not a list")
        if isinstance(raw, str):
            raise ShapeError(f"{option('values')}: {key} must be a number, not a string")
        given[key] = parse_number(raw, key)
    rng = random.Random(seed)
    out = {}
    missing = []
    for key, node in names.items():
        drawn = (sp.Integer(rng.randint(0, 10)) / 10 if node.role == "target"
                 else sp.Integer(rng.choice([k for k in range(-10, 11) if k])) / 10)
        if key in given:
            out[node.symbol] = given[key]
        elif draw:
            out[node.symbol] = parse_number(str(sp.Float(drawn, 2)), key)
        else:
            missing.append(key)
    if missing:
        raise MissingValuesError(f"{option('values')} is missing {', '.join(missing)}")
    return out


def _mp(value):
    return value if isinstance(value, mpmath.mpf) else mpmath.mpf(str(value))


def _name(graph, node):
    return graph.cost_name if node.role == "cost" else str(node.symbol)


def _forward(graph, leaf_values):
    """Every node's value (mpmath, 50 digits and 10 guard digits); a value that
    is not a real number, or is too large, is a NumberError naming the node."""
    with mpmath.workdps(DPS + 10):
        vals = {s: _mp(v) for s, v in leaf_values.items()}
        for n in graph.nodes:
            if not n.is_leaf:
                vals[n.symbol] = evaluate(n.expr, vals, _name(graph, n))
    return vals


def _ordered(expr, written=None, as_written=False):
    """The expression as ordered containers, so numbers substituted into it
    keep the printed order and negative ones get their parentheses: a product
    of the derivation (``Factors``) in its own order, a definition of the graph
    file in the order its author wrote it (``written``; ``as_written``: ``expr``
    is already such a form), anything else in the printer's order."""
    written = written or {}
    if not expr.free_symbols:  # a constant has nothing to substitute: keep it as written
        return expr
    if isinstance(expr, (Factors, Terms)):
        return type(expr)(*[_ordered(a, written) for a in expr.args])
    if not as_written and not expr.is_Atom and expr in written:
        return _ordered(written[expr], written, as_written=True)
    if isinstance(expr, (sp.Add, sp.Mul)) and not _divides(expr):
        if as_written:
            parts = list(expr.args)
        else:
            parts = expr.as_ordered_terms() if isinstance(expr, sp.Add) else expr.as_ordered_factors()
        if isinstance(expr, sp.Add):  # y - t, as printed: the positive terms first
            parts = ([t for t in parts if not t.could_extract_minus_sign()]
                     + [t for t in parts if t.could_extract_minus_sign()])
        parts = [_ordered(a, written, as_written) for a in parts]
        return (Factors if isinstance(expr, sp.Mul) else Terms)(*parts)
    if expr.args and not isinstance(expr, (sp.Symbol, sp.Indexed, sp.Number)):
        # the arguments are ordered with evaluation on: sympy's sort keys take
        # complex() of constant terms such as exp(tanh(1000)), which recurses
        # without end on terms built under evaluate(False)
        args = [_ordered(a, written, as_written) for a in expr.args]
        with sp.evaluate(False):
            return expr.func(*args)
    return expr


def _divides(expr):
    """A product with a quotient (x/2, e^z/(1 + e^z)) prints as a fraction, not as factors."""
    return isinstance(expr, sp.Mul) and any(
        isinstance(f, sp.Pow) and f.exp.is_negative for f in expr.args)


def _number(value, digits):
    # a negative number inside a product or sum is bracketed: 0.03 · (−5), not 0.03 −5
    v = shown(_mp(value), digits)
    return Terms(v) if isinstance(v, sp.Number) and v < 0 else v  # shown() brackets −1 itself


def _substituted(expr, vals, digits, written=None):
    """``expr`` with every known quantity replaced by its rounded value; None
    when that would only repeat the result (a bare quantity)."""
    if isinstance(plain(expr), (sp.Symbol, sp.Indexed)):
        return None
    ordered = _ordered(expr, written)  # outside evaluate(False), as _ordered needs
    with sp.evaluate(False):
        return ordered.xreplace({s: _number(vals[s], digits)
                                        for s in ordered.atoms(sp.Symbol) if s in vals})


def _stalled(graph, vals):
    """[(node, activation name, message)] for each activation node that is dead (a ReLU
    with input ≤ 0) or saturated (σ' or tanh' below SATURATION_RATIO of its peak)."""
    out = []
    for n in graph.nodes:
        act = n.activation
        if act is None or len(n.parents) != 1:
            continue
        z = _mp(vals[n.parents[0].symbol])
        if act.name == "relu" and z <= 0:
            out.append((n, act.name, f"{n.symbol} is saturated (dead): its input "
                        f"{n.parents[0].symbol} = {mpmath.nstr(z, 4)} <= 0, so ReLU' = 0 and no "
                        f"gradient passes through it"))
        elif act.name in _PRIME_MAX:
            prime = (1 / (1 + mpmath.exp(-z))) * (1 / (1 + mpmath.exp(z))) if act.name == "sigmoid" \
                else 1 - mpmath.tanh(z) ** 2
            if prime < SATURATION_RATIO * _PRIME_MAX[act.name]:
                out.append((n, act.name, f"{n.symbol} is saturated: {n.parents[0].symbol} = "
                            f"{mpmath.nstr(z, 4)}, so {act.name}' = {mpmath.nstr(prime, 4)}; the "
                            f"gradient through it is tiny, so learning is slow"))
    return out


def _warnings(graph, vals):
    return [message for _, _, message in _stalled(graph, vals)]


def _stalled_units(graph, vals):
    return {n.symbol: act for n, act, _ in _stalled(graph, vals)}


def _frozen(notes, grads_after):
    """step -> (parameters whose gradient is exactly 0 after that step and every later
    one, the parameters that still learn), for the steps ``notes`` marks; a dead ReLU
    zeroes the gradients behind it exactly, a saturated unit only makes them small."""
    out = {}
    for step in notes:
        later = [g for s, g in grads_after if s >= step]
        zero = [p for p in later[0] if all(g[p] == 0 for g in later)]
        if zero:
            out[step] = (zero, [p for p in later[0] if p not in zero])
    return out


def _backward(engine, graph, vals):
    """δ of every named node and every parameter's gradient, from the engine's results."""
    deltas, order = {}, [n for n in reversed(graph.nodes) if n.delta is not None]
    derived = {}
    with mpmath.workdps(DPS + 10):
        for n in order:
            d = engine.delta(n)
            derived[n] = d.result
            deltas[n.delta] = evaluate(d.result, {**vals, **deltas}, f"delta_{n.symbol}")
        grads = {}
        for p in graph.params:
            r = engine.restated(p).result
            grads[p] = (r, evaluate(r, {**vals, **deltas}, f"dC/d{p.symbol}"))
    return derived, deltas, grads


def _cost_at(graph, leaf_values):
    return _mp(_forward(graph, leaf_values)[COST])


def worked_graph(derivation, text, draw, seed, digits, gradcheck, lr, steps):
    # every mpmath operation below (updates, differences) at the working precision
    with mpmath.workdps(DPS + 10):
        return _worked_graph(derivation, text, draw, seed, digits, gradcheck, lr, steps)


def _worked_graph(derivation, text, draw, seed, digits, gradcheck, lr, steps):
    graph = derivation.graph
    engine = Engine(graph)
    leaves = graph_values(graph, text, draw, seed)
    vals = _forward(graph, leaves)
    derived, deltas, grads = _backward(engine, graph, vals)
    show = lambda v: shown(_mp(v), digits)
    inputs = [Line(n.symbol, None, None, show(leaves[n.symbol]), "input") for n in _leaves(graph)]
    written = graph.written
    forward = [Line(n.symbol, n.expr, _substituted(n.expr, vals, digits, written),
                    show(vals[n.symbol]), "z")
               for n in graph.nodes if not n.is_leaf and n.role != "cost"]
    loss = Line(COST, graph.cost.expr, _substituted(graph.cost.expr, vals, digits, written),
                show(vals[COST]), "loss")
    all_vals = {**vals, **deltas}
    delta_lines = [Line(n.delta, derived[n], _substituted(derived[n], all_vals, digits, written),
                        show(deltas[n.delta]), "delta") for n in derived]
    grad_lines = [Line(Partial(COST, p.symbol), r, _substituted(r, all_vals, digits, written), show(v),
                       "gradient", key=p.key) for p, (r, v) in grads.items()]
    warnings = _warnings(graph, vals)
    values = {
        "inputs": {str(s): float(v) for s, v in leaves.items()},
        "activations": {str(n.symbol): float(vals[n.symbol]) for n in graph.nodes
                        if not n.is_leaf and n.role != "cost"},
        "loss": float(vals[COST]),
        "deltas": {str(k): float(v) for k, v in deltas.items()},
        "gradients": {p.key: float(v) for p, (_, v) in grads.items()},
        "warnings": warnings,
        "precision_digits": DPS,
    }
    w = GraphWorked(digits, inputs, forward, loss, delta_lines, grad_lines, warnings, values)
    if gradcheck:
        worst = mpmath.mpf(0)
        with mpmath.workdps(DPS + 20):
            for p, (_, v) in grads.items():
                up, down = dict(leaves), dict(leaves)
                up[p.symbol] = _mp(leaves[p.symbol]) + GC_STEP
                down[p.symbol] = _mp(leaves[p.symbol]) - GC_STEP
                fd = (_cost_at(graph, up) - _cost_at(graph, down)) / (2 * GC_STEP)
                scale = max(abs(fd), abs(_mp(v)))
                err = abs(fd - _mp(v)) / scale if scale > mpmath.mpf("1e-30") else abs(fd - _mp(v))
                worst = max(worst, err)
        w.gradcheck = GraphCheck(worst, len(grads), len(grads))
        values["gradcheck"] = {"max_relative_error": float(worst), "checked": len(grads),
                               "total": len(grads), "step": float(GC_STEP)}
    if lr is not None:
        eta = parse_number(lr, f"{option('lr')}")
        current = dict(leaves)
        losses, cur_grads = [(0, show(vals[COST]))], grads
        raw = [vals[COST]]  # JSON takes these, not the rounded display (which may be Terms(-1))
        states, grads_after = [], []
        for step in range(1, (steps or 1) + 1):
            updated = dict(current)
            for p, (_, v) in cur_grads.items():
                updated[p.symbol] = _mp(current[p.symbol]) - _mp(eta) * _mp(v)
            if step == 1:
                w.updates = [Line(p.symbol, Terms(p.symbol, -ETA * Partial(COST, p.symbol)),
                                  Terms(_number(current[p.symbol], digits),
                                        Factors(-1, shown(eta, digits), _number(v, digits))),
                                  show(updated[p.symbol]), "update", key=p.key)
                             for p, (_, v) in cur_grads.items()]
            current = updated
            step_vals = _forward(graph, current)
            losses.append((step, show(step_vals[COST])))
            raw.append(step_vals[COST])
            _, _, cur_grads = _backward(engine, graph, step_vals)
            states.append((step, _stalled_units(graph, step_vals)))
            grads_after.append((step, {p.symbol: v for p, (_, v) in cur_grads.items()}))
        if len(states) > 1:  # the table of losses, which the notes mark, needs two steps
            w.step_notes = newly_stalled(_stalled_units(graph, vals), states)
            w.frozen = _frozen(w.step_notes, grads_after)
        w.losses, w.lr = losses, shown(eta, digits)
        values["sgd"] = {"lr": float(eta), "losses": [float(l) for l in raw]}
    return w

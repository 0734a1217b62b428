"""The layer-by-layer (vector) lines of a worked example, for networks too
wide to work unit by unit: z = W a + b, a = f(z), f'(z), δ and the gradients
as vectors and matrices of numbers.  A matrix with more than MAX_SHOWN entries
is left out (``substituted``/``result`` None); the JSON values keep it all."""
import sympy as sp

from derive.model import functions as F
from derive.numbers import numeric
from derive.model.symbols import COST, ETA, Factors, Hadamard, MatrixProduct, Partial, Terms, Transposed, base
from derive.numbers.worked_lines import Line, column_of, loss_line, matrix_of, neg, param_keys

MAX_SHOWN = 64  # entries of the largest vector or matrix printed


def _small(*shapes):
    return all(r * c <= MAX_SHOWN for r, c in shapes)


def _vec_or_none(w, vals):
    return column_of(vals, w.d) if len(vals) <= MAX_SHOWN else None


def inputs_vector(w):
    lines = [Line(base("x", 0), None, None, _vec_or_none(w, w.data["x"]), "input", 0, key="x")]
    for key, g in param_keys(w):
        val = w.data[key]
        big = g.shape[0] * (g.shape[1] if g.kind == "w" else 1) > MAX_SHOWN
        shown_val = None if big else (matrix_of(val, w.d) if g.kind == "w" else column_of(val, w.d))
        lines.append(Line(base(g.kind, g.layer), None, None, shown_val, "input", g.layer, key=key))
    lines.append(Line(base("y", "out"), None, None, _vec_or_none(w, w.data["y"]), "input", None,
                      key=w.values.target_key))
    return lines


def forward_vector(w):
    lines, net = [], w.net
    for l in range(1, w.L + 1):
        rows, cols = net.widths[l], net.widths[l - 1]
        formula = MatrixProduct(base("w", l), w.Avec(l - 1))
        if net.bias:
            formula = Terms(formula, base("b", l))
        subst = None
        if _small((rows, cols), (cols, 1)):
            prev = w.data["x"] if l == 1 else w.r.a[l - 1]
            subst = MatrixProduct(matrix_of(w.values.weights(l), w.d), column_of(prev, w.d))
            if net.bias:
                subst = Terms(subst, column_of(w.values.bias(l), w.d))
        lines.append(Line(base("z", l), formula, subst, _vec_or_none(w, w.r.z[l]), "z", l))
        small = rows <= MAX_SHOWN
        a_sub = (sp.ImmutableMatrix([[w.a_formula(l, j, w.n(w.r.z[l][j]))] for j in range(rows)])
                 if small and w.act(l) != "softmax" else None)
        a_formula = (w.a_formula(l, 0, None).func(base("z", l)) if w.act(l) not in ("softmax",)
                     else None)
        lines.append(Line(base("a", l), a_formula, a_sub, _vec_or_none(w, w.r.a[l]), "a", l))
        fp = _fprime_vector(w, l, small)
        if fp is not None:
            lines.append(fp)
    return lines


def _fprime_vector(w, l, small):
    act = w.act(l)
    Zv, Av = base("z", l), base("a", l)
    subst, rule = None, None
    if act == "sigmoid":
        lhs, formula = F.sigmoid_prime(Zv), Hadamard(Av, Terms(1, neg(Av)))
        if small:
            comp = [numeric._sigmoid(-z) for z in w.r.z[l]]
            subst = Hadamard(column_of(w.r.a[l], w.d), column_of(comp, w.d))
    elif act == "tanh":
        lhs, formula = F.tanh_prime(Zv), Terms(1, neg(Hadamard(Av, Av)))
        if small:
            subst = sp.ImmutableMatrix([[Terms(1, neg(sp.Pow(w.n(a), 2)))] for a in w.r.a[l]])
    elif act == "relu":
        lhs, formula = F.relu_prime(Zv), None
        if small:
            subst = sp.ImmutableMatrix([[F.relu_prime(w.n(z))] for z in w.r.z[l]])
    else:
        return None
    return Line(lhs, formula, subst, _vec_or_none(w, w.r.fprime[l]), "fprime", l, rule=rule)


def loss_vector(w):
    if w.net.widths[-1] <= 8:
        return loss_line(w)
    return Line(COST, None, None, w.n(w.r.loss), "loss")


def deltas_vector(w):
    net, L = w.net, w.L
    small_out = net.widths[L] <= MAX_SHOWN
    Av, Yv, Zv = base("a", L), base("y", "out"), base("z", L)
    result = _vec_or_none(w, w.r.delta[L])
    if w.simplified_output():
        subst = (sp.ImmutableMatrix([[Terms(w.a_num(L, j), neg(w.y_num(j)))] for j in range(net.widths[L])])
                 if small_out else None)
        lines = [Line(base("delta", L), Terms(Av, neg(Yv)), subst, result, "delta", L,
                      rule="output_delta_simplified")]
    else:
        grad = column_of(w.r.dC_da, w.d) if small_out else None
        act = w.act(L)
        if act == "softmax":
            formula = MatrixProduct(Transposed(Partial(Av, Zv)), Partial(COST, Av))
            subst = None
        elif act == "linear":
            formula, subst = Partial(COST, Av), grad
        else:
            fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
            formula = Hadamard(Partial(COST, Av), fp(Zv))
            subst = Hadamard(grad, column_of(w.r.fprime[L], w.d)) if small_out else None
        lines = [Line(base("delta", L), formula, subst, result, "delta", L)]
    for l in range(L - 1, 0, -1):
        act = w.act(l)
        formula = MatrixProduct(Transposed(base("w", l + 1)), base("delta", l + 1))
        subst = None
        if _small((net.widths[l], net.widths[l + 1])):
            Wt = [list(col) for col in zip(*w.values.weights(l + 1))]
            subst = MatrixProduct(matrix_of(Wt, w.d), column_of(w.r.delta[l + 1], w.d))
        if act != "linear":
            fp = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime, "relu": F.relu_prime}[act]
            formula = Hadamard(formula, fp(base("z", l)))
            if subst is not None:
                subst = Hadamard(subst, column_of(w.r.fprime[l], w.d))
        lines.append(Line(base("delta", l), formula, subst, _vec_or_none(w, w.r.delta[l]), "delta", l))
    return lines


def gradients_vector(w):
    lines = []
    for key, g in param_keys(w):
        l, val = g.layer, w.r.gradients[key]
        D = base("delta", l)
        if g.kind == "w":
            rows, cols = g.shape
            small = _small((rows, cols))
            prev = w.data["x"] if l == 1 else w.r.a[l - 1]
            subst = (MatrixProduct(column_of(w.r.delta[l], w.d), matrix_of([prev], w.d)) if small else None)
            lines.append(Line(Partial(COST, base("w", l)), MatrixProduct(D, Transposed(w.Avec(l - 1))), subst,
                              matrix_of(val, w.d) if small else None, "gradient", l, key=key))
        else:
            lines.append(Line(Partial(COST, base("b", l)), D, None, _vec_or_none(w, val),
                              "gradient", l, key=key))
    return lines


def updates_vector(w, run, eta):
    lines, step = [], run.steps[0]
    for key, g in param_keys(w):
        sym = base(g.kind, g.layer)
        old, grads, new = w.data[key], step.gradients[key], step.parameters[key]
        if g.kind == "w":
            small = _small(g.shape)
            mk = lambda m: matrix_of(m, w.d)
        else:
            small = g.shape[0] <= MAX_SHOWN
            mk = lambda m: column_of(m, w.d)
        subst = Terms(mk(old), Factors(-1, w.n(eta), mk(grads))) if small else None
        lines.append(Line(sym, Terms(sym, Factors(-1, ETA, Partial(COST, sym))), subst,
                          mk(new) if small else None, "update", g.layer, key=key))
    return lines

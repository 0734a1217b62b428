"""Worked numbers in high precision: forward pass, loss, backpropagation,
saturation warnings, a finite-difference gradient check and SGD steps for a
layered ``Network``.

Everything runs on plain lists of mpmath numbers in a private context with
``DPS`` = 50 significant digits, so float64 artefacts never reach the user:
σ(50) is not 1 and σ'(50) ≈ 1.9e-22 is reported, not 0.  Functions are
written so no digits cancel: σ'(z) = e^{-|z|}/(1 + e^{-|z|})², 1 − σ(z) = σ(−z),
tanh' = sech², softmax with its maximum subtracted, and the logs of the
cross-entropy and log-likelihood through log1p where the output allows it.

Exact zeros matter (ReLU'(0) is 0 by convention, not 1): inputs are exact
decimals, which binary numbers only approximate, so a sum that cancels to
within 10^-(DPS-10) of its terms' size is taken as exactly 0.

Shapes follow the parameters: a weight matrix is a list of rows (row j =
weights into unit j), a bias or a layer's z, a, δ is a list.  Layers are
internal (input = 0, output = L); parameter keys are the notation's.
"""
import random
from dataclasses import dataclass, field
from decimal import Decimal

import mpmath

from derive.errors import option, DomainError, NumberError, SizeLimitError, ValuesError

DPS = 50
MP = mpmath.MPContext()
MP.dps = DPS
_SNAP = MP.mpf(10) ** (10 - DPS)
_TINY = MP.mpf("1e-30")

# A unit is saturated when f'(z) is below this fraction of f''s largest value
# (σ' ≤ 0.25, tanh' ≤ 1): for σ that is |z| > 8.3, for tanh |z| > 3.8.
SATURATION_RATIO = MP.mpf("1e-3")
_PRIME_MAX = {"sigmoid": MP.mpf("0.25"), "tanh": MP.mpf(1)}

# Work bounds (multiply-adds): the gradient check samples entries beyond it,
# SGD refuses more steps than it allows.
# Computed numbers beyond this size are refused with the quantity's name:
# float64 (JSON) ends at 1.8e308, and such a worked example teaches nothing.
MAX_ABS = MP.mpf("1e300")
# Numbers are kept for every parameter several times over (values, the pass,
# gradients); beyond this many parameters a worked example is refused.
MAX_PARAMS = 250_000

GRADCHECK_BUDGET = 2_000_000
SGD_BUDGET = 4_000_000
MAX_STEPS = 10_000


def num(value):
    """An mpmath number in our context from a Decimal, int, str or mpf."""
    if isinstance(value, Decimal):
        return MP.mpf(str(value))
    return MP.mpf(value)


def _mat(rows):
    return [[num(v) for v in row] for row in rows]


def _vec(vals):
    return [num(v) for v in vals]


@dataclass
class Params:
    """The numbers of one example: input, target, weights and biases per layer."""

    x: list
    y: list
    W: dict  # layer -> list of rows
    B: dict  # layer -> list, or None without bias

    @classmethod
    def of(cls, network, values):
        missing = values.missing()
        if missing:
            raise ValuesError(f"no values for {', '.join(missing)}")
        W = {l: _mat(values.weights(l)) for l in range(1, network.L + 1)}
        B = {l: (_vec(values.bias(l)) if network.bias else None) for l in range(1, network.L + 1)}
        return cls(_vec(values.data["x"]), _vec(values.data["y"]), W, B)


@dataclass
class Result:
    """One forward (and, after ``backprop``, backward) pass."""

    z: dict  # layer (1..L) -> list
    a: dict  # layer (0..L) -> list; a[0] is the input
    fprime: dict  # layer -> f'(z) per unit; None for softmax (its Jacobian is not diagonal)
    complement: list  # 1 − a at the output, without cancellation
    loss: object
    dC_da: list = None
    delta: dict = None  # layer (1..L) -> list
    gradients: dict = None  # parameter key -> nested like the parameter


# -- activations -----------------------------------------------------------------

def _snapped(total, scale):
    return MP.zero if total and abs(total) <= scale * _SNAP else total


def _dot(row, vec, extra=None):
    total = MP.fdot(row, vec)
    if extra is not None:
        total += extra
    if total and abs(total) < _TINY:  # cheap filter: only near-zero sums can be cancellations
        scale = MP.fdot([abs(r) for r in row], [abs(v) for v in vec]) + (abs(extra) if extra else 0)
        total = _snapped(total, scale)
    return total


def _sigmoid(z):
    return 1 / (1 + MP.exp(-z))


def _activate(name, zs):
    """(a, f'(z) or None, 1 − a) for one layer."""
    if name == "sigmoid":
        a = [_sigmoid(z) for z in zs]
        fp = [MP.exp(-abs(z)) / (1 + MP.exp(-abs(z))) ** 2 for z in zs]
        return a, fp, [_sigmoid(-z) for z in zs]
    if name == "tanh":
        a = [MP.tanh(z) for z in zs]
        return a, [MP.sech(z) ** 2 for z in zs], [1 - v for v in a]
    if name == "relu":
        a = [z if z > 0 else MP.zero for z in zs]
        return a, [MP.one if z > 0 else MP.zero for z in zs], [1 - v for v in a]
    if name == "linear":
        return list(zs), [MP.one] * len(zs), [1 - z for z in zs]
    if name == "softmax":
        m = max(zs)
        es = [MP.exp(z - m) for z in zs]
        s = MP.fsum(es)
        a = [e / s for e in es]
        comp = [MP.fsum(es[:j] + es[j + 1:]) / s for j in range(len(es))]
        return a, None, comp
    raise ValueError(name)  # pragma: no cover - Network validates activation names


def _log_a(name, z, a, zs):
    if name == "sigmoid":
        return -MP.log1p(MP.exp(-z))
    if name == "softmax":
        m = max(zs)
        return z - m - MP.log(MP.fsum(MP.exp(v - m) for v in zs))
    return MP.log(a) if a > 0 else None


def _log_1ma(name, z, comp):
    if name == "sigmoid":
        return -MP.log1p(MP.exp(z))
    return MP.log(comp) if comp > 0 else None


# -- names (plain text, for warnings and messages) ---------------------------------

def unit_name(notation, kind, layer, unit=None, width=1):
    """``a^(3)`` / ``a^(2)_1`` / ``a^2_1`` in the notation's terms (units 1-based)."""
    head = notation.names.get(kind, kind)
    shown = notation.display_layer(kind, layer)
    name = f"{head}^({shown})" if notation.parens else f"{head}^{shown}"
    if unit is not None and width > 1:
        name += f"_{unit + 1}"
    return name


def _fmt(x):
    return mpmath.nstr(mpmath.mpf(x), 4)


# -- the passes ------------------------------------------------------------------

def _loss(network, notation, zs, a, comp, y):
    """C and ∂C/∂a at the output, refusing logs of non-positive numbers."""
    L = network.L
    act = network.activations[-1]
    cost = network.cost_name
    width = len(a)
    if cost in ("quadratic", "squared-error"):
        diffs = [ai - yi for ai, yi in zip(a, y)]
        c = MP.fsum(d * d for d in diffs)
        if cost == "quadratic":
            return c / 2, diffs
        return c, [2 * d for d in diffs]
    terms, grads = [], []
    for j, (z, ai, ci, yi) in enumerate(zip(zs, a, comp, y)):
        name = unit_name(notation, "a", L, j, width)
        term, grad = MP.zero, MP.zero
        if yi != 0:
            la = _log_a(act, z, ai, zs)
            if la is None or ai == 0:
                raise DomainError(
                    f"the {cost} cost takes log {name}, but {name} = {_fmt(ai)} is not positive; "
                    f"use a sigmoid or softmax output layer")
            term -= yi * la
            grad -= yi / ai
        if cost == "cross-entropy" and yi != 1:
            l1 = _log_1ma(act, z, ci)
            if l1 is None or ci == 0:
                raise DomainError(
                    f"the cross-entropy cost takes log(1 - {name}), but {name} = {_fmt(ai)} "
                    f"is not below 1; use a sigmoid output layer")
            term -= (1 - yi) * l1
            grad += (1 - yi) / ci
        terms.append(term)
        grads.append(grad)
    return MP.fsum(terms), grads


def _forward(network, notation, P, with_loss=True):
    a = {0: P.x}
    z, fprime = {}, {}
    comp = None
    for l in range(1, network.L + 1):
        W, B = P.W[l], P.B[l]
        zs = [_dot(row, a[l - 1], B[j] if B is not None else None) for j, row in enumerate(W)]
        z[l] = zs
        a[l], fprime[l], comp = _activate(network.activations[l - 1], zs)
    loss, dC_da = (None, None)
    if with_loss:
        loss, dC_da = _loss(network, notation, z[network.L], a[network.L], comp, P.y)
    return Result(z=z, a=a, fprime=fprime, complement=comp, loss=loss, dC_da=dC_da)


def check_network_size(network):
    """Refuse, before any number is drawn or read, a network too large to work numbers for."""
    if network.n_params > MAX_PARAMS:
        raise SizeLimitError(
            f"the network has {network.n_params} parameters; worked numbers (--values, "
            f"--random-values, --gradcheck, --lr) are limited to {MAX_PARAMS} parameters")


def check_size(v, name):
    """Refuse a number that is not finite or beyond ±MAX_ABS, naming it."""
    if not MP.isfinite(v) or abs(v) > MAX_ABS:
        raise NumberError(f"{name} = {mpmath.nstr(mpmath.mpf(v), 3)} is beyond ±1e300; the "
                          "values are too extreme for a worked example, use smaller ones")
    return v


def _check_sizes(network, notation, r):
    """Every number of a pass within ±MAX_ABS (cheap: one comparison each)."""
    L = network.L
    groups = [(getattr(notation, "cost_name", "C"), [r.loss])] if r.loss is not None else []
    for l in range(1, L + 1):
        w = network.widths[l]
        for kind, vals in (("z", r.z[l]), ("a", r.a[l]), ("delta", (r.delta or {}).get(l, ()))):
            groups += [(unit_name(notation, kind, l, j, w), [v]) for j, v in enumerate(vals)
                       if not abs(v) <= MAX_ABS]
    if r.dC_da is not None:
        groups += [(f"dC/d{unit_name(notation, 'a', L, j, network.widths[L])}", [v])
                   for j, v in enumerate(r.dC_da) if not abs(v) <= MAX_ABS]
    for key, g in (r.gradients or {}).items():
        rows = g if g and isinstance(g[0], list) else [g]
        groups += [(f"dC/d{key}", row) for row in rows if not all(abs(v) <= MAX_ABS for v in row)]
    for name, vals in groups:
        for v in vals:
            check_size(v, name)


def _backward(network, notation, P, r):
    L = network.L
    delta = {}
    g = r.dC_da
    if network.activations[-1] == "softmax":
        # δ_j = Σ_i g_i ∂a_i/∂z_j = a_j (g_j − Σ_i g_i a_i)
        aL = r.a[L]
        s = MP.fdot(g, aL)
        delta[L] = [_snapped(aj * (gj - s), abs(aj * gj) + abs(aj * s)) for aj, gj in zip(aL, g)]
    else:
        delta[L] = [gj * fj for gj, fj in zip(g, r.fprime[L])]
    for l in range(L - 1, 0, -1):
        W = P.W[l + 1]
        d_next = delta[l + 1]
        delta[l] = [_dot([W[k][j] for k in range(len(W))], d_next) * r.fprime[l][j]
                    for j in range(network.widths[l])]
    grads = {}
    for l in range(1, L + 1):
        prev = r.a[l - 1]
        grads[notation.key("w", l)] = [[d * ak for ak in prev] for d in delta[l]]
        if network.bias:
            grads[notation.key("b", l)] = list(delta[l])
    r.delta = delta
    r.gradients = grads
    _check_sizes(network, notation, r)
    return r


def forward(network, values):
    """z, a, f'(z) per layer and the loss, for checked ``Values``."""
    return _forward(network, values.notation, Params.of(network, values))


def backprop(network, values):
    """``forward`` plus ∂C/∂a at the output, δ per layer and every gradient."""
    P = Params.of(network, values)
    return _backward(network, values.notation, P, _forward(network, values.notation, P))


def relu_kinks(network, values):
    """(layer, unit) of every ReLU unit whose z is exactly 0."""
    r = _forward(network, values.notation, Params.of(network, values), with_loss=False)
    return [(l, j) for l in range(1, network.L + 1) if network.activations[l - 1] == "relu"
            for j, z in enumerate(r.z[l]) if z == 0]


# -- saturation --------------------------------------------------------------------

@dataclass
class Saturation:
    """Saturated units of one layer (all with the same activation)."""

    layer: int
    activation: str
    units: list  # 0-based unit indices
    z: list  # their z
    fprime: list  # their f'(z)
    message: str  # plain text for stderr and JSON; documents write their own remark


def saturation(network, values, result):
    """One ``Saturation`` per layer that has saturated units.

    σ and tanh units count as saturated where f'(z) < SATURATION_RATIO × its
    maximum, ReLU units where z ≤ 0 (dead: ReLU'(z) = 0).  The output layer is
    exempt where the cost cancels f' (cross-entropy with σ, log-likelihood
    with softmax: δ = a − y there)."""
    notation = values.notation
    found = []
    for l in range(1, network.L + 1):
        act = network.activations[l - 1]
        if l == network.L and network.cost.simplifies_with == act:
            continue
        zs, fps = result.z[l], result.fprime[l]
        if act in _PRIME_MAX:
            limit = SATURATION_RATIO * _PRIME_MAX[act]
            units = [j for j, fp in enumerate(fps) if fp < limit]
        elif act == "relu":
            units = [j for j, z in enumerate(zs) if z <= 0]
        else:
            continue
        if units:
            found.append(Saturation(l, act, units, [zs[j] for j in units], [fps[j] for j in units],
                                    _saturation_message(network, notation, l, act, units, zs, fps)))
    return found


def _saturation_message(network, notation, layer, act, units, zs, fps):
    width = network.widths[layer]
    names = [unit_name(notation, "a", layer, j, width) for j in units]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    several = len(units) > 1
    verb = "are" if several else "is"
    zname = unit_name(notation, "z", layer, units[0], width)
    if act == "relu":
        if several:
            where = f"their z is not positive ({', '.join(_fmt(zs[j]) for j in units[:6])})"
        else:
            where = f"{zname} = {_fmt(zs[units[0]])}"
            where += " is exactly at the kink, where ReLU' is taken as 0" if zs[units[0]] == 0 else " < 0"
        return (f"{shown} {verb} saturated (dead ReLU): {where}, so ReLU'(z) = 0; the gradient "
                f"through {'them' if several else 'it'} is zero, so the weights into "
                f"{'them' if several else 'it'} do not learn from this example")
    fname = "sigma'" if act == "sigmoid" else "tanh'"
    top = "0.25" if act == "sigmoid" else "1"
    if several:
        where = (f"|z| is large ({', '.join(_fmt(zs[j]) for j in units[:6])}), so {fname}(z) is "
                 f"at most {_fmt(max(fps[j] for j in units))}")
    else:
        j = units[0]
        where = f"{zname} = {_fmt(zs[j])}, so {fname}(z) = {_fmt(fps[j])}"
    before = " and for every layer before" if layer > 1 else ""
    return (f"{shown} {verb} saturated: {where} (its largest value is {top}); the gradient "
            f"through {'them' if several else 'it'} is tiny, so learning is slow for the weights "
            f"into {'them' if several else 'it'}{before}")


def warnings(network, values, result):
    """The saturation messages, as plain strings."""
    return [s.message for s in saturation(network, values, result)]


# -- gradient check ------------------------------------------------------------------

@dataclass
class GradCheck:
    max_relative_error: object
    worst_key: str
    worst_index: tuple
    checked: int
    total: int
    step: object
    numeric: dict = field(default_factory=dict)  # (key, index) -> finite-difference value
    kinks: list = field(default_factory=list)  # ReLU units the step straddles (0-based (layer, unit))


def _entries(network, notation):
    out = []
    for l in range(1, network.L + 1):
        rows, cols = network.widths[l], network.widths[l - 1]
        out += [(notation.key("w", l), "w", l, (j, k)) for j in range(rows) for k in range(cols)]
        if network.bias:
            out += [(notation.key("b", l), "b", l, (j,)) for j in range(rows)]
    return out


def _sample(entries, limit):
    """A reproducible sample of ``limit`` entries, at least one per key."""
    if len(entries) <= limit:
        return entries
    rng = random.Random(0)
    firsts = {}
    for e in entries:
        firsts.setdefault(e[0], e)
    chosen = set(firsts.values())
    rest = [e for e in entries if e not in chosen]
    chosen.update(rng.sample(rest, max(0, limit - len(chosen))))
    return [e for e in entries if e in chosen]


def relative_error(analytic, numeric_value):
    """|g − n| / max(|g|, |n|); where both are below 1e-30 the absolute difference."""
    diff = abs(analytic - numeric_value)
    scale = max(abs(analytic), abs(numeric_value))
    return diff / scale if scale > _TINY else diff


def gradcheck(network, values, max_entries=None, step="1e-15"):
    """Every analytic gradient entry against the central difference
    (C(p + h) − C(p − h)) / 2h with h = ``step``, all at 50 digits.  Beyond
    the work budget a reproducible sample of entries is checked (``checked``
    < ``total``).  ``max_relative_error`` uses ``relative_error``."""
    notation = values.notation
    P = Params.of(network, values)
    r = _backward(network, notation, P, _forward(network, notation, P))
    h = num(step)
    entries = _entries(network, notation)
    per_entry = 2 * max(1, network.n_params)
    limit = max_entries if max_entries is not None else max(1, GRADCHECK_BUDGET // per_entry)
    chosen = _sample(entries, limit)
    worst, worst_at, found = MP.zero, (entries[0][0], entries[0][3]), {}
    for key, kind, l, idx in chosen:
        target = P.W[l][idx[0]] if kind == "w" else P.B[l]
        pos = idx[1] if kind == "w" else idx[0]
        keep = target[pos]
        target[pos] = keep + h
        up = _forward(network, notation, P).loss
        target[pos] = keep - h
        down = _forward(network, notation, P).loss
        target[pos] = keep
        fd = (up - down) / (2 * h)
        found[(key, idx)] = fd
        g = r.gradients[key][idx[0]][idx[1]] if kind == "w" else r.gradients[key][idx[0]]
        err = relative_error(g, fd)
        if err > worst:
            worst, worst_at = err, (key, idx)
    kinks = _near_kinks(network, P, r, h)
    return GradCheck(worst, worst_at[0], worst_at[1], len(chosen), len(entries), h, found, kinks)


def _near_kinks(network, P, r, h):
    """ReLU units so close to z = 0 that a step of h in some parameter crosses it;
    there the derivative is a convention and finite differences disagree."""
    out = []
    for l in range(1, network.L + 1):
        if network.activations[l - 1] != "relu":
            continue
        reach = h * (sum(abs(v) for v in r.a[l - 1]) + 1) * 10
        out += [(l, j) for j, z in enumerate(r.z[l]) if abs(z) <= reach]
    return out


# -- SGD ---------------------------------------------------------------------------

@dataclass
class SGDStep:
    step: int  # 1-based
    loss: object  # before this update
    gradients: dict  # key -> nested, at the parameters before this update
    parameters: dict  # key -> nested, after this update: p − η ∂C/∂p


@dataclass
class SGDRun:
    lr: object
    steps: list
    final_loss: object  # after the last update
    values: object  # Values holding the parameters after the last update


def sgd(network, values, lr, steps=1):
    """``steps`` updates p ← p − η ∂C/∂p of every parameter on the same example."""
    from derive.numbers.values import parse_number

    if isinstance(lr, str):
        lr = parse_number(lr, f"{option('lr')}")
    eta = num(lr)
    if not eta > 0:
        raise ValuesError(f"{option('lr')} must be a positive number (got {_fmt(eta)})")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValuesError(f"{option('steps')} must be a whole number of at least 1 (got {steps!r})")
    if steps > MAX_STEPS or steps * max(1, network.n_params) > SGD_BUDGET:
        raise SizeLimitError(
            f"{option('steps')} {steps} is too many for {network.n_params} parameters "
            f"(at most {min(MAX_STEPS, SGD_BUDGET // max(1, network.n_params))})")
    notation = values.notation
    P = Params.of(network, values)
    history = []
    r = None
    for n in range(1, steps + 1):
        r = _backward(network, notation, P, _forward(network, notation, P))
        for l in range(1, network.L + 1):
            gw = r.gradients[notation.key("w", l)]
            P.W[l] = [[w - eta * g for w, g in zip(row, grow)] for row, grow in zip(P.W[l], gw)]
            if network.bias:
                gb = r.gradients[notation.key("b", l)]
                P.B[l] = [b - eta * g for b, g in zip(P.B[l], gb)]
        history.append(SGDStep(n, r.loss, r.gradients, _param_dict(network, notation, P)))
    final = _forward(network, notation, P).loss
    return SGDRun(eta, history, final, values.replace(history[-1].parameters))


def _param_dict(network, notation, P):
    out = {}
    for l in range(1, network.L + 1):
        out[notation.key("w", l)] = [list(row) for row in P.W[l]]
        if network.bias:
            out[notation.key("b", l)] = list(P.B[l])
    return out

"""The data of a worked example: forward pass, loss, δ and gradients as
formula → numbers substituted → result (``worked_lines``, ``worked_vector``),
saturation warnings, the gradient check, SGD steps, and the JSON ``values``.

Small networks are worked unit by unit (mode ``scalar``); larger ones layer by
layer with vectors and matrices (mode ``vector``).
"""
from dataclasses import dataclass, field

import sympy as sp

from derive.numbers import numeric
from derive.errors import option, ValuesError
from derive.numbers.worked_lines import (Line, Work, deltas_scalar, forward_scalar, gradients_scalar,
                           inputs_scalar, loss_line, param_keys_of, shown, updates_scalar)
from derive.numbers.worked_vector import (deltas_vector, forward_vector, gradients_vector, inputs_vector,
                            loss_vector, updates_vector)

SCALAR_PARAMS = 20  # up to this many parameters the example is worked unit by unit

__all__ = ["Line", "WorkedExample", "json_values", "shown", "worked_example"]


@dataclass
class WorkedExample:
    mode: str  # 'scalar' or 'vector'
    digits: int
    inputs: list  # Line(kind='input'): given or drawn numbers
    forward: list  # z, a and f' lines, layer by layer
    loss: Line
    deltas: list  # output layer first, as backpropagation computes them
    gradients: list  # in parameter order
    warnings: list  # plain strings (also in values['warnings'])
    saturation: list  # numeric.Saturation records, for the document's remarks
    gradcheck: object = None  # numeric.GradCheck
    updates: list = field(default_factory=list)  # Line(kind='update') of the first SGD step
    losses: list = field(default_factory=list)  # [(step, loss)]: 0 = before any update
    lr: object = None  # η as shown
    # step -> [(the unit's activation symbol, its activation name)] for units that die (ReLU,
    # z ≤ 0) or saturate after that many SGD steps though they had not before
    step_notes: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # JSON-ready numbers

    def to_dict(self):
        """The JSON ``values`` block."""
        return self.values


# -- JSON ---------------------------------------------------------------------------

def _floats(x):
    if isinstance(x, (list, tuple)):
        return [_floats(v) for v in x]
    return float(numeric.num(x))


def _layer_key(notation, kind, l):
    return f"{notation.names[kind] if kind != 'delta' else 'delta'}{notation.display_layer(kind, l)}"


def json_values(network, values, result, warnings, check=None, run=None):
    """The ``values`` block of the JSON output (plain floats, rounded from 50 digits)."""
    nt = values.notation
    layers = range(1, network.L + 1)
    inputs = {"x": _floats(values.data["x"])}
    for key, _ in param_keys_of(network, nt):
        inputs[key] = _floats(values.data[key])
    inputs[values.target_key] = _floats(values.data["y"])
    out = {
        "inputs": inputs,
        "preactivations": {_layer_key(nt, "z", l): _floats(result.z[l]) for l in layers},
        "activations": {_layer_key(nt, "a", l): _floats(result.a[l]) for l in layers},
        "loss": _floats(result.loss),
        "deltas": {_layer_key(nt, "delta", l): _floats(result.delta[l]) for l in layers},
        "gradients": {k: _floats(v) for k, v in result.gradients.items()},
        "warnings": list(warnings),
        "precision_digits": numeric.DPS,
    }
    if check is not None:
        out["gradcheck"] = {
            "max_relative_error": _floats(check.max_relative_error),
            "worst": {"key": check.worst_key, "index": list(check.worst_index)},
            "checked": check.checked,
            "total": check.total,
            "step": _floats(check.step),
            "relu_kinks": [_unit(nt, network, l, j) for l, j in check.kinks],
        }
    if run is not None:
        out["sgd"] = {
            "lr": _floats(run.lr),
            "losses": [_floats(s.loss) for s in run.steps] + [_floats(run.final_loss)],
            "steps": [{"step": s.step, "loss": _floats(s.loss),
                       "parameters": {k: _floats(v) for k, v in s.parameters.items()}}
                      for s in run.steps],
            "final_loss": _floats(run.final_loss),
        }
    return out


def _unit(notation, network, l, j):
    return numeric.unit_name(notation, "a", l, j, network.widths[l])


# -- entry point -----------------------------------------------------------------------

def newly_stalled(before, states):
    """step -> [(unit, activation name)] of the units that die (ReLU, z ≤ 0) or saturate
    after that step though they had not before.  ``before`` maps each stalled unit to its
    activation at the start, ``states`` is [(step, that map after the step)].  Layered
    networks and graphs both mark their SGD tables with this."""
    notes = {}
    for step, now in states:
        new = [(unit, act) for unit, act in now.items() if unit not in before]
        if new:
            notes[step] = new
        before = now
    return notes


def _step_notes(network, values, result, run):
    """Units that die or saturate during the SGD steps, by the step after which they do."""
    from derive.model.symbols import quantity

    def units(v, r):
        return {quantity("a", s.layer, j): s.activation
                for s in numeric.saturation(network, v, r) for j in s.units}

    states = []
    for s in run.steps:
        v = values.replace(s.parameters)
        states.append((s.step, units(v, numeric.backprop(network, v))))
    return newly_stalled(units(values, result), states)


def worked_example(network, values, digits=4, gradcheck=False, lr=None, steps=None, mode=None):
    """The worked example for ``values`` (checked ``Values``, all keys present).

    ``digits``: significant digits shown (numbers are computed at 50).
    ``gradcheck``: also compare every gradient with central differences.
    ``lr``/``steps``: also run SGD (``steps`` defaults to 1 when ``lr`` is given).
    ``mode``: 'scalar' or 'vector'; by default scalar up to SCALAR_PARAMS parameters.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 30:
        raise ValuesError(f"{option('digits')} must be a whole number from 1 to 30 (got {digits!r})")
    if steps is not None and lr is None:
        raise ValuesError(f"{option('steps')} needs a learning rate: add {option('lr')} ETA")
    if mode is None:
        mode = "scalar" if network.n_params <= SCALAR_PARAMS else "vector"
    if mode not in ("scalar", "vector"):
        raise ValueError(mode)
    result = numeric.backprop(network, values)
    sat = numeric.saturation(network, values, result)
    warnings = [s.message for s in sat]
    check = numeric.gradcheck(network, values) if gradcheck else None
    run = numeric.sgd(network, values, lr, steps or 1) if lr is not None else None
    w = Work(network, values, result, digits)
    with sp.evaluate(False):
        if mode == "scalar":
            inputs, fwd, loss = inputs_scalar(w), forward_scalar(w), loss_line(w)
            deltas, grads = deltas_scalar(w), gradients_scalar(w)
            updates = updates_scalar(w, run, run.lr) if run else []
        else:
            inputs, fwd, loss = inputs_vector(w), forward_vector(w), loss_vector(w)
            deltas, grads = deltas_vector(w), gradients_vector(w)
            updates = updates_vector(w, run, run.lr) if run else []
    losses = []
    if run:
        losses = [(s.step - 1, w.n(s.loss)) for s in run.steps] + [(len(run.steps), w.n(run.final_loss))]
    notes = _step_notes(network, values, result, run) if run and len(run.steps) > 1 else {}
    return WorkedExample(
        step_notes=notes, mode=mode, digits=digits, inputs=inputs, forward=fwd, loss=loss, deltas=deltas,
        gradients=grads, warnings=warnings, saturation=sat, gradcheck=check, updates=updates,
        losses=losses, lr=w.n(run.lr) if run else None,
        values=json_values(network, values, result, warnings, check, run))

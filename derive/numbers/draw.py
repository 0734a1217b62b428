"""Random, hand-friendly values for a worked example (``--random-values``).

Drawn here rather than in ``values`` because a draw asks the forward pass
(``numeric``) whether a ReLU sits on its kink, and ``numeric`` reads numbers
with ``values``: keeping the draw apart keeps those two free of a circle.
"""
import random
from decimal import Decimal

from derive.errors import option, ValuesError
from derive.numbers import numeric
from derive.numbers.values import TARGET_KEYS, Values, param_keys


def _tenths(rng, low, high, nonzero=False):
    while True:
        k = rng.randint(low, high)
        if k or not nonzero:
            return Decimal(k) / 10


def _target(rng, network):
    n = network.widths[-1]
    out = network.activations[-1]
    cost = network.cost_name
    if cost == "log-likelihood" or out == "softmax":
        hot = rng.randrange(n)
        return [Decimal(int(j == hot)) for j in range(n)]
    if cost == "cross-entropy":
        return [Decimal(rng.randint(0, 1)) for _ in range(n)]
    if out in ("sigmoid", "relu"):
        return [_tenths(rng, 0, 10) for _ in range(n)]
    return [_tenths(rng, -10, 10) for _ in range(n)]


def _draw(rng, network, notation):
    """One full set of values.  Every entry is drawn, given or not, so a
    seed gives the same number for a key whatever else was given."""
    data = {"x": [_tenths(rng, -10, 10, nonzero=True) for _ in range(network.widths[0])]}
    for key, g in param_keys(network, notation):
        if g.kind == "w":
            data[key] = [[_tenths(rng, -10, 10, nonzero=True) for _ in range(g.shape[1])]
                         for _ in range(g.shape[0])]
        else:
            data[key] = [_tenths(rng, -5, 5) for _ in range(g.shape[0])]
    data["y"] = _target(rng, network)
    return data


MAX_RANDOM_TRIES = 50


def random_values(network, notation, seed, given=None):
    """``Values`` with everything not in ``given`` (a ``Values`` or None) drawn
    reproducibly from ``seed``: inputs and weights are non-zero multiples of
    0.1 in [-1, 1], biases multiples of 0.1 in [-0.5, 0.5], targets one-hot
    (softmax or log-likelihood), 0 or 1 (cross-entropy) or multiples of 0.1 in
    the output's range.  Draws that put a ReLU exactly at its kink (z = 0, where
    the derivative is only a convention) are redrawn."""
    numeric.check_network_size(network)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValuesError(f"{option('seed')} must be a whole number (got {seed!r})") from None
    rng = random.Random(seed)
    fixed = dict(given.data) if given is not None else {}
    target_key = given.target_key if given is not None else (
        notation.target_name if notation.target_name in TARGET_KEYS else "y")
    values = None
    for _ in range(MAX_RANDOM_TRIES):
        data = {**_draw(rng, network, notation), **fixed}
        values = Values(network, notation, data, frozenset(fixed), target_key)
        if "relu" not in network.activations or not numeric.relu_kinks(network, values):
            break
    return values

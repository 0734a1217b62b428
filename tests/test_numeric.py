"""The 50-digit forward pass, backpropagation, saturation warnings, gradient
check and SGD of derive.numbers.numeric, against references that share no code with
it (tests/reference.py): sympy.diff of the composed cost at exact rationals,
and central differences of a naive forward pass at 80 digits."""
import itertools
import time
from decimal import Decimal

import mpmath
import pytest

from derive.numbers import numeric
from derive.errors import DeriveError, DomainError, SizeLimitError, ValuesError
from derive.model.network import Network
from derive.model.notation import PRESETS
from derive.numbers.draw import random_values
from derive.numbers.values import Values, parse_values
from reference import fd_reference, flat, naive_loss, rel, sympy_reference

NIELSEN = PRESETS["nielsen"]
TOL = 1e-9

HIDDEN = ["sigmoid", "relu", "tanh", "linear"]
OUTPUT = ["sigmoid", "relu", "tanh", "linear", "softmax"]
COSTS = ["quadratic", "squared-error", "cross-entropy", "log-likelihood"]


def in_domain(network, values, strict=False):
    """Whether the naive forward pass can take the cost's logs at these values
    (``strict``: every log, even those multiplied by a zero target)."""
    try:
        with mpmath.workdps(30):
            _naive(network, values, strict)
        return True
    except (ValueError, ZeroDivisionError):
        return False


def _naive(network, values, strict=False):
    nt = values.notation
    cv = lambda v: mpmath.mpf(str(v))
    W = {l: [[cv(v) for v in row] for row in values.data[nt.key("w", l)]] for l in range(1, network.L + 1)}
    B = ({l: [cv(v) for v in values.data[nt.key("b", l)]] for l in range(1, network.L + 1)}
         if network.bias else None)
    loss = naive_loss(network, [cv(v) for v in values.data["x"]], [cv(v) for v in values.data["y"]], W, B,
                      strict)
    if isinstance(loss, mpmath.mpc) or not mpmath.isfinite(loss):
        raise ValueError("outside the domain")
    return loss


def values_in_domain(network, notation=NIELSEN, first_seed=0, strict=False):
    for seed in range(first_seed, first_seed + 200):
        v = random_values(network, notation, seed)
        if in_domain(network, v, strict):
            return v
    raise AssertionError(f"no seed puts {network.describe()} in the cost's domain")


def assert_matches(network, values, ref_loss, ref_grads):
    r = numeric.backprop(network, values)
    assert rel(r.loss, ref_loss) < TOL, (r.loss, ref_loss)
    assert set(r.gradients) == set(ref_grads)
    for key, ref in ref_grads.items():
        got = r.gradients[key]
        assert len(flat(got)) == len(flat(ref))
        for g, want in zip(flat(got), flat(ref)):
            assert rel(g, want) < TOL, (key, g, want, network.describe())
    return r


# -- every activation × cost, against sympy.diff of the composed cost ------------------

@pytest.mark.parametrize("output,cost", list(itertools.product(OUTPUT, COSTS)))
def test_gradients_match_sympy_diff(output, cost):
    hidden = HIDDEN[(OUTPUT.index(output) + COSTS.index(cost)) % len(HIDDEN)]
    layers = "2-2-2" if output == "softmax" else "1-2-1"
    net = Network(layers, f"{hidden},{output}", cost)
    values = values_in_domain(net, first_seed=7, strict=True)
    assert_matches(net, values, *sympy_reference(net, values))


@pytest.mark.parametrize("layers,activation,cost,bias", [
    ("2-2", "sigmoid", "cross-entropy", False),
    ("1-1-1-1-1", "tanh,relu,sigmoid,linear", "quadratic", True),
    ("2-3-2", "relu,softmax", "log-likelihood", False),
])
def test_no_bias_and_deep_against_sympy_diff(layers, activation, cost, bias):
    net = Network(layers, activation, cost, bias=bias)
    values = values_in_domain(net, first_seed=3, strict=True)
    assert_matches(net, values, *sympy_reference(net, values))


# -- many more shapes, against central differences of a naive forward pass -------------

@pytest.mark.parametrize("hidden,output,cost", list(itertools.product(HIDDEN, OUTPUT, COSTS)))
def test_gradients_match_finite_differences(hidden, output, cost):
    for layers, bias in (("3-2-2", True), ("2-1-2-1-2" if output == "softmax" else "2-1-2-1-1", False)):
        net = Network(layers, f"{hidden},{hidden},{hidden},{output}" if layers.count("-") == 4
                      else f"{hidden},{output}", cost, bias=bias)
        values = values_in_domain(net, first_seed=11)
        assert_matches(net, values, *fd_reference(net, values))


def test_deep_narrow_network_matches_finite_differences():
    net = Network("1-1-1-1-1-1-1-1-1", "sigmoid,tanh,relu,linear,sigmoid,tanh,linear,sigmoid", "quadratic")
    values = values_in_domain(net, first_seed=1)
    assert_matches(net, values, *fd_reference(net, values))


def test_soft_targets_cross_entropy_and_log_likelihood():
    for cost, out, layers in (("cross-entropy", "sigmoid", "2-3-2"), ("log-likelihood", "softmax", "2-3-3")):
        net = Network(layers, f"tanh,{out}", cost)
        base = random_values(net, NIELSEN, 5)
        y = [Decimal("0.3"), Decimal("0.7")] + ([Decimal("0")] if layers.endswith("3") else [])
        values = base.replace({"y": y})
        assert_matches(net, values, *fd_reference(net, values))


# -- the seeds' numbers -------------------------------------------------------------------

def test_quiz_network_relu_then_sigmoid():
    """A one-unit ReLU layer (weight only: its bias is set to 0) feeding one
    sigmoid unit, half squared error; input 3, target 1, weights 0.01 and -5,
    output bias -1.  The quiz this comes from rounds to 0.288, 2.080, -0.004
    and -0.1387."""
    net = Network("1-1-1", "relu,sigmoid", "quadratic")
    values = parse_values("x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", net, NIELSEN)
    r = numeric.backprop(net, values)
    # the same numbers by hand, independently of derive
    with mpmath.workdps(50):
        hidden = mpmath.mpf("0.03")
        out = 1 / (1 + mpmath.exp(mpmath.mpf("1.15")))
        loss = (out - 1) ** 2 / 2
        d_out = (out - 1) * out * (1 - out)
        want = {"w3": d_out * hidden, "b3": d_out, "w2": d_out * -5 * 3, "b2": d_out * -5}
    assert rel(r.loss, loss) < 1e-30
    assert abs(r.loss - mpmath.mpf("0.2884")) < 5e-5
    for key, v in want.items():
        got = flat(r.gradients[key])[0]
        assert rel(got, v) < 1e-30, key
    assert abs(flat(r.gradients["w2"])[0] - mpmath.mpf("2.080")) < 1e-3
    assert abs(flat(r.gradients["w3"])[0] - mpmath.mpf("-0.004")) < 5e-4
    assert abs(flat(r.gradients["b3"])[0] - mpmath.mpf("-0.1387")) < 5e-5
    assert numeric.warnings(net, values, r) == []


def test_saturated_sigmoid_keeps_its_tiny_gradient():
    """z = 50 on a 1-1 sigmoid unit with C = (a - y)^2: float64 rounds σ(50) to
    1 and the gradient to 0; the true gradient is about 2.4e-20."""
    net = Network("1-1", "sigmoid", "squared-error")
    values = parse_values("x=62.5, w2=0.8, b2=0, y=0", net, NIELSEN)
    r = numeric.backprop(net, values)
    assert r.a[1][0] != 1
    assert rel(r.fprime[1][0], mpmath.mpf("1.9287498479639177e-22")) < 1e-15
    with mpmath.workdps(50):
        s = 1 / (1 + mpmath.exp(-50))
        want = 2 * s * (s * (1 - s)) * mpmath.mpf("62.5")
    got = r.gradients["w2"][0][0]
    assert rel(got, want) < 1e-20
    assert 2.3e-20 < got < 2.5e-20
    import math
    assert 1 / (1 + math.exp(-50.0)) == 1.0  # what float64 would have said
    msgs = numeric.warnings(net, values, r)
    assert len(msgs) == 1
    assert "saturated" in msgs[0] and "a^(2)" in msgs[0]
    assert "tiny" in msgs[0] and "slow" in msgs[0]


# -- saturation ----------------------------------------------------------------------

def _warn(layers, activation, cost, text, notation=NIELSEN):
    net = Network(layers, activation, cost)
    values = parse_values(text, net, notation)
    return numeric.warnings(net, values, numeric.backprop(net, values))


def test_tanh_and_dead_relu_are_saturated_with_unit_names():
    msgs = _warn("1-2-1", "tanh,sigmoid", "quadratic",
                 "x=1, w2=[10, 0.5], b2=[0, 0], w3=[[1, 1]], b3=0, y=1")
    assert len(msgs) == 1 and "a^(2)_1" in msgs[0] and "saturated" in msgs[0] and "a^(2)_2" not in msgs[0]
    msgs = _warn("1-2-1", "relu,sigmoid", "quadratic",
                 "x=1, w2=[-1, 0.5], b2=[0, 0], w3=[[1, 1]], b3=0, y=1")
    assert len(msgs) == 1 and "a^(2)_1" in msgs[0] and "dead ReLU" in msgs[0] and "zero" in msgs[0]
    msgs = _warn("1-2-1", "relu,sigmoid", "quadratic",
                 "x=1, W1=[-1, 0.5], b1=[0, 0], W2=[[1, 1]], b2=0, t=1", PRESETS["matrix"])
    assert len(msgs) == 1 and "a^1_1" in msgs[0]


def test_threshold_and_exemptions():
    # σ'(z) < 1e-3 · 0.25 from |z| ≈ 8.3: 8 is not saturated, 9 is
    assert _warn("1-1", "sigmoid", "quadratic", "x=8, w2=1, b2=0, y=1") == []
    assert len(_warn("1-1", "sigmoid", "quadratic", "x=9, w2=1, b2=0, y=1")) == 1
    # with cross-entropy the output's σ' cancels (δ = a − y): no warning there
    assert _warn("1-1", "sigmoid", "cross-entropy", "x=50, w2=1, b2=0, y=1") == []
    # but a saturated hidden unit is still reported
    msgs = _warn("1-1-1", "sigmoid", "cross-entropy", "x=50, w2=1, b2=0, w3=1, b3=0, y=1")
    assert len(msgs) == 1 and "a^(2)" in msgs[0]


def test_many_saturated_units_are_reported_per_layer():
    net = Network("784-30-10", "sigmoid", "quadratic")
    values = random_values(net, NIELSEN, 1)
    r = numeric.backprop(net, values)
    msgs = numeric.warnings(net, values, r)
    sat = numeric.saturation(net, values, r)
    assert len(msgs) == len(sat) <= net.L
    assert all("saturated" in m for m in msgs)


# -- exact zeros and domain errors -------------------------------------------------------

def test_cancelling_sum_is_exactly_zero_at_a_relu_kink():
    """0.2·0.5 − 0.1 is 0 exactly, though not in binary: ReLU'(0) is the convention 0."""
    net = Network("1-1-1", "relu,linear", "quadratic")
    values = parse_values("x=0.5, w2=0.2, b2=-0.1, w3=1, b3=0, y=1", net, NIELSEN)
    r = numeric.backprop(net, values)
    assert r.z[1][0] == 0 and r.fprime[1][0] == 0
    assert r.gradients["w2"][0][0] == 0
    assert numeric.relu_kinks(net, values) == [(1, 0)]
    assert "kink" in numeric.warnings(net, values, r)[0]


def test_cross_entropy_outside_its_domain_is_a_clear_error():
    net = Network("1-1", "relu", "cross-entropy")
    values = parse_values("x=1, w2=-1, b2=0, y=1", net, NIELSEN)
    with pytest.raises(DomainError, match=r"log a\^\(2\).*not positive"):
        numeric.backprop(net, values)
    net = Network("1-1", "linear", "cross-entropy")
    values = parse_values("x=1, w2=2, b2=0, y=0", net, NIELSEN)
    with pytest.raises(DomainError, match=r"log\(1 - a\^\(2\)\)"):
        numeric.backprop(net, values)


def test_far_saturated_cross_entropy_stays_finite():
    # σ(200) is 1 to 50 digits; 1 − σ is taken as σ(−200), not 1 − 1
    net = Network("1-1", "sigmoid", "cross-entropy")
    values = parse_values("x=200, w2=1, b2=0, y=0", net, NIELSEN)
    r = numeric.backprop(net, values)
    assert rel(r.loss, 200) < 1e-40
    assert rel(r.gradients["w2"][0][0], 200) < 1e-40


# -- gradient check --------------------------------------------------------------------

def test_gradcheck_agrees_on_random_networks():
    for layers, act, cost in (("2-3-2", "tanh,softmax", "log-likelihood"),
                              ("3-2-1", "relu,sigmoid", "cross-entropy"),
                              ("1-1-1-1", "sigmoid", "squared-error")):
        net = Network(layers, act, cost)
        values = values_in_domain(net)
        check = numeric.gradcheck(net, values)
        assert check.checked == check.total == net.n_params
        assert check.max_relative_error < TOL
        # its finite differences agree with the independent ones too
        fd = fd_reference(net, values)[1]
        for (key, idx), v in check.numeric.items():
            want = fd[key][idx[0]][idx[1]] if len(idx) == 2 else fd[key][idx[0]]
            assert rel(v, want) < 1e-12


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    net = Network("1-2-1", "sigmoid", "quadratic")
    values = random_values(net, NIELSEN, 2)
    original = numeric._backward

    def wrong(*args):
        r = original(*args)
        r.gradients["w2"][1][0] *= 1.001
        return r

    monkeypatch.setattr(numeric, "_backward", wrong)
    check = numeric.gradcheck(net, values)
    assert check.max_relative_error > 1e-4 and check.worst_key == "w2" and check.worst_index == (1, 0)


def test_gradcheck_samples_large_networks_reproducibly():
    net = Network("20-30-10", "sigmoid", "quadratic")
    values = random_values(net, NIELSEN, 4)
    a = numeric.gradcheck(net, values, max_entries=40)
    b = numeric.gradcheck(net, values, max_entries=40)
    assert a.checked == 40 < a.total == net.n_params
    assert set(a.numeric) == set(b.numeric)
    assert {k for k, _ in a.numeric} == {"w2", "b2", "w3", "b3"}
    assert a.max_relative_error < TOL


def test_gradcheck_reports_relu_kinks():
    net = Network("1-1-1", "relu,linear", "quadratic")
    values = parse_values("x=0.5, w2=0.2, b2=-0.1, w3=1, b3=0, y=1", net, NIELSEN)
    assert numeric.gradcheck(net, values).kinks == [(1, 0)]


# -- SGD ----------------------------------------------------------------------------

def test_sgd_steps_follow_the_update_rule():
    net = Network("2-2-1", "tanh,sigmoid", "quadratic")
    values = random_values(net, NIELSEN, 8)
    run = numeric.sgd(net, values, "0.5", 3)
    assert [s.step for s in run.steps] == [1, 2, 3]
    current = values
    for s in run.steps:
        loss, grads = fd_reference(net, current)
        assert rel(s.loss, loss) < TOL
        for key, new in s.parameters.items():
            old = current.data[key]
            for p_new, p_old, g in zip(flat(new), flat(old), flat(grads[key])):
                want = mpmath.mpf(str(p_old)) - mpmath.mpf("0.5") * g
                assert rel(p_new, want) < TOL
        current = current.replace(s.parameters)
    assert rel(run.final_loss, fd_reference(net, current)[0]) < TOL
    assert run.final_loss < run.steps[0].loss
    assert run.values.data[NIELSEN.key("w", 1)] == run.steps[-1].parameters["w2"]


@pytest.mark.parametrize("lr,steps,err", [
    ("0", 1, ValuesError), ("-0.1", 1, ValuesError), ("abc", 1, ValuesError),
    ("0.1", 0, ValuesError), ("0.1", 2.5, ValuesError), ("0.1", 10**6, SizeLimitError),
])
def test_sgd_refuses_bad_settings(lr, steps, err):
    net = Network("1-1", "sigmoid")
    values = random_values(net, NIELSEN, 0)
    with pytest.raises(err) as info:
        numeric.sgd(net, values, lr, steps)
    assert "--lr" in str(info.value) or "--steps" in str(info.value)


# -- size and speed ------------------------------------------------------------------

def test_mnist_sized_network_is_fast():
    net = Network("784-30-10", "sigmoid", "quadratic")
    values = random_values(net, NIELSEN, 0)
    start = time.perf_counter()
    r = numeric.backprop(net, values)
    assert time.perf_counter() - start < 1.5
    assert len(r.gradients["w2"]) == 30 and len(r.gradients["w2"][0]) == 784
    assert len(r.gradients["b3"]) == 10


def test_missing_values_are_refused_before_computing():
    net = Network("1-1", "sigmoid")
    with pytest.raises(DeriveError, match="w2"):
        numeric.backprop(net, Values(net, NIELSEN, {"x": [Decimal(1)], "y": [Decimal(0)]}))

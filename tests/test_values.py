"""Reading --values (inline and JSON), checking it against the network, every
bad-input message, and the reproducible random values."""
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.numbers import numeric
from derive.errors import (DeriveError, DomainError, DuplicateKeyError, MissingValuesError,
                           NumberError, ShapeError, SizeLimitError, UnknownKeyError, ValuesError)
from derive.model.network import Network
from derive.model.notation import PRESETS
from derive.numbers.draw import random_values
from derive.numbers.values import MAX_TEXT, parse_number, parse_values

NIELSEN, NG, MATRIX = PRESETS["nielsen"], PRESETS["ng"], PRESETS["matrix"]
D = Decimal

CHAIN = Network("1-1-1", "relu,sigmoid", "quadratic")
WIDE = Network("2-3-1", "sigmoid", "cross-entropy")


def test_inline_chain_values_are_exact_decimals():
    v = parse_values("x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", CHAIN, NIELSEN)
    assert v.data == {"x": [D(3)], "y": [D(1)], "w2": [[D("0.01")]], "b2": [D(0)],
                      "w3": [[D(-5)]], "b3": [D(-1)]}
    assert v.missing() == [] and v.target_key == "y"
    assert v.given == {"x", "y", "w2", "b2", "w3", "b3"}


def test_every_spelling_of_a_scalar_matrix_and_vector():
    same = ["x=3, y=1, w2=[[0.01]], b2=[0], w3=[-5], b3=[[-1]]",
            "x=[3], t=[1], w2=0.01, b2=0, w3=[[-5]], b3=-1",
            " x = 3 , y = 1 , w2 = 1e-2 , b2 = 0.0 , w3 = -5 , b3 = -1 , "]
    datas = [parse_values(t, CHAIN, NIELSEN).data for t in same]
    assert all(d == datas[0] for d in datas)
    v = parse_values("x=[1, 2], y=[0.5], w2=[[1,2],[3,4],[5,6]], b2=[[1],[2],[3]], "
                     "w3=[7,8,9], b3=0", WIDE, NIELSEN)
    assert v.data["w2"] == [[D(1), D(2)], [D(3), D(4)], [D(5), D(6)]]
    assert v.data["b2"] == [D(1), D(2), D(3)]
    assert v.data["w3"] == [[D(7), D(8), D(9)]]  # a one-row matrix may be a flat list
    col = Network("1-3", "sigmoid")
    assert parse_values("x=1, y=[0,0,1], w2=[1,2,3], b2=[0,0,0]", col, NIELSEN).data["w2"] == \
        [[D(1)], [D(2)], [D(3)]]  # and a one-column matrix too


@pytest.mark.parametrize("notation,keys", [
    (NIELSEN, "w2 b2 w3 b3"), (NG, "theta1 b1 theta2 b2"), (MATRIX, "W1 b1 W2 b2")])
def test_keys_follow_the_notation_and_y_or_t_is_the_target(notation, keys):
    w1, b1, w2, b2 = keys.split()
    for target in ("y", "t"):
        text = f"x=3, {target}=1, {w1}=0.01, {b1}=0, {w2}=-5, {b2}=-1"
        v = parse_values(text, CHAIN, notation)
        assert v.data["y"] == [D(1)] and v.target_key == target


def test_json_inline_and_file(tmp_path):
    doc = {"x": 3, "y": 1, "w2": [[0.01]], "b2": [0], "w3": -5, "b3": -1}
    inline = parse_values(json.dumps(doc), CHAIN, NIELSEN)
    path = tmp_path / "vals.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    from_file = parse_values(str(path), CHAIN, NIELSEN)
    assert inline.data == from_file.data == parse_values(
        "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", CHAIN, NIELSEN).data
    # JSON numbers are read from their digits, not through float
    v = parse_values('{"x": 0.1, "y": 1, "w2": 0.30000000000000004, "b2": 0, "w3": 1, "b3": 0}',
                     CHAIN, NIELSEN)
    assert v.data["x"] == [D("0.1")] and v.data["w2"] == [[D("0.30000000000000004")]]


# -- every kind of bad input names the problem ----------------------------------------

FULL = "x=[1,2], y=1, w2=[[1,2],[3,4],[5,6]], b2=[1,2,3], w3=[[1,2,3]], b3=0"


@pytest.mark.parametrize("text,error,words", [
    ("x=[1,2], y=1", MissingValuesError, ["missing", "w2", "b2", "w3", "b3"]),
    ("y=1", MissingValuesError, ["x", "w2", "b2", "w3", "b3"]),
    (FULL + ", w4=1", UnknownKeyError, ["unknown key 'w4'", "x, w2, b2, w3, b3, y"]),
    (FULL.replace("w2=", "W2="), UnknownKeyError, ["'W2'", "did you mean 'w2'"]),
    ("x=[1,2], x=[1,2]", DuplicateKeyError, ["x twice"]),
    ("x=[1,2], t=1, y=1", DuplicateKeyError, ["target twice", "t", "y"]),
    ('{"x": [1, 2], "x": [1, 2]}', DuplicateKeyError, ["x twice"]),
    ("x=[1,2,3]", ShapeError, ["x must be a list of 2 numbers", "3 numbers"]),
    ("w2=[[1,2],[3,4]]", ShapeError, ["w2 must be 3×2 (rows × columns)", "2×2"]),
    ("w2=[[1,2,3],[4,5,6]]", ShapeError, ["w2 must be 3×2", "2×3"]),
    ("w2=[[1,2],[3],[5,6]]", ShapeError, ["w2 must be 3×2", "different lengths"]),
    ("w3=[[1],[2],[3]]", ShapeError, ["w3 must be 1×3"]),
    ("b2=7", ShapeError, ["b2 must be a list of 3 numbers", "a single number"]),
    ("x=[[[1]]]", ShapeError, ["x must be a list of 2 numbers"]),
    ("x=[[[[[[1]]]]]]", ShapeError, ["nested too deeply"]),
    ('{"x": {"a": 1}}', ShapeError, ["x must be a number or a list", "object"]),
    ("x=[1,abc]", NumberError, ["x (entry 2)", "'abc' is not a number"]),
    ("x=[1,__import__('os')]", NumberError, ["x (entry 2)", "is not a number"]),
    ("x=[1,1/2]", NumberError, ["'1/2' is not a number"]),
    ("x=[1,inf]", NumberError, ["x (entry 2) = inf is not a finite number"]),
    ("x=[1,-Infinity]", NumberError, ["not a finite number"]),
    ("x=[1,nan]", NumberError, ["not a finite number"]),
    ('{"x": [1, NaN]}', NumberError, ["x (entry 2) = NaN is not a finite number"]),
    ('{"x": [1, "2"]}', NumberError, ["x (entry 2) must be a number, not a string"]),
    ('{"x": [1, true]}', NumberError, ["must be a number, not true/false"]),
    ('{"x": [1, null]}', NumberError, ["must be a number, not null"]),
    ("x=[1,1e999]", NumberError, ["out of range"]),
    ("x=[1," + "1" * 41 + "]", NumberError, ["41 significant digits"]),
    ("x=[1," + "1" * 70 + "]", NumberError, ["too long"]),
    ("x=[1,2], y=1.5", DomainError, ["cross-entropy", "[0, 1]", "y = 1.5"]),
    ("x=[1,2], t=-0.5", DomainError, ["t = -0.5"]),
    ("x 3", ValuesError, ["unexpected '3' at column 3"]),
    ("x=[1,2", ValuesError, ["unexpected end"]),
    ("=3", ValuesError, ["unexpected"]),
    ("3=3", UnknownKeyError, ["'3' is not a key"]),
    ('{"x": [1,2]', ValuesError, ["not valid JSON", "line 1"]),
    ("[1, 2]", ValuesError, ["unexpected '['"]),
    ("[1, 2].json", ValuesError, ["no such file"]),
    ("nowhere/vals.json", ValuesError, ["no such file 'nowhere/vals.json'"]),
])
def test_bad_values_name_the_problem(text, error, words):
    with pytest.raises(error) as info:
        parse_values(text, WIDE, NIELSEN)
    message = str(info.value)
    assert "\n" not in message
    for w in words:
        assert w in message, (w, message)
    assert isinstance(info.value, DeriveError) and info.value.exit_code == 2


def test_bias_keys_on_a_network_without_bias():
    net = Network("1-1", "sigmoid", bias=False)
    with pytest.raises(UnknownKeyError, match="no biases"):
        parse_values("x=1, y=1, w2=1, b2=0", net, NIELSEN)
    assert parse_values("x=1, y=1, w2=1", net, NIELSEN).data["w2"] == [[D(1)]]


def test_log_likelihood_target_range():
    net = Network("1-2", "softmax", "log-likelihood")
    with pytest.raises(DomainError, match=r"log-likelihood.*y \(entry 2\) = 2"):
        parse_values("x=1, y=[0, 2], w2=[1, 1], b2=[0, 0]", net, NIELSEN)


def test_size_limits(tmp_path):
    with pytest.raises(SizeLimitError, match="longer than"):
        parse_values("x=" + "1," * (MAX_TEXT // 2 + 1), WIDE, NIELSEN)
    big = tmp_path / "big.json"
    big.write_text('{"x": [' + "1," * (MAX_TEXT // 2) + "1]}", encoding="utf-8")
    with pytest.raises(SizeLimitError, match="larger than"):
        parse_values(str(big), WIDE, NIELSEN)


def test_parse_number_for_the_learning_rate():
    assert parse_number("0.5", "--lr") == D("0.5")
    assert parse_number("\u22125", "w2") == D(-5)  # a typeset minus, as copied from a document
    assert parse_number("-0", "--lr") == 0
    with pytest.raises(NumberError, match="--lr = 'fast' is not a number"):
        parse_number("fast", "--lr")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("xyw23b=[],{}\":.-e1 tnaiINF0/")), max_size=40))
def test_any_text_is_read_or_refused_with_a_typed_error(text):
    try:
        parse_values(text, WIDE, NIELSEN, require_all=False)
    except DeriveError as e:
        assert str(e) and "\n" not in str(e)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                              st.text(max_size=5), st.booleans(), st.none()),
                    lambda inner: st.lists(inner, max_size=4), max_leaves=12))
def test_any_json_value_is_read_or_refused_with_a_typed_error(value):
    try:
        parse_values(json.dumps({"x": value}), WIDE, NIELSEN, require_all=False)
    except DeriveError as e:
        assert str(e) and "\n" not in str(e)


# -- random values ----------------------------------------------------------------

def _entries(values):
    out = []
    for v in values.data.values():
        for item in v:
            out += item if isinstance(item, list) else [item]
    return out


@pytest.mark.parametrize("layers,activation,cost", [
    ("2-3-2", "relu,sigmoid", "quadratic"),
    ("3-4-3", "tanh,softmax", "log-likelihood"),
    ("2-2-1", "sigmoid", "cross-entropy"),
    ("1-1-1", "relu,tanh", "squared-error"),
    ("2-2", "linear", "quadratic"),
])
def test_random_values_are_hand_friendly_reproducible_and_valid(layers, activation, cost):
    net = Network(layers, activation, cost)
    a = random_values(net, NIELSEN, 42)
    assert a.data == random_values(net, NIELSEN, 42).data
    assert a.data != random_values(net, NIELSEN, 43).data
    assert a.missing() == [] and a.given == frozenset()
    for v in _entries(a):
        assert -1 <= v <= 1 and (v * 10) == int(v * 10)  # multiples of 0.1 in [-1, 1]
    y = a.data["y"]
    if cost == "log-likelihood" or activation.endswith("softmax"):
        assert sorted(y) == [0] * (len(y) - 1) + [1]
    elif cost == "cross-entropy":
        assert set(y) <= {0, 1}
    elif activation.endswith(("sigmoid", "relu")):
        assert all(0 <= v <= 1 for v in y)
    numeric.backprop(net, a)  # usable as they are
    assert not numeric.relu_kinks(net, a)


def test_random_values_keep_what_was_given_and_draw_the_rest_the_same_way():
    net = Network("2-2-1", "sigmoid", "quadratic")
    given = parse_values("w2=[[0.5, 0.25], [1, 2]], y=0.75", net, NIELSEN, require_all=False)
    v = random_values(net, NIELSEN, 7, given=given)
    assert v.data["w2"] == [[D("0.5"), D("0.25")], [D(1), D(2)]] and v.data["y"] == [D("0.75")]
    assert v.given == {"w2", "y"}
    plain = random_values(net, NIELSEN, 7)
    for key in ("x", "b2", "w3", "b3"):
        assert v.data[key] == plain.data[key]


def test_random_values_use_the_target_name_given():
    given = parse_values("t=1", CHAIN, MATRIX, require_all=False)
    assert random_values(CHAIN, MATRIX, 1, given=given).target_key == "t"
    assert random_values(CHAIN, MATRIX, 1).target_key == "t"
    assert random_values(CHAIN, NIELSEN, 1).target_key == "y"
    with pytest.raises(ValuesError, match="--seed"):
        random_values(CHAIN, NIELSEN, "abc")


def test_random_values_avoid_relu_kinks():
    net = Network("2-4-4-1", "relu,relu,linear", "quadratic")
    for seed in range(30):
        assert not numeric.relu_kinks(net, random_values(net, NIELSEN, seed))

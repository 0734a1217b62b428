"""Worked numbers through the command: seed 004's network (layers and graph),
seed 000's saturated unit, and every kind of bad --values."""
import json

import pytest
from click.testing import CliRunner

from derive.command.cli import cli

SEED004 = "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def values_of(*args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["values"]


def test_seed004_numbers():
    v = values_of("--layers", "1-1-1", "--activation", "relu,sigmoid", "--values", SEED004)
    assert v["loss"] == pytest.approx(0.2884284164, rel=1e-9)
    g = v["gradients"]
    assert g["w2"] == [[pytest.approx(2.0809166, rel=1e-7)]]
    assert g["w3"] == [[pytest.approx(-0.0041618, rel=1e-4)]]
    assert g["b3"] == [pytest.approx(-0.1387278, rel=1e-6)]


def test_seed004_as_a_graph_gives_the_same_numbers(tmp_path):
    layered = values_of("--layers", "1-1-1", "--activation", "relu,sigmoid", "--values", SEED004,
                        "--gradcheck")
    path = tmp_path / "quiz.graph"
    path.write_text("params: w1, w2, b\ninput: x\ntarget: t\nz1 = w1*x\na1 = relu(z1)\n"
                    "z2 = w2*a1 + b\ny = sigmoid(z2)\nC = (y - t)^2/2\n")
    graph = values_of("--graph", str(path), "--values", "x=3, t=1, w1=0.01, w2=-5, b=-1",
                      "--gradcheck")
    assert graph["loss"] == pytest.approx(layered["loss"], rel=1e-12)
    pairs = {"w1": layered["gradients"]["w2"][0][0], "w2": layered["gradients"]["w3"][0][0],
             "b": layered["gradients"]["b3"][0]}
    for key, want in pairs.items():
        assert graph["gradients"][key] == pytest.approx(want, rel=1e-12)
    assert graph["gradcheck"]["max_relative_error"] < 1e-20


def test_seed004_document_shows_the_worked_example():
    out = run("--layers", "1-1-1", "--activation", "relu,sigmoid", "--values", SEED004,
              "--lr", "0.1").stdout
    assert r"\subsection*{A worked example}" in out
    assert "= 0.2884" in out and "= 2.081" in out and "= -0.1387" in out
    assert r"\leftarrow" in out


def test_seed000_saturation_is_tiny_not_zero():
    r = run("--layers", "1-1", "--cost", "squared-error", "--values",
            "x=62.5, w2=0.8, b2=0, y=0", "--format", "json")
    assert r.exit_code == 0
    v = json.loads(r.stdout)["values"]
    assert v["gradients"]["w2"][0][0] == pytest.approx(2.4109e-20, rel=1e-4)
    assert v["warnings"] and "saturated" in v["warnings"][0]
    assert "saturated" in r.stderr and "learning is slow" in r.stderr
    doc = run("--layers", "1-1", "--cost", "squared-error", "--values",
              "x=62.5, w2=0.8, b2=0, y=0").stdout
    assert "Saturated unit" in doc and r"10^{-20}" in doc


def test_random_values_are_reproducible():
    a = run("--layers", "2-3-2", "--random-values", "--seed", "5", "--format", "json").stdout
    b = run("--layers", "2-3-2", "--random-values", "--seed", "5", "--format", "json").stdout
    c = run("--layers", "2-3-2", "--random-values", "--seed", "6", "--format", "json").stdout
    assert a == b != c


def test_gradients_are_shaped_like_parameters():
    v = values_of("--layers", "3-4-2", "--notation", "matrix", "--random-values")
    assert len(v["gradients"]["W1"]) == 4 and len(v["gradients"]["W1"][0]) == 3
    assert len(v["gradients"]["b2"]) == 2 and not isinstance(v["gradients"]["b2"][0], list)


@pytest.mark.parametrize("values,needle", [
    ("x=3, y=1, w2=0.01", "missing"),
    ("x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1, w9=2", "w9"),
    ("x=3, y=1, w2=[1,2], b2=0, w3=-5, b3=-1", "w2"),
    ("x=3, y=1, w2=abc, b2=0, w3=-5, b3=-1", "w2"),
    ("x=3, y=1, w2=inf, b2=0, w3=-5, b3=-1", "finite"),
    ("x=3, y=1, x=4, w2=0.01, b2=0, w3=-5, b3=-1", "x"),
])
def test_bad_values_are_one_line(values, needle):
    r = run("--layers", "1-1-1", "--values", values)
    assert r.exit_code == 2, r.output
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_missing_values_are_all_named():
    r = run("--layers", "1-1-1", "--values", "x=3")
    for key in ("y", "w2", "b2", "w3", "b3"):
        assert key in r.stderr


def test_target_outside_the_cost_domain():
    r = run("--layers", "1-1", "--cost", "cross-entropy", "--values", "x=1, y=2, w2=1, b2=0")
    assert r.exit_code == 2 and "y" in r.stderr


def test_numbers_without_values_are_refused():
    r = run("--gradcheck")
    assert r.exit_code == 2 and "--values" in r.stderr


def test_no_eval_on_values():
    r = run("--layers", "1-1", "--values", "x=__import__('os').getcwd(), y=1, w2=1, b2=0")
    assert r.exit_code == 2 and "Traceback" not in r.output

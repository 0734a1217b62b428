"""The `derive` command end to end, with CliRunner and tmp_path."""
import json

import pytest
from click.testing import CliRunner

from derive.command.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_headline_prints_the_whole_derivation():
    r = run("--layers", "1-1-1", "--cost", "quadratic")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.count(r"\begin{align*}") == out.count(r"\end{align*}") > 10
    for key in ("w^{(2)}", "b^{(2)}", "w^{(3)}", "b^{(3)}"):
        assert r"\frac{\partial C}{\partial %s}" % key in out
    assert r"\delta^{(3)} = \frac{\partial C}{\partial z^{(3)}}" in out
    assert r"\delta^{(2)} = \frac{\partial C}{\partial z^{(2)}}" in out
    for name in ("BP1", "BP2", "BP3", "BP4"):
        assert r"\text{(%s)}" % name in out  # tagged as in the boxed equations (issue 13)
    assert r"\text{chain rule}" in out and r"\sigma' = \sigma\,(1 - \sigma)" in out
    assert "\n\n" not in out.split(r"\begin{align*}")[1].split(r"\end{align*}")[0]


def test_markdown_is_katex_friendly():
    r = run("--layers", "2-3-2", "--format", "markdown")
    assert r.exit_code == 0
    assert "$$\n\\begin{aligned}" in r.stdout
    for banned in (r"\label", r"\eqref", r"\tag", "align*"):
        assert banned not in r.stdout


def test_json_has_the_promised_keys():
    r = run("--layers", "1-1-1", "--format", "json")
    data = json.loads(r.stdout)
    assert data["network"] == {"layers": [1, 1, 1], "activations": ["sigmoid", "sigmoid"],
                               "cost": "quadratic", "bias": True, "notation": "nielsen"}
    assert data["parameters"] == ["w2", "b2", "w3", "b3"]
    assert set(data["gradients"]) == {"w2", "b2", "w3", "b3"}
    step = data["gradients"]["w2"]["steps"][0]
    assert step["rule"] == "chain_rule" and r"\partial" in step["latex"]
    assert data["gradients"]["w3"]["result"]
    assert set(data["deltas"]) == {"delta2", "delta3"}


@pytest.mark.parametrize("notation,keys", [
    ("nielsen", ["w2", "b2", "w3", "b3"]),
    ("ng", ["theta1", "b1", "theta2", "b2"]),
    ("matrix", ["W1", "b1", "W2", "b2"]),
])
def test_keys_follow_the_notation(notation, keys):
    data = json.loads(run("--notation", notation, "--format", "json").stdout)
    assert data["parameters"] == keys


def test_notation_changes_rendering_not_mathematics():
    a = json.loads(run("--notation", "nielsen", "--format", "json").stdout)
    b = json.loads(run("--notation", "matrix", "--format", "json").stdout)
    rules = lambda d: [[s["rule"] for s in g["steps"]] for g in d["gradients"].values()]
    assert rules(a) == rules(b)
    assert a["gradients"]["w2"]["result"] != b["gradients"]["W1"]["result"]


def test_wide_networks_use_index_form_and_do_not_grow():
    small = run("--layers", "3-4-2", "--notation", "matrix")
    big = run("--layers", "784-30-10", "--notation", "matrix")
    assert small.exit_code == big.exit_code == 0
    assert r"\left[\frac{\partial C}{\partial W^{[2]}}\right]_{2 \times 4}" in small.stdout
    assert r"\left[\delta^{[2]}\right]_{2 \times 1}" in small.stdout
    assert r"\sum_{m=1}^{3}" in small.stdout
    assert small.stdout.count("\n") == big.stdout.count("\n")
    assert abs(len(big.stdout) - len(small.stdout)) < 200


def test_expand_writes_every_scalar_weight_and_refuses_big_networks():
    r = run("--layers", "2-3-2", "--expand", "--format", "json")
    data = json.loads(r.stdout)
    assert len(data["expanded"]) == 2 * 3 + 3 + 3 * 2 + 2
    r = run("--layers", "784-30-10", "--expand")
    assert r.exit_code == 2
    assert "--expand" in r.stderr and "limit" in r.stderr


@pytest.mark.parametrize("args,needle", [
    (["--layers", "1--1"], "--layers"),
    (["--layers", "0-1"], "at least one unit"),
    (["--layers", "a-b"], "--layers"),
    (["--layers", "3"], "at least two sizes"),
    (["--layers", "1-99999999-1"], "too large"),
    (["--layers", "1-1", "--activation", "swish"], "unknown activation 'swish'"),
    (["--layers", "1-1-1", "--activation", "relu,relu,relu"], "one per non-input layer"),
    (["--layers", "2-2-2", "--activation", "softmax,sigmoid"], "only allowed on the output layer"),
    (["--cost", "hinge"], "--cost"),
    (["--notation", "klingon"], "--notation"),
])
def test_bad_input_is_one_line_and_exit_2(args, needle):
    r = run(*args)
    assert r.exit_code == 2
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output
    assert r.stdout == ""


def test_output_file_format_from_suffix(tmp_path):
    for suffix, marker in ((".tex", r"\begin{align*}"), (".md", "$$"), (".json", '"gradients"')):
        path = tmp_path / f"out{suffix}"
        r = run("-o", str(path))
        assert r.exit_code == 0, r.output
        assert marker in path.read_text()
        assert r.stdout == ""


def test_existing_file_needs_force(tmp_path):
    path = tmp_path / "d.tex"
    path.write_text("precious")
    r = run("-o", str(path))
    assert r.exit_code == 2 and "--force" in r.stderr
    assert path.read_text() == "precious"
    r = run("-o", str(path), "--force")
    assert r.exit_code == 0 and r"\begin{align*}" in path.read_text()


def test_failed_run_leaves_no_file(tmp_path):
    path = tmp_path / "d.tex"
    r = run("--layers", "1--1", "-o", str(path))
    assert r.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_unknown_suffix_and_conflicting_format(tmp_path):
    r = run("-o", str(tmp_path / "d.txt"))
    assert r.exit_code == 2 and "suffix" in r.stderr
    r = run("-o", str(tmp_path / "d.tex"), "--format", "json")
    assert r.exit_code == 2 and "does not match" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_standalone_is_a_complete_document():
    out = run("--standalone").stdout
    assert out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")
    assert r"\usepackage{amsmath" in out


def test_jupyter_reprs():
    from derive import derive

    d = derive(layers="1-1-1")
    assert r"\begin{align*}" in d._repr_latex_()
    assert "$$" in d._repr_markdown_()


def test_pairing_simplification_is_shown_as_steps():
    out = json.loads(run("--layers", "1-1", "--cost", "cross-entropy", "--format", "json").stdout)
    rules = [s["rule"] for s in out["deltas"]["delta2"]["steps"]]
    assert rules[-2:] == ["distribute", "collect_terms"]
    assert out["deltas"]["delta2"]["result"] == "a^{(2)} - y"
    out = json.loads(run("--layers", "2-3", "--activation", "softmax", "--cost", "log-likelihood",
                         "--format", "json").stdout)
    steps = out["deltas"]["delta2"]["steps"]
    assert [s["rule"] for s in steps][-3:] == ["distribute", "collect_terms", "target_sums_to_one"]
    assert steps[-1]["latex"] == "a^{(2)}_{j} - y_{j}"


def test_graph_file_end_to_end(tmp_path):
    path = tmp_path / "net.graph"
    path.write_text("params: w1, w2, b\ninput: x\ntarget: t\n"
                    "z1 = w1*x\na1 = relu(z1)\nz2 = w2*a1 + b\ny = sigmoid(z2)\nC = (y - t)^2/2\n")
    data = json.loads(run("--graph", str(path), "--format", "json").stdout)
    assert data["parameters"] == ["w1", "w2", "b"]
    assert data["network"]["cost"] == "C"
    assert set(data["deltas"]) == {"delta_z1", "delta_a1", "delta_z2", "delta_y"}
    assert data["gradients"]["w1"]["steps"][0]["rule"] == "chain_rule"


def test_graph_errors_are_one_line(tmp_path):
    path = tmp_path / "bad.graph"
    path.write_text("params: w\ninput: x\nz = w*q\nC = z^2\n")
    r = run("--graph", str(path))
    assert r.exit_code == 2 and ":3:7: undefined name q" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run("--graph", str(path), "--layers", "1-1")
    assert r.exit_code == 2 and "--graph and --layers" in r.stderr


def test_graph_warning_goes_to_stderr(tmp_path):
    path = tmp_path / "w.graph"
    path.write_text("params: w, v\ninput: x\nC = (w*x)^2\n")
    r = run("--graph", str(path))
    assert r.exit_code == 0
    assert "warning" in r.stderr and "v" in r.stderr

"""Verdicts and diagnoses of `derive --check` on derivations written in each
seed's style (tests/fixtures/check/), correct ones and ones with planted
mistakes, plus a round trip through the engine's own derivations."""
import pytest
import sympy as sp
from check_support import no_internal_errors, one, run, statuses

from derive.model import functions as F
from derive.check.checker import check_text
from derive.check.limits import LIMITS
from derive.engine.chain import Engine
from derive.model.network import Network
from derive.model.notation import get_notation
from derive.render.printing import tex
from derive.model.symbols import Factors, Transposed, base, quantity

# -- seed 000 style: a Q&A post, $$…$$ and align*, \newcommand\d, f(x) as the output ----------

def test_qa_correct_derivation_is_all_correct():
    r = run("qa_tiny.md", "1-1-1", cost="squared-error")
    no_internal_errors(r)
    assert len(r.verdicts) == 13
    assert set(statuses(r)) == {"correct"}
    assert r.exit_code() == 0
    # the output alias and the macro were understood
    assert ("output_alias", (("written", "f(x)"),)) in one(r, 4).notes


def test_qa_planted_mistakes_each_get_their_diagnosis():
    r = run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error")
    no_internal_errors(r)
    assert one(r, 3).status == "correct"
    # seed 000's P.S.: σ − (1 − σ) written for σ(1 − σ)
    v = one(r, 6)
    assert (v.status, v.diagnosis) == ("wrong", "activation_derivative")
    z3 = quantity("z", 2, 0)
    assert sp.simplify(v.params["written"] - (2 * F.sigmoid(z3) - 1)) == 0
    assert v.params["should"] == Factors(F.sigmoid(z3), 1 - F.sigmoid(z3))
    assert (one(r, 7).status, one(r, 7).diagnosis) == ("wrong", "sign")
    v = one(r, 8)
    assert (v.diagnosis, v.params["factor"], v.params["hint"]) == (
        "constant_factor", sp.Rational(1, 2), "missing_two")
    v = one(r, 9)
    assert (v.diagnosis, v.params["factor"]) == ("missing_factor", F.sigmoid_prime(quantity("z", 1, 0)))
    v = one(r, 10)
    assert (v.diagnosis, v.params["written"], v.params["should"]) == (
        "layer_index", quantity("a", 2, 0), quantity("a", 1, 0))
    v = one(r, 11)  # δ^{(4)} in a network whose last layer is 3
    assert (v.status, v.code, v.params["quantity"]) == ("wrong", "missing", base("delta", 3))
    # a chain: a bad middle step, then a step that only carries its error
    assert one(r, 17).status == "correct"
    v = one(r, 18)
    assert (v.status, v.diagnosis, v.params["should"]) == ("wrong", "layer_index", quantity("w", 2, 0, 0))
    v = one(r, 19)
    assert (v.status, v.code, v.params["previous_line"]) == ("wrong", "carried", 18)
    v = one(r, 22)
    assert (v.status, v.code) == ("unparsed", "syntax")
    assert (v.params["at_line"], v.params["at_column"]) == (22, 110)  # the end of the math
    assert ")" in v.params["expected"]
    assert r.exit_code() == 1


def test_expected_is_the_engines_answer_for_a_known_left_side():
    r = run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error")
    v = one(r, 7)
    eng = Engine(r.network.graph)
    assert v.expected == eng.gradient(r.network.graph.node(quantity("w", 2, 0, 0))).result
    assert r.to_dict()["steps"][2]["expected"] == tex(v.expected, get_notation("nielsen"), (1, 1, 1))


# -- seed 001 style: the four equations with general l, j, k, scalar and vectorised ---------------

@pytest.mark.parametrize("layers", ["2-3-2", "1-1-1-1"])
def test_bp_equations_with_general_l_are_correct(layers):
    r = run("bp_proof.md", layers)
    no_internal_errors(r)
    assert set(statuses(r)) == {"correct"}, [(v.line, v.source, v.code) for v in r.verdicts
                                             if v.status != "correct"]
    assert one(r, 18).params["layers"] == "l"  # instantiated for every l


def test_bp_planted_mistakes():
    r = run("bp_proof_mistakes.md", "2-3-2")
    no_internal_errors(r)
    v = one(r, 3)  # (w^{l+1} δ^{l+1}) without the transpose
    assert (v.status, v.code, v.diagnosis, v.params["missing"]) == ("wrong", "shape", "transpose", True)
    assert (v.params["left"], v.params["right"]) == ((2, 3), (2, 1))
    v = one(r, 4)  # w^{l+1}_{jk} for w^{l+1}_{kj}
    assert (v.status, v.diagnosis) == ("wrong", "unit_index")
    v = one(r, 5)  # σ'(z^l_j) left out
    assert (v.status, v.diagnosis) == ("wrong", "missing_factor")
    assert isinstance(v.params["factor"], F.sigmoid_prime)
    assert (one(r, 6).status, one(r, 6).diagnosis) == ("wrong", "sign")
    v = one(r, 7)  # a^l_k for a^{l-1}_k
    assert (v.diagnosis, str(v.params["written"]), str(v.params["should"])) == (
        "layer_index", "a:l[k]", "a:l-1[k]")
    v = one(r, 8)  # δ^l a^{l-1} without the transpose: 3×1 times 2×1
    assert (v.code, v.diagnosis) == ("shape", "transpose")
    v = one(r, 9)  # the output-layer formula used for every l (L written out: not a notation slip)
    assert (v.status, v.diagnosis, str(v.params["should"])) == ("wrong", "layer_index", "a:l[j]")


def test_general_l_that_holds_only_at_the_output_is_unknown_not_wrong():
    text = r"$$\frac{\partial C}{\partial w^l} = (a^l - y) \sigma'(z^l) a^{l-1}$$"
    v = run(text, "1-1-1").verdicts[0]
    assert (v.status, v.code) == ("unknown", "only_output_layer")


def test_l_only_on_the_right_is_one_particular_layer():
    v = run(r"$$C = \frac{1}{2}(a^l - y)^2$$", "1-1-1").verdicts[0]
    assert v.status == "correct"
    assert v.notes[-1][0] == "particular_layer"


# -- seed 002 style: Jekyll post, θ notation, {1 \over 2}, \frac{\partial}{\partial θ}, Δθ ------------

NG = {"notation": "ng", "activation": "sigmoid,sigmoid,linear", "bias": False}


def test_single_path_in_ng_notation_is_correct():
    r = run("single_path.md", "1-1-1-1", **NG)
    no_internal_errors(r)
    assert len(r.verdicts) == 25
    assert set(statuses(r)) == {"correct"}


def test_single_path_mistakes():
    r = run("single_path_mistakes.md", "1-1-1-1", **NG)
    no_internal_errors(r)
    v = one(r, 8)  # σ' = 1 − σ
    assert (v.diagnosis, v.params["should"]) == (
        "activation_derivative", Factors(F.sigmoid(sp.Symbol("x")), 1 - F.sigmoid(sp.Symbol("x"))))
    v = one(r, 9)
    assert (v.diagnosis, v.params["factor"]) == ("missing_factor", quantity("w", 3, 0, 0))
    v = one(r, 10)  # θ^{(2)} where θ^{(3)} belongs
    assert (v.diagnosis, v.params["written"], v.params["should"]) == (
        "layer_index", quantity("w", 2, 0, 0), quantity("w", 3, 0, 0))
    assert (one(r, 11).status, one(r, 11).diagnosis) == ("wrong", "sign")  # Δθ = +η …


# -- seed 003 style: HTML with \( \) and \[ \], W^l, a^0, dimension annotations --------------------

def test_matrix_form_is_correct():
    r = run("matrix_form.md", "3-4-2", notation="matrix")
    no_internal_errors(r)
    assert set(statuses(r)) == {"correct"} and len(r.verdicts) == 11


def test_matrix_form_mistakes():
    r = run("matrix_form_mistakes.md", "3-4-2", notation="matrix")
    no_internal_errors(r)
    v = one(r, 3)  # δ² a¹: 2×1 times 4×1
    assert (v.code, v.params["left"], v.params["right"], v.diagnosis) == ("shape", (2, 1), (4, 1), "transpose")
    v = one(r, 4)  # W² δ² for (W²)ᵀ δ²
    assert (v.code, v.diagnosis, v.params["should"]) == ("shape", "transpose", Transposed(base("w", 2)))
    v = one(r, 5)  # annotated 4×2, is 2×4
    assert (v.code, v.params["op"], v.params["left"], v.params["right"]) == ("shape", "annotation", (2, 4), (4, 2))
    v = one(r, 6)  # δ³ in a network with two weight layers
    assert (v.status, v.code, v.params["reason"]) == ("wrong", "missing", "layer")


# -- seed 004 style: plain ASCII answers and a worked example --------------------------------------

def test_quiz_answers_in_ascii():
    r = run("quiz_answers.txt", "2-3-2")
    no_internal_errors(r)
    assert [one(r, n).status for n in (4, 5, 6, 7)] == ["correct"] * 4
    assert (one(r, 8).status, one(r, 8).diagnosis) == ("wrong", "unit_index")
    assert one(r, 11).status == "correct"
    # the sigmoid derivative answered as 1 − σ(z)
    v = one(r, 12)
    assert (v.status, v.diagnosis) == ("wrong", "activation_derivative")
    z = sp.Symbol("z")
    assert v.params["should"] == Factors(F.sigmoid(z), 1 - F.sigmoid(z))


def test_quiz_answers_with_relu_read_f_as_relu():
    r = run("quiz_answers.txt", "2-3-2", activation="relu")
    assert [one(r, n).status for n in (4, 5, 6, 7)] == ["correct"] * 4


def test_worked_example_numbers_and_the_relu_kink():
    r = run("quiz_numbers.txt", "1-1-1", notation="matrix", activation="relu,sigmoid")
    no_internal_errors(r)
    for line in (11, 12, 13, 14):  # loss 0.288 and the three gradients, to the decimals written
        assert (one(r, line).status, one(r, line).code) == ("correct", "numeric_ok")
    v = one(r, 15)
    assert (v.status, v.code) == ("wrong", "numeric_wrong")
    assert abs(float(v.params["value"]) + 0.00416183) < 1e-7
    # ReLU' left out: equal wherever z1 > 0, so only points with z1 < 0 can tell
    v = one(r, 17)
    assert (v.status, v.diagnosis) == ("wrong", "missing_factor")
    assert v.params["factor"] == F.relu_prime(quantity("z", 1, 0))
    assert v.params["expected_value"] == 0
    assert one(r, 18).status == "correct"
    assert one(r, 19).status == "correct"
    assert (one(r, 20).status, one(r, 20).diagnosis) == ("wrong", "update_sign")


# -- softmax: the binary cross-entropy derivative used with softmax -------------------------------

def test_softmax_with_log_likelihood():
    r = run("softmax.md", "2-3", activation="softmax", cost="log-likelihood")
    assert one(r, 3).status == "correct"  # δ = a − y
    v = one(r, 4)  # the binary-CE ∂C/∂a
    assert (v.status, v.diagnosis, v.params["other"], v.params["actual"]) == (
        "wrong", "wrong_model", "cross-entropy", "log-likelihood")


def test_sigmoid_shortcut_is_wrong_for_softmax_with_binary_cross_entropy():
    r = run("softmax.md", "2-3", activation="softmax", cost="cross-entropy")
    v = one(r, 3)
    assert (v.status, v.diagnosis, v.params["other"], v.params["output"]) == (
        "wrong", "wrong_model", "sigmoid", True)
    assert one(r, 4).status == "correct"


# -- never call a correct step wrong: the engine's own derivations, printed and read back ------------

NETWORKS = [("1-1-1", "sigmoid", "quadratic", "nielsen"), ("2-2-1", "relu,sigmoid", "cross-entropy", "matrix"),
            ("1-2-1", "tanh,linear", "squared-error", "ng"), ("2-3", "softmax", "log-likelihood", "nielsen")]


def _engine_document(net, nt, mutate=None):
    eng = Engine(net.graph)
    blocks = []
    for p in net.graph.params:
        for d in (eng.gradient(p), eng.restated(p)):
            rows = [tex(d.lhs, nt, net.widths) + " &= " + tex(d.steps[0].expr, nt, net.widths)]
            rows += [" &= " + tex(s.expr, nt, net.widths) for s in d.steps[1:]]
            if mutate is not None:
                rows.append(" &= " + tex(mutate(d.result), nt, net.widths))
            blocks.append("\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}")
    return "\n".join(blocks)


@pytest.mark.parametrize("layers,act,cost,notation", NETWORKS)
def test_engine_derivations_read_back_as_correct(layers, act, cost, notation):
    net = Network(layers, activation=act, cost=cost)
    nt = get_notation(notation)
    r = check_text(_engine_document(net, nt), net, nt, kind="tex")
    no_internal_errors(r)
    assert len(r.verdicts) > 10
    assert set(statuses(r)) == {"correct"}, [(v.source, v.code) for v in r.verdicts if v.status != "correct"]


@pytest.mark.parametrize("mutate,diagnosis", [
    (lambda e: -sp.S.One * e, "sign"),
    (lambda e: 2 * e, "constant_factor"),
])
def test_mutated_engine_results_are_wrong(mutate, diagnosis):
    net = Network("2-2-1", activation="relu,sigmoid", cost="quadratic")
    nt = get_notation("nielsen")
    r = check_text(_engine_document(net, nt, mutate), net, nt, kind="tex")
    no_internal_errors(r)
    wrong = [v for v in r.verdicts if v.status == "wrong"]
    assert all(v.diagnosis == diagnosis for v in wrong)
    assert len(wrong) == 2 * len(net.graph.params)  # exactly the mutated last line of each chain
    assert "unknown" not in statuses(r)


# -- limits ----------------------------------------------------------------------------------------

def test_a_step_out_of_time_is_unknown(monkeypatch):
    monkeypatch.setattr(LIMITS, "step_seconds", 1e-6)
    r = run("qa_tiny.md", "1-1-1", cost="squared-error")
    assert {v.status for v in r.verdicts} <= {"unknown", "correct"}
    assert any(v.code == "too_complex" for v in r.verdicts)
    assert "wrong" not in statuses(r)


def test_relu_points_cover_both_sides_of_every_kink():
    from derive.check.judge.verify import Checker

    c = Checker(Network("2-3-2", activation="relu,relu"), get_notation("nielsen"))
    for z in [n.symbol for n in c.graph.nodes if n.role == "z"]:
        signs = {c.points.node_values(i)[z] > 0 for i in range(len(c.points.envs))}
        assert signs == {True, False}, z


@pytest.mark.parametrize("layers,act,cost", [("1-1-1", "sigmoid", "quadratic"),
                                             ("2-2-2", "relu,softmax", "log-likelihood"),
                                             ("2-3-1", "tanh,sigmoid", "cross-entropy")])
def test_finite_differences_agree_with_sympy_diff_of_the_composed_cost(layers, act, cost):
    """The checker's semantics (forward passes and central differences) against
    Graph.true_partial, which differentiates the fully composed cost."""
    import mpmath

    from derive.check.judge.semantics import DPS, Points
    from derive.model.symbols import COST, Partial

    net = Network(layers, activation=act, cost=cost)
    g = net.graph
    pts = Points(net, g, seed=3, count=3)
    for node in g.params + [n for n in g.nodes if n.role in ("z", "a")]:
        mine = pts.values(Partial(COST, node.symbol))
        exact = g.true_partial(COST, node.symbol)
        for i, env in enumerate(pts.envs):
            with mpmath.workdps(DPS):
                want = sp.N(exact.xreplace({k: sp.Float(str(v), 60) for k, v in env.items()}), 50)
                assert abs(mine[i] - mpmath.mpf(str(want))) < mpmath.mpf(10) ** -40, node

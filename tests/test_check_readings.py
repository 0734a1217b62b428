"""Lines that derive itself writes (and that students write the same way), each
once called wrong or left unread by the checker: every one must now come out
correct, and the planted mistake beside it must still be wrong."""
import sympy as sp
from check_support import no_internal_errors, run


def verdicts(text, layers, notation="nielsen", kind="md", **net):
    r = run(text, layers, notation, kind=kind, **net)
    no_internal_errors(r)
    return [(v.status, v.code) for v in r.verdicts], r


# -- the x of σ'(x) is a free variable, not the network's input vector ------------------------------

SIGMA_PRIME = r"""
$$
\begin{aligned}
\sigma'\left(x\right) &= \frac{d}{d x} \left(\frac{1}{1 + e^{- x}}\right) \\
  &= \frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}} \\
  &= \sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)
\end{aligned}
$$
"""


def test_sigma_prime_of_x_is_an_identity_in_a_wide_input_network():
    for notation in ("nielsen", "ng", "matrix"):
        got, _ = verdicts(SIGMA_PRIME, "3-4-2", notation)
        assert [s for s, _ in got] == ["correct"] * 3, (notation, got)


def test_sigma_prime_of_x_mistake_is_still_wrong_with_a_witness():
    got, r = verdicts(r"$$\sigma'(x) = \sigma(x)\left(1 + \sigma(x)\right)$$", "3-4-2", "matrix")
    assert got[0][0] == "wrong"
    witness = r.verdicts[0].params["witness"]
    assert [s for s, _ in witness] == [sp.Symbol("x")]


def test_x_next_to_network_quantities_is_still_the_input():
    got, _ = verdicts(r"$$z^{(2)} = w^{(2)} x + b^{(2)}$$", "2-3-2")
    assert got == [("correct", "correct_exact")] or got[0][0] == "correct"
    got, _ = verdicts(r"$$z^{(2)} = w^{(2)} x$$", "2-3-2")
    assert got[0][0] == "wrong"


# -- ∂C/∂z written with a slash, δ without a layer -----------------------------------------------------

def test_delta_definition_in_prose_with_slash_partials():
    text = r"The error of a unit is $\delta = \partial C / \partial z$, and $\partial C/\partial w^{(2)} = \delta^{(2)} a^{(1)}$."
    got, _ = verdicts(text, "1-1")
    assert got[0][0] == "correct"
    got, _ = verdicts(text.replace("a^{(1)}", "x"), "1-1")
    assert [s for s, _ in got] == ["correct", "correct"]
    got, r = verdicts(text, "2-3-2")  # several layers: read for a general layer l
    assert got[0][0] == "correct"
    assert ("general_layer", (("kind", "delta"),)) in r.verdicts[0].notes


def test_layerless_mistake_is_wrong_with_one_layer_and_unknown_with_several():
    text = r"$\delta = \partial C / \partial a$"
    assert verdicts(text, "1-1")[0][0][0] == "wrong"
    # with several layers the writer may mean different ones: never refuted
    assert verdicts(text, "2-3-2")[0] == [("unknown", "layerless")]


# -- general l only where every quantity exists ---------------------------------------------------------

BP2 = r"$$\delta^{(l)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot \sigma'\left(z^{(l)}\right)$$"


def test_bp2_in_a_network_without_hidden_layers_is_not_judged():
    got, r = verdicts(BP2, "1-1")
    assert got == [("unknown", "no_valid_layer")]
    assert "1-1 network" in r.messages()[0]
    assert verdicts(BP2, "1-1-1")[0][0][0] == "correct"


def test_a_numbered_quantity_the_network_lacks_is_still_wrong():
    got, _ = verdicts(r"$$\delta^{(3)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot \sigma'\left(z^{(l)}\right)$$", "1-1")
    assert got == [("wrong", "missing")]
    assert verdicts(r"$$\delta^{(4)} = 0$$", "1-1-1")[0] == [("wrong", "missing")]


# -- constructs derive writes: cases, the indicator, a sign after a sum, \sum_k, tanh² ----------------

RELU_PRIME = r"""
$$
\begin{aligned}
\operatorname{ReLU}'\left(x\right)
  &= \frac{d}{d x} \left(\begin{cases} x & \text{for}\: x > 0 \\0 & \text{otherwise} \end{cases}\right) && \text{definition} \\
  &= \begin{cases} 1 & \text{for}\: x > 0 \\0 & \text{otherwise} \end{cases}
\end{aligned}
$$
$$\operatorname{ReLU}'(x) = \begin{cases} 1, & x < 0 \\ 0, & x \geq 0 \end{cases}$$
"""


def test_piecewise_relu_derivative():
    got, r = verdicts(RELU_PRIME, "2-2-2", activation="relu")
    assert [s for s, _ in got] == ["correct", "correct", "wrong"]
    assert sp.Symbol("x") in dict(r.verdicts[2].params["witness"])


SOFTMAX = r"""
$$
\begin{aligned}
\frac{\partial a^{(3)}_{i}}{\partial z^{(3)}_{j}}
  &= \frac{\mathbf{1}_{[i = j]} e^{z^{(3)}_{i}} \left(\sum_{k} e^{z^{(3)}_{k}}\right) - e^{z^{(3)}_{i}} e^{z^{(3)}_{j}}}{\left(\sum_{k} e^{z^{(3)}_{k}}\right)^{2}} \\
  &= a^{(3)}_{i} \left(\mathbf{1}_{[i = j]} - a^{(3)}_{j}\right) \\
\frac{\partial C}{\partial z^{(3)}_{j}}
  &= \sum_{i=1}^{3} - \frac{y_{i}}{a^{(3)}_{i}} \frac{\partial a^{(3)}_{i}}{\partial z^{(3)}_{j}} \\
  &= \sum_{i=1}^{3} - y_{i} \left(\mathbf{1}_{[i = j]} - a^{(3)}_{j}\right) \\
  &= a^{(3)}_{j} - y_{j}
\end{aligned}
$$
$$\frac{\partial a^{(3)}_{i}}{\partial z^{(3)}_{j}} = a^{(3)}_{i} \left(1 - a^{(3)}_{j}\right)$$
"""


def test_softmax_jacobian_with_the_indicator_and_a_sign_after_the_sum():
    got, _ = verdicts(SOFTMAX, "2-3-3", activation="relu,softmax", cost="log-likelihood")
    assert [s for s, _ in got] == ["correct"] * 5 + ["wrong"]  # 1 − a_j: the indicator forgotten


TANH = r"""
$$
\begin{aligned}
\tanh'\left(x\right) &= \frac{d}{d x} \left(\frac{\sinh{\left(x \right)}}{\cosh{\left(x \right)}}\right) \\
  &= \frac{\cosh{\left(x \right)} \cosh{\left(x \right)} - \sinh{\left(x \right)} \sinh{\left(x \right)}}{\cosh^{2}{\left(x \right)}} \\
  &= 1 - \tanh^{2}{\left(x \right)}
\end{aligned}
$$
$\tanh = \sinh / \cosh$, $\sigma' = \sigma \cdot (1 - \sigma)$, $\sigma' = 1 - \sigma$, $\sigma' = \sigma(1 - \sigma)$,
$\tanh'(x) = 1 + \tanh^2(x)$
"""


def test_function_powers_and_identities_between_functions():
    got, _ = verdicts(TANH, "2-2-2", activation="tanh")
    assert got[:5] == [("correct", "correct")] * 5
    # seed 000's 1 − σ is still wrong; σ(1 − σ) could be a composition: not judged
    assert got[5][0] == "wrong"
    assert got[6] == ("unknown", "function_or_product")
    assert got[7][0] == "wrong"


def test_vector_of_ones_and_a_number_minus_a_vector():
    text = r"""
$$\sigma'\left(z^{(3)}\right) = \hat{y} \odot \left(1 - \hat{y}\right)$$
$$\sigma'\left(z^{(3)}\right) = \hat{y} \odot \left(2 - \hat{y}\right)$$
"""
    got, _ = verdicts(text, "2-2-2")
    assert [s for s, _ in got] == ["correct", "wrong"]
    text = r"""
$$\left[\delta^{(2)}\right]_{2 \times 1} = \left(\left[\left(w^{(3)}\right)^{T}\right]_{2 \times 2} \left[\delta^{(3)}\right]_{2 \times 1}\right) \odot \left[1\right]_{2 \times 1}$$
$$\left[\delta^{(2)}\right]_{2 \times 1} = \left(\left[w^{(3)}\right]_{2 \times 2} \left[\delta^{(3)}\right]_{2 \times 1}\right) \odot \left[1\right]_{2 \times 1}$$
"""
    got, _ = verdicts(text, "2-2-2", activation="linear")
    assert [s for s, _ in got] == ["correct", "wrong"]


# -- a function defined in the prose, the activation of a general layer that varies -----------------------

def test_a_function_defined_in_the_text_is_used_later():
    text = r"""The linear activation $g(x) = x$ has derivative 1:
$$\frac{d g\left(x\right)}{d x} = \frac{d x}{d x} = 1$$
$$a^{(4)} = g\left(z^{(4)}\right), \quad \frac{d g(x)}{dx} = x$$
"""
    got, _ = verdicts(text, "1-1-1-1", activation="sigmoid,sigmoid,linear", bias=False)
    assert [s for s, _ in got] == ["correct", "correct", "correct", "wrong"]


def test_f_prime_of_a_general_layer_takes_each_layers_activation():
    bp = r"""
$$\delta^{(l)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot f'\left(z^{(l)}\right)$$
$$\delta^{(l)} = \left(\left(w^{(l+1)}\right)^{T} \delta^{(l+1)}\right) \odot \sigma'\left(z^{(l)}\right)$$
$$\delta^{(L)} = \frac{\partial C}{\partial a^{(L)}} \odot f'\left(z^{(L)}\right)$$
"""
    got, _ = verdicts(bp, "1-2-2-1", activation="relu,tanh,sigmoid")
    assert [s for s, _ in got] == ["correct", "wrong", "correct"]
    # softmax has no element-wise derivative: BP1 with f' is not judged
    got, _ = verdicts(bp, "2-3-3", activation="relu,softmax", cost="log-likelihood")
    assert got[2] == ("unknown", "softmax_prime")


# -- worked examples: rows broken across lines, whole layers given as matrices, rounding ------------------

WORKED = r"""
$$
\begin{aligned}
x &= \left[\begin{matrix}-0.3\\0.8\end{matrix}\right] \\
w^{(2)} &= \left[\begin{matrix}0.7 & -0.6\\0.1 & 0.9\\0.5 & 1\end{matrix}\right] \\
b^{(2)} &= \left[\begin{matrix}0.4\\-0.4\\0.4\end{matrix}\right] \\
w^{(3)}_{11} &= -1, \quad w^{(3)}_{12} = 0.5, \quad w^{(3)}_{13} = -0.2, \quad b^{(3)}_{1} = 0.2 \\
w^{(3)}_{21} &= 0.7, \quad w^{(3)}_{22} = -0.3, \quad w^{(3)}_{23} = -0.4, \quad b^{(3)}_{2} = 0.3
\end{aligned}
$$
$$
\begin{aligned}
z^{(2)} &= w^{(2)} x + b^{(2)} = \left[\begin{matrix}-0.29\\0.29\\1.05\end{matrix}\right] \\
a^{(2)} &= \left[\begin{matrix}0.428\\0.572\\0.7408\end{matrix}\right] \\
z^{(3)}_{1} &= w^{(3)}_{11} a^{(2)}_{1} + w^{(3)}_{12} a^{(2)}_{2} + w^{(3)}_{13} a^{(2)}_{3} + b^{(3)}_{1} = \left(-1\right) \cdot 0.428 + 0.5 \cdot 0.572 + \left(-0.2\right) \cdot 0.7408 \\ &\qquad + 0.2 = -0.09016 \\
z^{(3)}_{2} &= 0.7 \cdot 0.428 + \left(-0.3\right) \cdot 0.572 \\ &\qquad + \left(-0.4\right) \cdot 0.7408 + 0.3 = 0.1317 \\
z^{(2)} &= \left[\begin{matrix}-0.29\\0.39\\1.05\end{matrix}\right] \\
z^{(3)}_{2} &= 0.7 \cdot 0.428 + \left(-0.3\right) \cdot 0.572 \\ &\qquad + 0.3 = 0.1317
\end{aligned}
$$
"""


def test_worked_example_with_matrices_and_broken_rows():
    got, r = verdicts(WORKED, "2-3-2")
    assert [s for s, _ in got] == ["correct"] * 8 + ["wrong", "wrong", "correct"], got
    # the row after "\\ &\qquad" belongs to the line before: its last term is missing
    assert r.verdicts[9].line == 18 and "+ 0.3" in r.verdicts[9].source
    assert len(r.givens) == 2 + 6 + 3 + 8
    assert r.verdicts[8].params["entry"] == 2  # 0.39 where z^{(2)}_2 = 0.29
    # the row after "\\ &\qquad" continues the line before, not a new claim "+ 0.2 = -0.09016"
    assert all(not v.source.lstrip().startswith("+") for v in r.verdicts)


def test_rounded_numbers_add_up_and_are_allowed_their_rounding():
    # ten terms of 0.333 (each up to 0.001 off): 3.335 is within their rounding, though
    # not within one unit of the last decimal written; 3.36 is too far
    given = r"$$x = 1, \quad w^{(2)} = 1, \quad b^{(2)} = 0, \quad w^{(3)} = 1, \quad b^{(3)} = 0, \quad y = 0$$"
    terms = " + ".join(["0.333"] * 10)
    text = given + "\n".join([rf"$$z^{{(2)}} + 2.33 = {terms} = 3.33$$",
                              rf"$$z^{{(2)}} + 2.335 = {terms}$$", rf"$$z^{{(2)}} + 2.36 = {terms}$$",
                              r"$$z^{(2)} + 2.35 = 3.33$$"])
    got, _ = verdicts(text, "1-1-1")
    assert [s for s, _ in got] == ["correct", "correct", "correct", "wrong", "wrong"]


def test_points_where_the_cost_has_a_value():
    """ReLU outputs under a cross-entropy cost: ln 0 must not stop the checker, and
    every evaluation point is one where the cost is defined."""
    from derive.check.judge.semantics import Points
    from derive.model.network import Network

    net = Network("2-2-2", "relu", "cross-entropy")
    points = Points(net, net.graph, seed=1)
    assert all(points.node_values(i)[net.graph.cost.symbol] is not None
               for i in range(len(points.envs)))
    got, _ = verdicts(r"$$\frac{\partial C}{\partial b^{(3)}_1} = \delta^{(3)}_1$$", "2-2-2",
                      activation="relu", cost="cross-entropy")
    assert got[0][0] == "correct"


def test_sum_bounds_and_rows_continued_without_an_operator():
    text = r"""
$$
\begin{aligned}
\frac{\partial C}{\partial z^{(4)}} &= \sum_{i=1}^{1} \frac{\partial C}{\partial a^{(4)}} \frac{\partial a^{(4)}}{\partial z^{(4)}} \\
z^{(3)}_j &= \sum_{k=1}^{2} w^{(3)}_{jk} a^{(2)}_k \\ &\qquad + b^{(3)}_j \\
\text{where } a^{(3)}_j &= \tanh(z^{(3)}_j) \\
y &= 0.5 \\
z^{(3)}_j &= \sum_{k=1}^{3} w^{(3)}_{jk} a^{(2)}_k + b^{(3)}_j
\end{aligned}
$$
"""
    got, r = verdicts(text, "3-2-2-1", activation="tanh")
    assert got[:3] == [("correct", "correct_exact"), ("correct", "correct"), ("correct", "correct")] or [
        s for s, _ in got[:3]] == ["correct"] * 3
    assert got[3] == ("wrong", "missing")  # a^{(2)}_3: the bound written is used
    assert list(r.givens.values()) == [sp.Rational(1, 2)]  # y of a one-unit output is a number


def test_x_of_a_worked_example_stays_the_input():
    text = "$$x = 3, \\quad w^{(2)} = 1, \\quad b^{(2)} = 0, \\quad w^{(3)} = 1, \\quad b^{(3)} = 0, \\quad y = 0$$\n"
    got, _ = verdicts(text + "$$x^2 = 9$$\n$$\\sigma(x) = 0.9526$$\n$$\\sigma(x) = 0.5$$", "1-1-1")
    assert got == [("correct", "numeric_ok"), ("correct", "numeric_ok"), ("wrong", "numeric_wrong")]
    # a number claimed for something that is not given stays undecided
    got, _ = verdicts(text + "$$\\eta \\cdot x = 0.3$$", "1-1-1")
    assert got == [("unknown", "numeric_claim")]


def test_worked_softmax_with_rounded_exponents():
    given = (r"$$x_{1} = 0.4, \quad x_{2} = 0.7, \quad w^{(2)}_{11} = 0.4, \quad w^{(2)}_{12} = 0.4, "
             r"\quad w^{(2)}_{21} = 0.6, \quad w^{(2)}_{22} = 0.8, \quad b^{(2)}_{1} = -0.2, "
             r"\quad b^{(2)}_{2} = -0.3, \quad y_1 = 0, \quad y_2 = 1$$" "\n")
    text = given + "\n".join([
        r"$$a^{(2)}_{1} = \frac{e^{z^{(2)}_{1}}}{e^{z^{(2)}_{1}} + e^{z^{(2)}_{2}}} = \frac{e^{0.24}}{e^{0.24} + e^{0.5}} = 0.4354$$",
        r"$$a^{(2)}_{2} = \frac{e^{0.5}}{e^{0.24} + e^{0.5}} = 0.5646$$",
        r"$$a^{(2)}_{2} = \frac{e^{0.24}}{e^{0.24} + e^{0.5}}$$",  # a_1 written for a_2
    ])
    got, _ = verdicts(text, "2-2", activation="softmax", cost="log-likelihood")
    assert [s for s, _ in got] == ["correct"] * 5 + ["wrong"]

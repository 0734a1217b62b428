"""--graph files that are wrong: each problem is a typed DeriveError whose one-line
message starts with file:line:column and says what is wrong; harmless oddities
are warnings.  Also: the parser reads back any expression we print."""
import subprocess
import sys

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive import errors as E
from derive.model import functions as F
from derive.model.graphspec import MAX_BYTES, load_graph, parse_graph

HEAD = "params: w, b\ninput: x\ntarget: t\n"  # lines 1-3


@pytest.mark.parametrize("body, error, where, words", [
    # undefined names
    ("z = w*h\nC = z^2", E.UndefinedNameError, "4:7", "undefined name h"),
    ("C = e^w + b + x + t", E.UndefinedNameError, "4:5", "exp(x)"),
    # a name assigned (or declared) twice
    ("z = w*x\nz = b\nC = z^2", E.DuplicateNameError, "5:1", "already assigned on line 4"),
    ("x = w*b\nC = x^2 + t", E.DuplicateNameError, "4:1", "declared as an input on line 2"),
    # cycles, reported where the loop starts
    ("u = w*v\nv = u + x\nC = (v - t)^2 + b", E.CycleError, "4:7", "u → v → u"),
    ("u = u*w + x + b\nC = (u - t)^2", E.CycleError, "4:5", "u is defined in terms of itself"),
    # unknown functions, with a hint where one is near
    ("C = ReLU(w*x + b) - t", E.UnknownFunctionError, "4:5", "did you mean relu"),
    ("C = softplus(w*x + b) - t", E.UnknownFunctionError, "4:5", "log(1 + exp(z))"),
    # syntax, saying what was expected
    ("C = w x + b - t", E.GraphSyntaxError, "4:7", "write * for multiplication"),
    ("C = (w*x + b - t", E.GraphSyntaxError, "4:17", "expected ')'"),
    ("C = w*x + b - t +", E.GraphSyntaxError, "4:18", "expected '+', '-', '(', a name or a number"),
    ("C = σ(w*x + b) - t", E.GraphSyntaxError, "4:5", "write sigmoid"),
    ("C = relu(w, x) + b - t", E.GraphSyntaxError, "4:5", "relu takes one argument"),
    ("C = softmax(w, x) + b - t", E.GraphSyntaxError, "4:5", "softmax(z1, z2, z3)[2]"),
    ("C = softmax(w, x)[3] + b - t", E.GraphSyntaxError, "4:19", "from 1 to 2"),
    ("C = (w*x + b - t)/0", E.GraphSyntaxError, "4:18", "division by zero"),
    ("C = w*x + b - t\nh = C + 1", E.GraphSyntaxError, "5:5", "C is the cost"),
    ("relu = w*x\nC = relu + b - t", E.GraphSyntaxError, "4:1", "reserved"),
    ("delta_z = w*x\nC = delta_z + b - t", E.GraphSyntaxError, "4:1", "delta_"),
    # over-size input
    ("C = (w*x + b - t)^1000", E.GraphSizeError, "4:19", "exponent 1000"),
    ("C = ((w*x + b - t)^60)^60", E.GraphSizeError, "4:23", "exponent 3600"),
    ("C = " + "-" * 50 + "w + x + b + t", E.GraphSizeError, "4:5", "nests more than"),
    ("C = 1e99*w + x + b + t", E.GraphSizeError, "4:5", "number"),
    ("C = " + "w+" * 1500 + "x + b + t", E.GraphSizeError, "4:2001", "longer than 2000"),
])
def test_each_error_names_its_place_and_problem(body, error, where, words):
    with pytest.raises(error) as caught:
        parse_graph(HEAD + body + "\n", source="net.graph")
    message = str(caught.value)
    assert message.startswith(f"net.graph:{where}: "), message
    assert words in message, message
    assert "\n" not in message
    assert isinstance(caught.value, E.DeriveError) and caught.value.exit_code == 2


@pytest.mark.parametrize("text, words", [
    ("input: x\nC = x^2\n", "no parameters"),
    ("params: w\n# nothing else\n", "no assignments"),
    ("parms: w\nC = w^2\n", "unknown declaration 'parms:'"),
    ("params: w\ninput: C\nz = w*C\n", "C names the cost"),
])
def test_whole_file_errors(text, words):
    with pytest.raises(E.GraphSpecError, match=words):
        parse_graph(text)


def test_file_size_is_bounded_before_parsing(tmp_path):
    path = tmp_path / "big.graph"
    path.write_text("params: w\nC = w^2\n" + "# padding\n" * (MAX_BYTES // 10))
    with pytest.raises(E.GraphSizeError, match="longer than 64 KiB"):
        load_graph(path)


def test_statement_count_is_bounded():
    text = "params: w\n" + "".join(f"h{i} = w\n" for i in range(500)) + "C = w\n"
    with pytest.raises(E.GraphSizeError, match=r"<graph>:501:1: the file has more than 500"):
        parse_graph(text)


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(E.GraphSpecError, match="cannot read"):
        load_graph(tmp_path / "missing.graph")
    path = tmp_path / "latin1.graph"
    path.write_bytes(b"params: w\nC = w^2 # caf\xe9\n")
    with pytest.raises(E.GraphSyntaxError, match=r"latin1.graph:2:14: the file is not UTF-8"):
        load_graph(path)


def test_unused_things_are_warnings_not_errors():
    g, warnings = parse_graph("params: w, v, b\ninputs: x, x2\ntarget: t\n"
                              "z = w*x + b\nspare = v*x\nC = (z - t)^2\n", source="n.graph")
    assert warnings == [
        "n.graph:1:12: warning: the cost C does not depend on a parameter v; its gradient is 0",
        "n.graph:2:12: warning: the cost C does not depend on an input x2",
        "n.graph:5:1: warning: the cost C does not depend on spare; it is left out",
    ]
    assert [str(p.symbol) for p in g.params] == ["w", "v", "b"]
    assert sp.Symbol("spare") not in g.by_symbol


def test_a_parameter_that_cancels_out_is_unused():
    _, warnings = parse_graph("params: w, b\ninput: x\nC = (w*x - w*x + b)^2\n")
    assert [w.split(": warning: ")[1] for w in warnings] == [
        "the cost C does not depend on a parameter w; its gradient is 0",
        "the cost C does not depend on an input x"]


def test_bad_input_gives_exit_status_2_and_no_traceback(tmp_path):
    """Through a tiny driver, as a CLI would call it: one line on stderr, status 2."""
    path = tmp_path / "bad.graph"
    path.write_text("params: w\ninput: x\nC = w*h\n")
    driver = ("import sys\nfrom derive.errors import DeriveError\nfrom derive.model.graphspec import load_graph\n"
              "try:\n    load_graph(sys.argv[1])\nexcept DeriveError as e:\n"
              "    print(e, file=sys.stderr); sys.exit(e.exit_code)\n")
    done = subprocess.run([sys.executable, "-c", driver, str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == f"{path}:3:7: undefined name h: it is neither declared " \
                                  "(params:, input:, target:) nor assigned"


# -- the parser reads back what we write -------------------------------------------

NAMES = sp.symbols("a b c")
UNARY = {"sigmoid": F.sigmoid, "relu": F.relu, "tanh": sp.tanh, "exp": sp.exp}


def expressions():
    """(text, the sympy expression it means) pairs, built side by side."""
    leaf = st.one_of(
        st.sampled_from([("a", NAMES[0]), ("b", NAMES[1]), ("c", NAMES[2])]),
        st.integers(1, 99).map(lambda n: (str(n), sp.Integer(n))),
        st.integers(1, 99).map(lambda n: (f"{n / 4}", sp.Rational(n, 4))),
    )

    def extend(inner):
        binary = st.tuples(inner, st.sampled_from("+-*"), inner).map(
            lambda t: (f"({t[0][0]} {t[1]} {t[2][0]})",
                       {"+": t[0][1] + t[2][1], "-": t[0][1] - t[2][1], "*": t[0][1] * t[2][1]}[t[1]]))
        power = st.tuples(inner, st.integers(-3, 3)).map(
            lambda t: (f"({t[0][0]})^({t[1]})", t[0][1] ** t[1]) if t[0][1] != 0 or t[1] >= 0
            else t[0])
        call = st.tuples(st.sampled_from(sorted(UNARY)), inner).map(
            lambda t: (f"{t[0]}({t[1][0]})", UNARY[t[0]](t[1][1])))
        neg = inner.map(lambda t: (f"-{t[0]}", -t[1]))
        return st.one_of(binary, power, call, neg)

    return st.recursive(leaf, extend, max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(expressions())
def test_any_expression_reads_back_as_what_it_means(pair):
    text, expected = pair
    try:
        g, _ = parse_graph(f"params: a, b, c\nC = {text} + a\n")
    except E.GraphSyntaxError as e:  # dividing by zero is rejected, never mis-read
        assert "division by zero" in str(e) or "undefined" in str(e)
        return
    except E.GraphSizeError as e:  # exp(exp(13)): a constant past the bound, said so
        assert "beyond" in str(e)
        return
    assert g.cost.expr == expected + NAMES[0]

"""Property-based fuzzing of `derive --check`: random and mutated inputs never
raise out of the checker (only CheckInputError, the typed exit-2 error) and
every run ends within its time budget."""
import time

from check_support import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.check.checker import check_text
from derive.check.limits import LIMITS, CheckInputError
from derive.model.network import Network

NET = Network("2-2-1", activation="relu,sigmoid")
STEP_SECONDS = 0.5
# the per-step budget bounds each step; a whole run adds parsing and extraction
RUN_BUDGET = 20.0

TOKENS = [r"\frac", "{", "}", "(", ")", "[", "]", "^", "_", "'", "=", "&=", r"\\", "&&", "+", "-",
          r"\cdot", "*", "/", r"\partial", r"\sigma", r"\delta", r"\sum", r"\nabla", r"\odot", r"\top",
          r"\left(", r"\right)", r"\text{x}", "a", "z", "w", "b", "x", "y", "C", "l", "j", "k", "L",
          "1", "2", "9", "0.5", "e", r"\exp", r"\ln", r"\hat{y}", "f(x)", "$$", "$", r"\[", r"\]",
          r"\begin{align*}", r"\end{align*}", r"\newcommand\d{\partial}", r"\d", " ", "\n", "|", "||",
          r"\over", r"\Delta", r"\theta", r"\eta", "**", "sum_k", "delta_j^l", "dC/dw2", "relu",
          # issue 11's hostile pieces: pieces far away, tiny constants, unclosed groups, macros
          r"\max(0, x - 100)", r"\begin{cases}", r"\end{cases}", "&", "10^{-40}", "e^{-1000}",
          r"\sigma(1000)", "^{-51}", "^{64}", r"\text{", r"\def\q{", r"\q", "%", r"\let\a=\b"]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*"))]


def _check(text, kind):
    start = time.monotonic()
    try:
        report = check_text(text, NET, "nielsen", kind=kind, step_seconds=STEP_SECONDS)
    except CheckInputError:
        return
    finally:
        assert time.monotonic() - start < RUN_BUDGET
    for v in report.verdicts:
        assert v.status in ("correct", "wrong", "unknown", "unparsed")
        assert v.code != "internal_error", (v.source, v.params)
    report.to_json()
    report.render_text()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from(["md", "tex", "txt"]))
def test_random_token_soup(tokens, kind):
    _check("$$" + "".join(tokens) + "$$" if kind != "txt" else "".join(tokens), kind)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8),
                                                  st.text(max_size=4)), max_size=6))
def test_mutated_fixtures(text, edits):
    for pos, cut, insert in edits:
        pos = pos % (len(text) + 1)
        text = text[:pos] + insert + text[pos + cut:]
    _check(text[:3000], "md")


def test_budget_constant_is_what_limits_say():
    assert LIMITS.step_seconds >= STEP_SECONDS


# -- never wrong on an equality that holds: a random expression against its own reprint ------------

ATOMS = [r"a^{(2)}", r"a^{(3)}", r"z^{(2)}", r"w^{(3)}", r"b^{(2)}", r"\delta^{(3)}", r"\eta", "2",
         r"\frac12", r"\hat{y}", "f(x)", r"\delta^l_j", r"w^{l}_{jk}", r"a^{l-1}_k"]
EXPR = st.recursive(st.sampled_from(ATOMS), lambda ch: st.one_of(
    st.tuples(ch, st.sampled_from(["+", "-", r"\cdot", " "]), ch).map(" ".join),
    ch.map(lambda e: f"\\sigma({e})"), ch.map(lambda e: f"\\sigma'({e})"), ch.map(lambda e: f"({e})^2"),
    ch.map(lambda e: f"\\exp(-{e})"), st.tuples(ch, ch).map(lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}"),
    ch.map(lambda e: f"\\frac{{\\partial ({e})}}{{\\partial w^{{(3)}}}}")), max_leaves=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPR, st.booleans())
def test_an_expression_equals_its_reprint(text, expand):
    import sympy as sp

    from derive.check.read.text import Source
    from derive.check.judge.verify import Checker
    from derive.model.notation import get_notation
    from derive.render.printing import tex

    net, nt = Network("1-1-1", activation="relu,sigmoid"), get_notation("nielsen")
    side = Checker(net, nt).parse(Source(text).whole(), "latex")
    if side.error is not None:
        return
    printed = tex(sp.expand(side.expr) if expand else side.expr, nt)
    report = check_text(f"$${text} = {printed}$$", net, nt, kind="md", step_seconds=STEP_SECONDS)
    assert "wrong" not in [v.status for v in report.verdicts], (text, printed)


# -- never correct on a line that is not an identity: the right answer plus junk (issue 11) --------

RIGHT = r"\frac{\partial C}{\partial w^{(3)}} = (a^{(3)} - y) a^{(3)} (1 - a^{(3)}) a^{(2)}"
VARIABLES = ["x", "w^{(3)}", "b^{(2)}", "x^{2}", "w^{(2)} x"]
# each is nonzero somewhere (x, w and b range over all reals), so adding it breaks the identity
JUNK = st.one_of(
    st.integers(1, 64).map(lambda k: f"+ 10^{{-{k}}}"),
    st.integers(1, 64).map(lambda k: f"+ \\frac{{1}}{{10^{{{k}}}}}"),
    st.integers(200, 5000).map(lambda m: f"+ e^{{-{m}}}"),
    st.integers(200, 5000).map(lambda m: f"+ \\sigma(-{m})"),
    st.integers(200, 5000).map(lambda m: f"\\cdot \\sigma({m})"),
    st.tuples(st.sampled_from(VARIABLES), st.integers(3, 10 ** 6)).map(
        lambda vt: f"+ \\max(0, {vt[0]} - {vt[1]})"),
    st.tuples(st.sampled_from(VARIABLES), st.integers(3, 10 ** 6), st.integers(1, 9)).map(
        lambda t: f"+ \\begin{{cases}} {t[2]} & {t[0]} > {t[1]} \\\\ 0 & \\text{{otherwise}} \\end{{cases}}"),
)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(JUNK)
def test_the_right_answer_plus_junk_is_never_correct(junk):
    start = time.monotonic()
    report = check_text(f"$${RIGHT} {junk}$$", Network("1-1-1"), "nielsen")
    assert time.monotonic() - start < RUN_BUDGET
    v = report.verdicts[0]
    assert v.status in ("wrong", "unknown"), (junk, v.status, v.code)

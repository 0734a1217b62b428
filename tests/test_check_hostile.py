"""The hostile inputs of issue 11 against `derive --check`: a ✓ that can be trusted,
and every file decided in bounded time with one clear line on error.

The small reproducers are copied into tests/fixtures/hostile/; the large ones are
generated here, as ../shared/hostile/bombs/gen_bombs.py made them.  What makes each
line of false_correct.md wrong is arithmetic, not the checker: ``max(0, x - 100)`` is
1 at x = 101, ``10^{-40}`` is not 0, and σ(1000) < 1.
"""
import subprocess
import sys
import time
from pathlib import Path

import pytest
from check_support import by_line, no_internal_errors

from derive.check.checker import check_file, check_text
from derive.check.limits import LIMITS, CheckInputError
from derive.model.network import Network

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
NET = Network("1-1-1")
BOUND = 20.0  # seconds: a generous wall-clock bound for a case that once hung
L = r"\frac{\partial C}{\partial w^{(3)}} = "
RIGHT = r"(a^{(3)} - y) a^{(3)} (1 - a^{(3)}) a^{(2)}"


def derive(*args, timeout=60):
    start = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True,
                       timeout=timeout)
    return p, time.monotonic() - start


# -- §2: a ✓ is a proof -------------------------------------------------------------------------

def test_no_line_of_false_correct_is_called_correct_but_the_two_identities():
    report = check_file(HOSTILE / "false_correct.md", NET, "nielsen")
    no_internal_errors(report)
    lines = by_line(report)
    identities = {2, 12}  # the right answer, and it plus max(0, b + 20) − max(0, b + 20)
    for line in identities:
        assert lines[line][0].status == "correct", lines[line][0]
    for line, vs in lines.items():
        if line not in identities:
            assert vs[0].status in ("wrong", "unknown"), (line, vs[0].source)
    # the pieces the points missed are found beyond their breakpoints, and shown wrong
    for line in (4, 8, 9, 13):
        assert lines[line][0].status == "wrong", (line, lines[line][0].code)


@pytest.mark.parametrize("junk, code", [
    (r"+ e^{-1000}", "negligible_term"),
    (r"+ \sigma(-1000)", "negligible_term"),
    (r"+ \frac{1}{10^{64}} x", "extreme_constant"),
    (r"\cdot \sigma(1000)", "saturated"),
    (r"+ e^{-1000} x", "negligible_term"),
])
def test_a_term_below_the_tolerance_is_unknown_with_the_reason(junk, code):
    v = check_text(f"$${L}{RIGHT} {junk}$$", NET, "nielsen").verdicts[0]
    assert (v.status, v.code) == ("unknown", code), v
    assert "term" in v.params


@pytest.mark.parametrize("junk, power", [(r"+ 10^{-40}", 40), (r"+ \frac{1}{10^{64}}", 64)])
def test_the_right_answer_plus_a_tiny_constant_is_wrong_by_that_constant(junk, power):
    import sympy as sp

    v = check_text(f"$${L}{RIGHT} {junk}$$", NET, "nielsen").verdicts[0]
    assert (v.status, v.code) == ("wrong", "off_by_constant"), v
    assert v.params["constant"] == sp.Rational(1, 10 ** power)


def test_a_small_constant_the_points_can_see_is_not_correct():
    for junk in (r"+ 10^{-40}", r"(1 + 10^{-35})"):
        v = check_text(f"$${L}{RIGHT} {junk}$$", NET, "nielsen").verdicts[0]
        assert v.status != "correct", (junk, v.code)


def test_a_piece_beyond_the_points_is_wrong_with_a_witness_beyond_its_breakpoint():
    v = check_text(f"$${L}{RIGHT} + \\max(0, x - 100)$$", NET, "nielsen").verdicts[0]
    assert v.status == "wrong"
    x = dict((str(k), val) for k, val in v.params["witness"])["x:0[0]"]
    assert x > 100


def test_cases_nonzero_only_far_away_is_wrong():
    text = f"$${L}{RIGHT} + \\begin{{cases}} 1 & x > 100 \\\\ 0 & \\text{{otherwise}} \\end{{cases}}$$"
    assert check_text(text, NET, "nielsen").verdicts[0].status == "wrong"


def test_identities_with_pieces_stay_correct():
    """Never call a correct line wrong: pieces that cancel, or hold on both sides."""
    for rhs in (RIGHT + r" + \max(0, x - 100) - \max(0, x - 100)",
                RIGHT + r" + |x - 5| - |x - 5|",
                RIGHT + r" + \max(0, x - 3) - \max(0, 3 - x) - x + 3"):
        v = check_text(f"$${L}{rhs}$$", NET, "nielsen").verdicts[0]
        assert v.status == "correct", (rhs, v.code, v.params)


def test_relu_steps_stay_correct_on_both_sides_of_the_kink():
    net = Network("1-1-1", activation="relu,sigmoid")
    text = (r"$$\frac{\partial C}{\partial w^{(2)}} = (a^{(3)} - y) a^{(3)} (1 - a^{(3)}) w^{(3)} "
            r"\operatorname{ReLU}'(z^{(2)}) x$$")
    assert check_text(text, net, "nielsen").verdicts[0].status == "correct"


@pytest.mark.parametrize("name, strict", [("only_wrong.md", True), ("only_wrong.md", False),
                                          ("false_correct.md", False), ("relu_missing.md", False)])
def test_derive_check_does_not_exit_0_on_wrong_lines(name, strict):
    p, _ = derive("--check", str(HOSTILE / name), *(["--strict"] if strict else []))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Traceback" not in p.stderr


# -- §3: bounded time and memory ------------------------------------------------------------------

HANGS = ["h1.txt", "h2.txt", "h3.txt", "h3_latex.md", "h4.txt", "h5.txt", "hang-check-2866.txt"]


@pytest.mark.parametrize("name", HANGS)
def test_a_file_that_once_hung_ends_with_a_verdict(name):
    args = ["--layers", "1-1-1", "--cost", "squared-error"] if name.startswith("hang") else []
    p, wall = derive(*args, "--check", str(HOSTILE / name))
    assert wall < BOUND, wall
    assert p.returncode in (0, 1), p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip() == ""
    assert "unknown" in p.stdout or "correct" in p.stdout


def _bombs():
    """The extraction and size bombs of gen_bombs.py (the ones that took 30 s to 90 s)."""
    return {
        "comments.tex": r"\begin{align*}C = 1\end{align*}" + "\n" + "%\n" * 490000,
        "unclosed_text.md": "$$" + L + r"\text{" * 150000 + "$$\n",
        "unclosed_def.tex": r"\def\a{" * 120000 + "\n$C = 1$\n",
        "unclosed_brackets.tex": "$C=1$\n" + r"\[" * 490000,
        "unclosed_begin.tex": "$C=1$\n" + r"\begin{align}" * 70000,
        "many_let.tex": "$C=1$\n" + r"\let\a=\b" * 100000,
        "many_defs.tex": "".join(r"\def\m%s{x}" % chr(97 + i % 26) for i in range(60000))
                         + "\n$C = 1$\n",
        "macro_double.tex": "".join(r"\def\m%s{\m%s\m%s}" % (chr(97 + i), chr(98 + i), chr(98 + i))
                                    for i in range(20)) + r"\def\mu{x}" + "\n$$" + L + r"\ma$$" + "\n",
        "dollars.md": "$" * 999_000,
        "dollars_pairs.md": "$C=1$ " * 150000,
        "equals.md": "$$" + L + "=" * 990000 + "$$\n",
        "equals_txt.txt": "C " + "= 1 " * 240000 + "\n",
        "rows.md": r"\begin{align*}" + L + "a^{(2)}" + r"\\ &= a^{(2)}" * 70000 + r"\end{align*}" + "\n",
        "many_steps_md.md": r"\begin{align*}" + L + RIGHT + (r"\\ &= " + RIGHT + r" + 0 \cdot x") * 3000
                            + r"\end{align*}" + "\n",
        "lines100k_short.txt": "C = 1\n" * 100000,
        "lines100k.txt": "dC/dw3 = (a3 - y)*a3*(1-a3)*a2\n" * 30000,
        # sizes of numbers, powers, nesting and matrices
        "tower.md": "$$" + L + "2^{2^{2^{2^{99}}}}$$\n",
        "tower_ascii.txt": "dC/dw3 = 2^2^2^2^99\n",
        "pow10.md": "$$" + L + "10^{10^{10}}$$\n",
        "fact.md": "$$" + L + "99999!$$\n",
        "bigint.txt": "dC/dw3 = " + "9" * 999_000 + "\n",
        "parens.txt": "dC/dw3 = " + "(" * 10000 + "x" + ")" * 10000 + "\n",
        "braces.md": "$$" + L + "{" * 10000 + "x" + "}" * 10000 + "$$\n",
        "frac_nest.md": "$$" + L + r"\frac{1}{" * 5000 + "x" + "}" * 5000 + "$$\n",
        "line1mb.md": "$$" + L + " + ".join(["a^{(2)}"] * 100000)[:999_000] + "$$\n",
        "sum_indices.md": "$$" + L + r"\sum_{i=1}^{1000000000} a^{(2)}$$" + "\n",
        "sum_nest.md": "$$" + L + r"\sum_j \sum_k \sum_i \sum_m " * 10 + r"w_{jk}^{(l)} a_k^{(l-1)}$$",
        "exp_chain.md": "$$" + L + r"e^{e^{e^{e^{e^{e^{e^{e^{x}}}}}}}}" + "$$\n",
        "exp_big.md": "$$" + L + r"e^{100000000 x}" + "$$\n",
        "pow_of_pow.md": "$$" + L + r"((((x^{64})^{64})^{64})^{64})^{64}" + "$$\n",
        "pow_decimal.md": "$$" + L + r"x^{63.9999999999999999999999999}" + "$$\n",
        "matrix_big.md": "$$" + L + r"\begin{bmatrix}" + r"\\".join(["&".join(["x"] * 300)] * 300)
                         + r"\end{bmatrix}" + "$$\n",
        "long_sum.md": "$$" + L + "+".join(["x^{64}"] * 500) + "$$\n",
        "many_frac.md": "$$" + L + "".join([r"\frac{\partial a^{(3)}}{\partial z^{(3)}}"] * 199) + "$$\n",
        "sci.txt": "dC/dw3 = 1e999999999\n",
        "sci2.txt": "dC/dw3 = 1e-999999999 * x\n",
    }


@pytest.mark.parametrize("name", sorted(_bombs()))
def test_a_bomb_is_decided_in_bounded_time_and_steps(tmp_path, name):
    path = tmp_path / name
    path.write_text(_bombs()[name], encoding="utf-8", newline="")
    start = time.monotonic()
    try:
        report = check_file(path, NET, "nielsen")
    except CheckInputError as e:
        assert "\n" not in str(e)
        report = None
    assert time.monotonic() - start < BOUND
    if report is not None:
        assert len(report.verdicts) <= LIMITS.max_steps  # steps are counted, not chains
        no_internal_errors(report)


def test_a_macro_that_expands_to_gigabytes_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "macro_blowup.tex"
    path.write_text(r"\def\q{" + "a^{(2)}" * 70000 + "}\n$$" + L + r"\q" * 200000 + "$$\n",
                    encoding="utf-8")
    p, wall = derive("--check", str(path))
    assert wall < BOUND
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "expand" in p.stderr


def test_the_file_budget_is_30_s_by_default_and_time_limit_changes_it(tmp_path):
    assert LIMITS.file_seconds <= 30
    # distinct steps, so that nothing is decided twice
    text = "".join(f"$${L}{RIGHT} + {k} x - {k} x + w^{{(2)}}$$\n" for k in range(1, 400))
    path = tmp_path / "long.md"
    path.write_text(text, encoding="utf-8")
    p, wall = derive("--check", str(path), "--time-limit", "1", "--format", "json")
    assert p.returncode in (0, 1), p.stderr
    assert '"file_budget"' not in p.stdout  # (codes are not in JSON: the message is)
    assert "time budget for the whole file ran out" in p.stdout
    assert wall < BOUND


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_a_bad_time_limit_is_one_line_and_exit_2(value):
    p, _ = derive("--check", str(HOSTILE / "only_wrong.md"), "--time-limit", value)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "--time-limit" in p.stderr

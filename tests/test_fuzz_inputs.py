"""Property-based fuzzing of --graph files and --values through the command:
random well-formed-ish inputs (tests/fuzz_inputs.py) never escape as a
traceback, exit 0 or 2, and an exit 2 is exactly one line on stderr.  Plus the
mpmath walker that computes graph numbers against sympy's own evaluation."""
import random
import time

import mpmath
import sympy as sp
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from derive.command.cli import cli
from fuzz_inputs import OPTIONS, expression, graph_file, graph_values, values_case

# the input is a seed for tests/fuzz_inputs.py, so shrinking it means nothing (and took minutes)
BUDGET = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.reuse, Phase.generate])
SECONDS = 20.0


def _clean(args):
    start = time.monotonic()
    result = CliRunner().invoke(cli, args)
    assert time.monotonic() - start < SECONDS, args
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), (args, repr(exc))
    assert result.exit_code in (0, 2), (args, result.exit_code, result.stderr)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("derive: error: "), (args, result.stderr)
    return result


@BUDGET
@given(st.integers(0, 2**32), st.sampled_from(OPTIONS), st.booleans())
def test_random_graph_files(tmp_path_factory, seed, options, with_values):
    rng = random.Random(seed)
    text, leaves = graph_file(rng)
    path = tmp_path_factory.mktemp("g") / "in.graph"
    path.write_text(text, encoding="utf-8")
    if with_values:
        options = [o for o in options if o != "--random-values"] + ["--values", graph_values(rng, leaves)]
    _clean(["--graph", str(path), *options])


@BUDGET
@given(st.integers(0, 2**32))
def test_random_values(seed):
    net, text, extra = values_case(random.Random(seed))
    _clean([*net, "--values", text, *extra])


# -- the walker against sympy -------------------------------------------------------------

@BUDGET
@given(st.integers(0, 2**32))
def test_mpeval_agrees_with_sympy(seed):
    """Where sympy gives a finite real number, the walker gives the same one
    (or refuses with a NumberError where it is beyond its bounds)."""
    from derive.errors import NumberError
    from derive.model.functions import concrete
    from derive.model.graphspec import parse_graph
    from derive.model.mpeval import evaluate

    rng = random.Random(seed)
    names = ["w", "x"]
    text = f"params: w\ninput: x\nC = {expression(rng, names, depth=3)} + w\n"
    try:
        graph, _ = parse_graph(text)
    except Exception:  # a right-hand side the grammar refuses is not this test's business
        return
    expr = graph.cost.expr
    point = {sp.Symbol("w"): sp.Rational(rng.randint(-20, 20), 10),
             sp.Symbol("x"): sp.Rational(rng.randint(-20, 20), 10)}
    try:
        want = concrete(expr).xreplace(point).evalf(30)
        if not (want.is_real and want.is_finite and want.is_Float) or abs(want) > 1e200:
            return
    except (OverflowError, RecursionError, TypeError, ValueError, KeyError):  # sympy's own limits (and a KeyError inside its Piecewise)
        return
    with mpmath.workdps(40):
        try:
            have = evaluate(expr, {k: mpmath.mpf(v.p) / v.q for k, v in point.items()}, "C")
        except NumberError:
            return
        assert abs(have - mpmath.mpf(str(want))) <= 1e-25 * max(1, abs(have)), (text, point, have, want)

"""A long fuzz run across --check, --graph and --values, in one process.

    python benchmarks/fuzz_long.py 20000            # 20 000 inputs, a third of each kind
    python benchmarks/fuzz_long.py 300 --seed 7 --limit 10

Counts, per kind: inputs, how many ran to exit 0 (so a run that only meets
syntax errors shows), tracebacks (any exception other than a DeriveError,
or an exit status other than 0 and 2), hangs (an input still running after
--limit seconds of CPU time, stopped by SIGPROF: the checker's own step limits
use SIGALRM, so the outer limit needs another timer), and false ✓: --check lines built to be
wrong (a correct gradient plus a nonzero term, or times a factor ≠ 1) that the
checker marks correct.  Correct lines marked wrong are counted too (false ✗),
as the checker promises never to call a correct line wrong.  Prints a summary
table and the first few failures with the seed to replay them; exits 1 if any
traceback, hang or false ✓ was seen.  Inputs come from tests/fuzz_inputs.py,
the same generators the CI fuzz tests use.
"""
import argparse
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from click.testing import CliRunner  # noqa: E402

from derive.check.checker import check_text  # noqa: E402
from derive.command.cli import cli  # noqa: E402
from derive.errors import DeriveError  # noqa: E402
from derive.model.network import Network  # noqa: E402
from fuzz_inputs import OPTIONS, graph_file, graph_values, values_case  # noqa: E402

NET = Network("1-1-1")  # sigmoid, quadratic: the gradients below are its right answers

# (LaTeX lhs, LaTeX rhs, ASCII lhs, ASCII rhs) of every correct gradient of NET
RIGHT = [
    (r"\frac{\partial C}{\partial w^{(3)}}", r"(a^{(3)} - y) a^{(3)} (1 - a^{(3)}) a^{(2)}",
     "dC/dw3", "(a3 - y)*a3*(1 - a3)*a2"),
    (r"\frac{\partial C}{\partial b^{(3)}}", r"(a^{(3)} - y) a^{(3)} (1 - a^{(3)})",
     "dC/db3", "(a3 - y)*a3*(1 - a3)"),
    (r"\frac{\partial C}{\partial w^{(2)}}", r"(a^{(3)} - y) a^{(3)} (1 - a^{(3)}) w^{(3)} a^{(2)} (1 - a^{(2)}) x",
     "dC/dw2", "(a3 - y)*a3*(1 - a3)*w3*a2*(1 - a2)*x"),
    (r"\frac{\partial C}{\partial b^{(2)}}", r"(a^{(3)} - y) a^{(3)} (1 - a^{(3)}) w^{(3)} a^{(2)} (1 - a^{(2)})",
     "dC/db2", "(a3 - y)*a3*(1 - a3)*w3*a2*(1 - a2)"),
]
# nonzero terms a student might add, (LaTeX, ASCII); many are tiny or nonzero only somewhere
EXTRA = [(r"10^{-40}", "1e-40"), (r"\max(0, x - 100)", "max(0, x - 100)"), (r"e^{-1000}", "exp(-1000)"),
         (r"\sigma(-1000)", "sigmoid(-1000)"), (r"\frac{1}{10^{64}}", "1/10^64"), ("0.001", "0.001"),
         ("x", "x"), (r"w^{(2)} w^{(3)}", "w2*w3"), (r"\frac{1}{2}", "1/2"), (r"y^{2}", "y^2"),
         (r"\begin{cases} 5 & x > 10 \\ 0 & \text{otherwise} \end{cases}", None),
         (r"\max(0, b^{(2)} - 50)", "max(0, b2 - 50)"), (r"10^{-12} a^{(2)}", "1e-12*a2"),
         (r"\sigma(z^{(2)} - 80)", "sigmoid(z2 - 80)")]
FACTORS = [(r"(1 + 10^{-35})", "(1 + 1e-35)"), (r"\sigma(1000)", "sigmoid(1000)"), ("2", "2"),
           (r"(1 + e^{-200})", "(1 + exp(-200))"), (r"a^{(2)}", "a2")]
SOUP = [r"\frac", "{", "}", "(", ")", "^", "_", "=", r"\\", "+", "-", r"\cdot", "*", "/", r"\partial",
        r"\sigma", r"\delta", r"\sum", "a", "z", "w", "b", "x", "y", "C", "1", "2", "0.5", "e", r"\exp",
        r"\ln", "^{(2)}", "^{(3)}", "sigma'", "dC/dw3", "relu", r"\max", r"\begin{cases}", "&", " ", "\n"]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def check_case(rng):
    """(text, kind, expectation): 'wrong' lines must not be marked correct."""
    latex = rng.random() < 0.6
    lhs_t, rhs_t, lhs_a, rhs_a = rng.choice(RIGHT)
    lhs, rhs = (lhs_t, rhs_t) if latex else (lhs_a, rhs_a)
    roll = rng.random()
    if roll < 0.45:
        extras = [e for e in EXTRA if e[0 if latex else 1] is not None]
        term = rng.choice(extras)[0 if latex else 1]
        sign = rng.choice(["+", "-"])
        rhs, expect = (f"{rhs} {sign} {term}" if rng.random() < 0.7 else f"{term} {sign} {rhs}"), "wrong"
    elif roll < 0.65:
        f = rng.choice(FACTORS)[0 if latex else 1]
        rhs, expect = (f"{f} {rhs}" if latex else f"{f}*({rhs})"), "wrong"
    elif roll < 0.8:
        expect = "right"
    else:
        rhs = "".join(rng.choice(SOUP) for _ in range(rng.randint(1, 25)))
        expect = "any"
    if latex:
        return f"$${lhs} = {rhs}$$\n", "md", expect
    return f"{lhs} = {rhs}\n", "txt", expect


def run_check(rng, stats):
    text, kind, expect = check_case(rng)
    try:
        report = check_text(text, NET, "nielsen", kind=kind)
    except DeriveError:
        return None
    statuses = [v.status for v in report.verdicts]
    stats["exit 0"] += report.exit_code(False) == 0
    if expect == "wrong" and "correct" in statuses:
        stats["false ✓"] += 1
        return f"false ✓: {text.strip()}"
    if expect == "right" and "wrong" in statuses:
        stats["false ✗"] += 1
        return f"false ✗: {text.strip()}"
    return None


def _invoke(args, stats):
    result = CliRunner().invoke(cli, args)
    stats["exit 0"] += result.exit_code == 0
    exc = result.exception
    if isinstance(exc, Hang):
        raise exc
    if exc is not None and not isinstance(exc, SystemExit):
        return f"{type(exc).__name__}: {exc}"[:200]
    if result.exit_code not in (0, 2):
        return f"exit {result.exit_code}: {result.stderr.strip()[-200:]}"
    if result.exit_code == 2 and len(result.stderr.strip().splitlines()) != 1:
        return f"exit 2 without exactly one line: {result.stderr.strip()[:200]}"
    return None


def run_graph(rng, stats, folder):
    text, leaves = graph_file(rng)
    path = Path(folder) / "in.graph"
    path.write_text(text, encoding="utf-8")
    options = list(rng.choice(OPTIONS))
    if rng.random() < 0.4:
        options = [o for o in options if o != "--random-values"] + ["--values", graph_values(rng, leaves)]
    problem = _invoke(["--graph", str(path), *options], stats)
    return None if problem is None else f"{problem} | {options} | {text!r}"


def run_values(rng, stats, folder):
    net, text, extra = values_case(rng)
    problem = _invoke([*net, "--values", text, *extra], stats)
    return None if problem is None else f"{problem} | {net + extra} | --values {text!r}"


KINDS = {"check": run_check, "graph": run_graph, "values": run_values}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", type=int, nargs="?", default=300, help="total number of inputs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=float, default=10.0, help="CPU seconds per input before it counts as a hang")
    ap.add_argument("--kinds", default="check,graph,values")
    ap.add_argument("--show", type=int, default=10, help="failures to print")
    args = ap.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    stats = {k: {"inputs": 0, "exit 0": 0, "tracebacks": 0, "hangs": 0, "false ✓": 0, "false ✗": 0, "seconds": 0.0,
                 "slowest": 0.0} for k in kinds}
    failures = []
    signal.signal(signal.SIGPROF, _alarm)
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.inputs):
            kind = kinds[i % len(kinds)]
            seed = args.seed * 1_000_003 + i
            rng, s = random.Random(seed), stats[kind]
            s["inputs"] += 1
            start = time.monotonic()
            signal.setitimer(signal.ITIMER_PROF, args.limit)
            try:
                problem = KINDS[kind](rng, s, folder) if kind != "check" else run_check(rng, s)
                if problem is not None and not problem.startswith("false"):
                    s["tracebacks"] += 1
            except Hang:
                s["hangs"] += 1
                problem = f"hang (> {args.limit:g} s)"
            except Exception as e:  # noqa: BLE001 - counting these is the point
                s["tracebacks"] += 1
                problem = f"{type(e).__name__}: {e}"[:200]
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            took = time.monotonic() - start
            s["seconds"] += took
            s["slowest"] = max(s["slowest"], took)
            if problem is not None:
                failures.append(f"[{kind} seed={seed}] {problem}")
            if (i + 1) % 500 == 0:
                print(f"... {i + 1} inputs", file=sys.stderr, flush=True)
    cols = ["inputs", "exit 0", "tracebacks", "hangs", "false ✓", "false ✗", "seconds", "slowest"]
    print(f"{'kind':<8}" + "".join(f"{c:>12}" for c in cols))
    total = {c: 0 for c in cols}
    for kind, s in stats.items():
        print(f"{kind:<8}" + "".join(f"{s[c]:>12.1f}" if isinstance(s[c], float) else f"{s[c]:>12}"
                                    for c in cols))
        for c in cols:
            total[c] = max(total[c], s[c]) if c == "slowest" else total[c] + s[c]
    print(f"{'all':<8}" + "".join(f"{total[c]:>12.1f}" if isinstance(total[c], float)
                                 else f"{total[c]:>12}" for c in cols))
    for f in failures[:args.show]:
        print(f)
    bad = total["tracebacks"] + total["hangs"] + total["false ✓"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks: derive's commands against the import floor and against the
naive approach (sympy.diff of the fully composed cost), as a Markdown table.

    python benchmarks/bench.py            # full table (a few minutes)
    python benchmarks/bench.py --quick    # fewer repeats, no 1000-layer run

Every number is the median wall time of whole processes, so start-up counts.
The naive runs are separate processes with a time limit; 'overflow' means
Python's recursion limit was hit, as sympy recurses through the composed cost.
"""
import statistics
import subprocess
import sys
import time

PY = sys.executable
FLOOR = [PY, "-c", "import sympy, jinja2, click"]
NAIVE_LIMIT = 60  # seconds per naive run

NAIVE = r"""
import sys, sympy as sp
widths = [int(w) for w in sys.argv[1].split('-')]
x = sp.symbols('x0:%d' % widths[0]); a = list(x); params = []
for l in range(1, len(widths)):
    W = [[sp.Symbol('w%d_%d_%d' % (l, j, k)) for k in range(widths[l - 1])] for j in range(widths[l])]
    b = [sp.Symbol('b%d_%d' % (l, j)) for j in range(widths[l])]
    params += [w for row in W for w in row] + b
    a = [1 / (1 + sp.exp(-(sum(W[j][k] * a[k] for k in range(len(a))) + b[j]))) for j in range(widths[l])]
y = sp.symbols('y0:%d' % widths[-1])
C = sum((ai - yi) ** 2 for ai, yi in zip(a, y)) / 2
for p in params:
    sp.latex(sp.diff(C, p))
"""


def chain(n_layers):
    return "-".join(["1"] * (n_layers + 1))


def timed(cmd, repeats, limit=None):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            return f"> {limit} s"
        if proc.returncode != 0:
            return "overflow" if "RecursionError" in proc.stderr else "failed"
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def derive_cmd(layers):
    return [PY, "-c", "import cli; cli.main()", "--layers", layers]


def fmt(v):
    return f"{v:.2f} s" if isinstance(v, float) else v


def main(argv):
    quick = "--quick" in argv
    reps = 3 if quick else 7
    floor = timed(FLOOR, reps)
    rows = [("`python -c \"import sympy, jinja2, click\"` (floor)", floor, "", "", "")]
    cases = [("headline `--layers 1-1-1`", "1-1-1", 1.3),
             ("50-layer chain", chain(50), 4.0),
             ("`--layers 784-30-10`", "784-30-10", 4.0)]
    for name, layers, target in cases:
        t = timed(derive_cmd(layers), reps)
        naive = timed([PY, "-c", NAIVE, layers], 1, NAIVE_LIMIT)
        rows.append((name, t, f"{t / floor:.2f}× (target ≤ {target}×)", naive, ""))
    depths = [100, 200, 400] + ([] if quick else [1000])
    per_layer = []
    for depth in depths:
        t = timed(derive_cmd(chain(depth)), 1 if depth >= 400 else 3)
        per_layer.append((t - floor) / depth)
        naive = timed([PY, "-c", NAIVE, chain(depth)], 1, NAIVE_LIMIT) if depth == 100 else "not run"
        rows.append((f"{depth}-layer chain", t, f"{(t - floor) / depth * 1000:.1f} ms per layer",
                     naive, ""))
    for depth in (10, 20, 40):
        rows.append((f"naive only: {depth}-layer chain", "", "",
                     timed([PY, "-c", NAIVE, chain(depth)], 1, NAIVE_LIMIT), ""))
    print("| case | derive (median) | ratio / note | naive sympy.diff |")
    print("|---|---|---|---|")
    for name, t, note, naive, _ in rows:
        print(f"| {name} | {fmt(t)} | {note} | {fmt(naive)} |")
    spread = max(per_layer) / min(per_layer)
    print(f"\nper-layer cost across depths {depths}: max/min = {spread:.2f} (1.0 = perfectly linear)")


if __name__ == "__main__":
    main(sys.argv[1:])

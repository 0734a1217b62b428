"""How derivation work grows with the size of a --graph file.

For a chain of n tanh units (4n + 3 nodes) and for a residual ladder (every
unit also skips to the next-but-one), print the nodes, the graph nodes
visited while listing chain-rule paths, the steps written and the local
derivatives taken for every δ and every restated gradient, and the time.
The counts grow linearly; the time follows them.

    python benchmarks/graph_bench.py
"""
import sys
import time
from pathlib import Path

from derive import engine as engine_module
from derive.engine.chain import Engine
from derive.model.graphspec import parse_graph

# the graphs whose linear growth tests/test_graphspec.py proves; this script prints the table
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_graphspec import chain_text as chain  # noqa: E402


def measure(text):
    start = time.perf_counter()
    g, _ = parse_graph(text)
    engine = Engine(g)
    visited = []
    real = engine_module.paths_up

    def counting(node, stop):
        paths = real(node, stop)
        visited.append(sum(len(p) for p in paths))
        return paths

    engine_module.paths_up = counting
    try:
        steps = sum(len(engine.delta(n).steps) for n in g.named_deltas())
        steps += sum(len(engine.restated(p).steps) for p in g.params)
    finally:
        engine_module.paths_up = real
    local = sum(len(n.locals) for n in g.nodes)
    return len(g.nodes), sum(visited), steps, local, time.perf_counter() - start


def main():
    print(f"{'graph':<10} {'n':>5} {'nodes':>6} {'visited':>8} {'steps':>6} {'locals':>7} {'seconds':>8}")
    for skip in (False, True):
        for n in (15, 30, 60, 120):  # 120 units is 363 statements; files allow 500
            nodes, visited, steps, local, seconds = measure(chain(n, skip))
            name = "residual" if skip else "chain"
            print(f"{name:<10} {n:>5} {nodes:>6} {visited:>8} {steps:>6} {local:>7} {seconds:>8.2f}")


if __name__ == "__main__":
    main()

"""What reading a derivation in its author's own notation costs: the re-judging passes.

A chain step that the first pass leaves open may be judged again: on two units per
layer (``judge.widen``, for matrix lines), with any loss in place of an undefined
letter (``judge.anycost``), with undefined functions as free slopes
(``judge.generic``), and with a stand-in's dependence opened up (``judge.opaque``).
Each pass runs only when the first verdict calls for it.  This benchmark checks
every fixture of ``tests/fixtures/check`` as a stranger would (no options: the
document's own network, or the assumed one) and measures, per file, the whole check
and the part of it spent inside those passes.  A pass called from inside another is
counted once, in the outer one.

The naive approach would judge each step once, on one reading; the "first pass"
column is that cost, so the table shows what the extra readings add.

    python benchmarks/recheck_bench.py              # all fixtures
    python benchmarks/recheck_bench.py softmax      # fixtures whose name contains it
"""
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "check"
SUFFIXES = {".md", ".txt", ".ipynb", ".tex"}


class Passes:
    """Wraps each re-judging entry point where its caller looks it up, and adds up the
    time spent in the outermost one."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.calls = defaultdict(int)
        self._depth = 0

    def wrap(self, module, attr, name):
        inner = getattr(module, attr)

        def timed(*args, **kwargs):
            self._depth += 1
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds[name] += time.perf_counter() - t
                    self.calls[name] += 1

        setattr(module, attr, timed)

    def install(self):
        from derive.check import checker
        from derive.check.judge import opaque, verify

        self.wrap(checker, "widened", "widen")
        self.wrap(verify, "reread", "any loss")
        self.wrap(verify, "generic_reread", "free slopes")
        self.wrap(opaque, "retry", "stand-ins")

    def take(self):
        out = dict(self.seconds), dict(self.calls)
        self.seconds.clear()
        self.calls.clear()
        return out


def check(path):
    """(steps, seconds) of ``derive --check PATH`` with no options, in this process."""
    from click.testing import CliRunner

    from derive.command.cli import cli

    t = time.perf_counter()
    result = CliRunner().invoke(cli, ["--check", str(path), "--format", "json"])
    seconds = time.perf_counter() - t
    if result.exit_code not in (0, 1):
        return None, seconds
    return result.output.count('"status"'), seconds


def main(argv):
    passes = Passes()
    passes.install()
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix in SUFFIXES
                   and all(a in p.name for a in argv))
    names = ["widen", "any loss", "free slopes", "stand-ins"]
    print("| fixture | steps | check | first pass | " + " | ".join(names) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(names))
    total = defaultdict(float)
    for path in files:
        steps, seconds = check(path)
        spent, calls = passes.take()
        extra = sum(spent.values())
        total["check"] += seconds
        total["first"] += seconds - extra
        cells = []
        for name in names:
            total[name] += spent.get(name, 0.0)
            cells.append(f"{spent[name]:.2f} s ({calls[name]})" if name in spent else "–")
        shown = "exit 2" if steps is None else str(steps)
        print(f"| {path.name} | {shown} | {seconds:.2f} s | {seconds - extra:.2f} s | "
              + " | ".join(cells) + " |")
    share = 100 * sum(total[n] for n in names) / total["check"] if total["check"] else 0.0
    print(f"| **all {len(files)}** | | {total['check']:.1f} s | {total['first']:.1f} s | "
          + " | ".join(f"{total[n]:.1f} s" for n in names) + " |")
    print(f"\nre-judging passes: {share:.0f}% of the checking time "
          "(calls in brackets; a pass that finds nothing to do returns at once)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

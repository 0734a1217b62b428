"""How long `derive --check` takes on a 50-line hand derivation.

The derivation is written the way students write (tests/fixtures/check in one
file: chains with one factor per line, the four equations with a general l,
an update rule, and planted mistakes whose diagnoses cost extra work).  It is
checked in this process after the imports, so the time is the checking alone
("beyond start-up"); the start-up itself is measured as a separate process.

    python benchmarks/check_bench.py           # prints a small table
    python benchmarks/check_bench.py --assert  # exits 1 above the 1 s budget
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 1.0  # seconds for 50 steps, beyond start-up

CHAINS = r"""
\begin{align*}
f(x) &= a^{(3)} \\ &= \sigma(z^{(3)}) \\ &= \sigma(w^{(3)} a^{(2)} + b^{(3)}) \\
 &= \sigma(w^{(3)} \sigma(z^{(2)}) + b^{(3)}) \\ &= \sigma(w^{(3)} \sigma(w^{(2)} x + b^{(2)}) + b^{(3)})
\end{align*}
\begin{align*}
\frac{\partial C}{\partial w^{(3)}} &= \frac{\partial (y - f(x))^{2}}{\partial (y - f(x))} \frac{\partial (y - f(x))}{\partial w^{(3)}} \\
 &= 2(y - f(x)) \left(0 - \frac{\partial f(x)}{\partial w^{(3)}}\right) \\
 &= -2(y - f(x)) \frac{\partial \sigma(z^{(3)})}{\partial z^{(3)}} \frac{\partial z^{(3)}}{\partial w^{(3)}} \\
 &= -2(y - a^{(3)}) \sigma'(z^{(3)}) a^{(2)} \\
 &= -2(y - a^{(3)}) \sigma(z^{(3)}) (1 - \sigma(z^{(3)})) a^{(2)} \\
 &= -2(y - a^{(3)}) a^{(3)} (1 - a^{(3)}) a^{(2)}
\end{align*}
\begin{align*}
\frac{\partial C}{\partial w^{(2)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) w^{(3)} \sigma'(z^{(2)}) x \\
\frac{\partial C}{\partial b^{(3)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) \\
\frac{\partial C}{\partial b^{(2)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) w^{(3)} \sigma'(z^{(2)}) \\
\delta^{(3)} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) \\
\delta^{(2)} &= \delta^{(3)} w^{(3)} \sigma'(z^{(2)}) \\
\frac{\partial C}{\partial w^{(2)}} &= \delta^{(2)} x \\
\frac{\partial C}{\partial b^{(2)}} &= \delta^{(2)} \\
w^{(2)} &\leftarrow w^{(2)} - \eta \delta^{(2)} x \\
\sigma'(z) &= \sigma(z) (1 - \sigma(z))
\end{align*}
\[\delta^L_j = \frac{\partial C}{\partial a^L_j} \sigma'(z^L_j)\]
\[\delta^l_j = \sum_k \delta^{l+1}_k w^{l+1}_{kj} \sigma'(z^l_j)\]
\[\frac{\partial C}{\partial b^l_j} = \delta^l_j\] \[\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j\]
\[\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)\]
\[\frac{\partial C}{\partial w^l} = \delta^l (a^{l-1})^T\]
"""
MORE = r"""
$$C = (y - a^{(3)})^2$$ $$C = (a^{(3)} - y)^2$$
\[z^l_j = \sum_k w^l_{jk} a^{l-1}_k + b^l_j\] \[a^l_j = \sigma(z^l_j)\]
\[a^l = \sigma(w^l a^{l-1} + b^l)\] \[\delta^l_j = \frac{\partial C}{\partial z^l_j}\]
\begin{align*}
\sigma'(x) &= \frac{e^{-x}}{(1 + e^{-x})^2} \\
 &= \frac{1}{1 + e^{-x}} \cdot \frac{(1 + e^{-x}) - 1}{1 + e^{-x}} \\
 &= \sigma(x) \left(1 - \frac{1}{1 + e^{-x}}\right) \\
 &= \sigma(x) (1 - \sigma(x))
\end{align*}
\begin{align*}
\frac{\partial C}{\partial b^{(3)}} &= \frac{\partial C}{\partial a^{(3)}} \frac{\partial a^{(3)}}{\partial z^{(3)}} \frac{\partial z^{(3)}}{\partial b^{(3)}} \\
 &= -2(y - a^{(3)}) \sigma'(z^{(3)}) \cdot 1 \\
 &= 2(a^{(3)} - y) a^{(3)} (1 - a^{(3)})
\end{align*}
\begin{align*}
\frac{\partial C}{\partial a^{(2)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) w^{(3)} \\
\frac{\partial C}{\partial z^{(2)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) w^{(3)} \sigma'(z^{(2)}) \\
\Delta w^{(3)} &= -\eta \delta^{(3)} a^{(2)} \\
b^{(3)} &\leftarrow b^{(3)} - \eta \delta^{(3)} \\
\frac{\partial z^{(3)}}{\partial a^{(2)}} &= w^{(3)}
\end{align*}
"""
MISTAKES = r"""
\begin{align*}
\frac{\partial C}{\partial w^{(3)}} &= -2(y - a^{(3)}) (\sigma(z^{(3)}) - (1 - \sigma(z^{(3)}))) a^{(2)} \\
\frac{\partial C}{\partial w^{(3)}} &= 2(y - a^{(3)}) \sigma'(z^{(3)}) a^{(2)} \\
\frac{\partial C}{\partial w^{(3)}} &= -(y - a^{(3)}) \sigma'(z^{(3)}) a^{(2)} \\
\frac{\partial C}{\partial w^{(2)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) w^{(3)} x \\
\frac{\partial C}{\partial w^{(3)}} &= -2(y - a^{(3)}) \sigma'(z^{(3)}) a^{(3)} \\
\frac{\partial C}{\partial b^{(3)}} &= \delta^{(4)}
\end{align*}
"""


def document():
    """The 50-step derivation (every step different, so no cache makes a step free)."""
    return CHAINS + MORE + MISTAKES


def main():
    from derive.check.checker import check_text
    from derive.model.network import Network

    text = document()
    t = time.perf_counter()
    cold = check_text(text, Network("1-1-1", cost="squared-error"), "nielsen", kind="md")
    cold_time = time.perf_counter() - t
    warm = []
    for _ in range(5):
        t = time.perf_counter()
        check_text(text, Network("1-1-1", cost="squared-error"), "nielsen", kind="md")
        warm.append(time.perf_counter() - t)
    floor = [sys.executable, "-c", "import derive.check.checker, derive.model.network"]
    subprocess.run(floor, cwd=ROOT, capture_output=True, check=True)  # warm the file cache
    t = time.perf_counter()
    subprocess.run(floor, cwd=ROOT, capture_output=True, check=True)
    startup = time.perf_counter() - t
    c = cold.counts()
    print("| what | time |")
    print("|---|---|")
    print(f"| start-up: importing the checker (separate process) | {startup:.2f} s |")
    print(f"| checking {len(cold.verdicts)} steps, first run in the process | {cold_time:.2f} s |")
    print(f"| checking them again, median of 5 | {statistics.median(warm):.2f} s |")
    print(f"\n{c['correct']} correct, {c['wrong']} wrong, {c['unknown']} unknown, {c['unparsed']} unparsed")
    if len(cold.verdicts) != 50:
        print(f"expected 50 steps, found {len(cold.verdicts)}")
        return 1
    if "--assert" in sys.argv and cold_time > BUDGET:
        print(f"over the {BUDGET:.0f} s budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

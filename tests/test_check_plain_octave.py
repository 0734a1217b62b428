"""deeplearning.ai's equations typed the Octave way in a plain-text note: ``'`` is a
transpose (``a[1]'``, ``x'``), a prime before an argument is a derivative
(``g[1]'(z[1])``), ``.*`` multiplies entry by entry and then ``*`` multiplies matrices.
Our fixture (tests/fixtures/check/plain_octave.txt), with two slips planted."""
from pathlib import Path

from derive.check import check_document
from derive.check.read.plain import _latex
from derive.check.read.text import Source

NOTE = Path(__file__).parent / "fixtures" / "check" / "plain_octave.txt"


def _latex_of(s):
    return _latex(Source(s, "x").whole()).s


def test_primes_and_octave_products_as_latex():
    assert _latex_of("dz[2] a[1]'") == "dz^{[2]} a^{[1]T}"
    assert _latex_of("W[2]' * dz[2] .* g[1]'(z[1])").split() == [
        "W^{[2]T}", "dz^{[2]}", r"\odot", "g^{[1]'}(z^{[1]})"]
    assert _latex_of("dz[1] * x'") == "dz^{[1]} * x^{T}"  # no .*: * as the course's own


def test_the_correct_lines_are_ticked_and_the_slips_caught():
    report = check_document(str(NOTE))
    got = {v.source: (v.status, m) for v, m in zip(report.verdicts, report.messages())}
    for line in ("dw[2] = dz[2] a[1]'", "dz[1] = W[2]' * dz[2] .* g[1]'(z[1])", "dw[1] = dz[1] * x'"):
        assert got[line][0] == "correct", (line, got[line])
    status, message = got["dz[1] = W[2] * dz[2] .* g[1]'(z[1])"]
    assert status == "wrong" and "a transpose is missing" in message
    assert got["dw[1] = x' * dz[1]"][0] == "wrong"
    # dz[2] a[1] with no transpose: an inner or an element-wise product? never a ✓
    assert got["dw[2] = dz[2] a[1]"][0] == "unknown"

"""The command line as a person types it (issue 12, part 4): any case, common
aliases, "did you mean", stdin for --graph, and one-line errors where a document
would be empty or a user's template fails at run time."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.command.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def _network(*args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["network"]


@pytest.mark.parametrize("typed, meant", [
    ("Quadratic", "quadratic"), ("mse", "squared-error"), ("MSE", "squared-error"),
    ("cross_entropy", "cross-entropy"), ("bce", "cross-entropy"),
    ("squared_error", "squared-error"),
])
def test_cost_names_in_any_case_and_aliases(typed, meant):
    assert _network("--cost", typed)["cost"] == meant


@pytest.mark.parametrize("typed", ["nll", "ce", "Log-Likelihood"])
def test_log_likelihood_aliases(typed):
    net = _network("--layers", "2-3", "--activation", "softmax", "--cost", typed)
    assert net["cost"] == "log-likelihood"


def test_activation_and_notation_in_any_case():
    assert _network("--activation", "ReLU,Sigmoid")["activations"] == ["relu", "sigmoid"]
    assert run("--notation", "Nielsen").exit_code == 0
    assert run("--notation", "MATRIX", "--format", "json").exit_code == 0


@pytest.mark.parametrize("fmt, start", [("md", "# Backpropagation"), ("tex", r"\section*"),
                                        ("Markdown", "# Backpropagation")])
def test_format_aliases(fmt, start):
    r = run("--format", fmt)
    assert r.exit_code == 0 and r.stdout.startswith(start)


@pytest.mark.parametrize("args, words", [
    (["--cost", "quadratc"], "did you mean quadratic?"),
    (["--activation", "rellu"], "did you mean relu?"),
    (["--notation", "nielsn"], "did you mean nielsen?"),
    (["--format", "markdwn"], "did you mean markdown?"),
])
def test_wrong_value_gets_did_you_mean(args, words):
    r = run(*args)
    assert r.exit_code == 2
    assert words in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_graph_reads_stdin():
    text = (ROOT / "examples" / "graphs" / "seed004.graph").read_text()
    from_stdin = run("--graph", "-", "--format", "md", input=text)
    from_file = run("--graph", str(ROOT / "examples" / "graphs" / "seed004.graph"), "--format", "md")
    assert from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout == from_file.stdout
    bad = run("--graph", "-", input="params: w\n")
    assert bad.exit_code == 2 and "<stdin>:1:1: there are no assignments" in bad.output


def test_sections_that_leave_nothing_are_an_error():
    r = run("--layers", "1-1-1", "--sections", "vectorised")
    assert r.exit_code == 2
    assert "vectorised forms need a layer wider than one unit" in r.output
    assert r.stdout == ""
    assert run("--layers", "2-2", "--sections", "vectorised").exit_code == 0


def test_marked_check_header_keeps_notation_and_counts_apart(tmp_path):
    out = tmp_path / "marked.tex"
    fixture = ROOT / "tests" / "fixtures" / "check" / "qa_tiny_mistakes.md"
    r = run("--layers", "1-1-1", "--cost", "squared-error", "--check", str(fixture), "-o", str(out))
    assert r.exit_code == 1, r.output
    tex = out.read_text()
    assert "notation nielsen.2" not in tex
    assert "notation nielsen.\n" in tex


def test_runtime_error_in_a_user_template_is_one_line(tmp_path):
    (tmp_path / "_handout_title.tex.j2").write_text('\\VAR{ 1 + "a" }\n')
    r = run("--standalone", "--template-dir", str(tmp_path))
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.output
    assert "_handout_title.tex.j2:1" in lines[0] and "TypeError" in lines[0]


def test_version():
    import derive

    r = run("--version")
    assert r.exit_code == 0 and r.output.strip() == f"derive {derive.__version__}"


@pytest.mark.parametrize("notation, hidden, output", [("nielsen", 2, 3), ("ng", 2, 3),
                                                      ("matrix", 1, 2)])
def test_softmax_error_counts_layers_as_the_notation_does(notation, hidden, output):
    # nielsen and ng call the input layer 1, matrix calls it a⁰ (layer 0)
    r = run("--layers", "1-2-2", "--activation", "softmax,softmax", "--notation", notation)
    assert r.exit_code == 2
    assert f"output layer (layer {output}), not on the hidden layer {hidden}" in r.output


class _Terminal:
    """A stand-in stderr that says it is a terminal and keeps what is written."""

    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_shows_on_a_terminal_and_nowhere_else(monkeypatch):
    import io
    import sys

    from derive.command.cli import progress_bar

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with progress_bar(2, "LaTeX") as bar:
        bar.update(1, "LaTeX: a.pdf")
        bar.update(1, "LaTeX: b.pdf")
    assert "LaTeX: b.pdf" in term.text and "100%" in term.text
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with progress_bar(2, "LaTeX") as bar:
        bar.update(2, "LaTeX: a.pdf")
    assert pipe.getvalue() == ""


def test_output_file_is_a_complete_document_and_stdout_the_fragment(tmp_path):
    tex, md = tmp_path / "d.tex", tmp_path / "d.md"
    assert run("--layers", "1-1-1", "-o", str(tex)).exit_code == 0
    assert run("--layers", "1-1-1", "-o", str(md)).exit_code == 0
    text = tex.read_text()
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
    assert md.read_text().startswith("# ")
    fragment = run("--layers", "1-1-1").stdout
    assert "\\documentclass" not in fragment and "\\begin{align*}" in fragment


def test_output_tex_compiles(tmp_path):
    from tools import compile_tex, require_latexmk

    require_latexmk()
    tex = tmp_path / "d.tex"
    assert run("--layers", "2-3-2", "-o", str(tex)).exit_code == 0
    (tmp_path / "build").mkdir()
    code, log, pdf = compile_tex(tex.read_text(), tmp_path / "build")
    assert code == 0, log[-2000:]


def _recording():
    """A progress factory that records (length, label) and every update."""
    import contextlib

    seen = []

    class Bar:
        def update(self, n, label=None):
            seen.append(("update", n, label))

    @contextlib.contextmanager
    def progress(length, label):
        seen.append(("start", length, label))
        yield Bar()

    return progress, seen


def test_long_checks_and_derivations_report_progress(tmp_path):
    """Issue 12: a check reports one step per chain, a derivation its two stages, so the
    command's bar moves on a terminal (the bar itself is tested above)."""
    from derive.check.checker import check_file
    from derive.command.run import run as run_command
    from derive.model.network import Network

    f = tmp_path / "d.md"
    f.write_text("$$\\frac{\\partial C}{\\partial b^{(3)}} = \\delta^{(3)}$$\n\n"
                 "$$\\delta^{(3)} = (a^{(3)} - y) \\sigma'(z^{(3)})$$\n")
    progress, seen = _recording()
    check_file(str(f), Network("1-1-1"), "nielsen", progress=progress)
    assert seen[0][:2] == ("start", 2) and [s for s in seen if s[0] == "update"] == [("update", 1, None)] * 2
    progress, seen = _recording()
    out = []
    options = dict(layers="1-1-1", activation="sigmoid", cost="quadratic", no_bias=False,
                   notation="nielsen", expand=False, fmt="latex", output=None, force=False)
    assert run_command(echo=out.append, progress=progress, **options) == 0
    assert seen[0] == ("start", 2, "deriving") and len([s for s in seen if s[0] == "update"]) == 2
    assert out and "\\frac{\\partial C}" in out[0]

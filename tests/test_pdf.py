"""Building PDFs: -o FILE.pdf and --pdf, LaTeX errors with their log lines and
no PDF left behind, a missing TeX installation, and never overwriting a file
without --force."""
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from derive.command.cli import cli
from derive.render.pdf import PACKAGES, log_excerpt

from tools import require, require_latexmk


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def text_of(pdf):
    require(shutil.which("pdftotext"), "pdftotext", "apt-get install poppler-utils")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


# -- without TeX ---------------------------------------------------------------------------

def test_missing_latexmk_is_one_line_naming_the_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no latexmk, no pdflatex
    out = tmp_path / "h.pdf"
    r = run("-o", out)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "latexmk" in lines[0]
    for package in PACKAGES.split():
        assert package in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_existing_pdf_is_kept_without_force(tmp_path):
    out = tmp_path / "h.pdf"
    out.write_bytes(b"mine")
    r = run("-o", out)
    assert r.exit_code == 2 and "--force" in r.stderr and out.read_bytes() == b"mine"


@pytest.mark.parametrize("args,message", [
    (["--pdf"], "--pdf builds FILE.pdf next to -o FILE.tex"),
    (["--pdf", "-o", "{tmp}/h.md"], "--pdf builds FILE.pdf"),
    (["-o", "{tmp}/h.pdf", "--format", "markdown"], "does not match"),
    (["-o", "{tmp}/h.pdf", "--format", "json"], "does not match"),
    (["--standalone", "--format", "json"], "not JSON"),
    (["--exercise", "-o", "{tmp}/s.tex", "--solutions", "{tmp}/s.tex"], "same file"),
    (["--exercise", "--solutions", "{tmp}/key.docx"], "cannot tell the format"),
])
def test_bad_pdf_requests(tmp_path, args, message):
    r = run(*[a.format(tmp=tmp_path) for a in args])
    assert r.exit_code == 2 and message in r.stderr, r.output
    assert list(tmp_path.iterdir()) == []


def test_log_excerpt_finds_the_error_and_its_line():
    log = "\n".join(["This is pdfTeX", "(./doc.tex", "./doc.tex:12: Undefined control sequence.",
                     "l.12 \\frac{a}{b} \\oops", "", "Here is how much of TeX's memory you used:"])
    assert log_excerpt(log) == ["./doc.tex:12: Undefined control sequence.",
                                "l.12 \\frac{a}{b} \\oops"]
    assert log_excerpt("! Emergency stop.\n<*> doc.tex\n") == ["! Emergency stop."]
    assert log_excerpt("") == ["(no log was written)"]


# -- with TeX -------------------------------------------------------------------------------

def test_latex_error_exits_with_the_log_and_leaves_no_pdf(tmp_path):
    require_latexmk()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_handout_preamble.tex.j2").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb,tikz}\n\\undefinedcoursemacro\n")
    out = tmp_path / "h.pdf"
    out.write_bytes(b"old")  # --force may replace it, but only with a complete PDF
    r = run("--template-dir", templates, "-o", out, "--force")
    assert r.exit_code == 2
    assert "LaTeX failed; no PDF was written" in r.stderr
    assert "Undefined control sequence" in r.stderr and "\\undefinedcoursemacro" in r.stderr
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.pdf", "templates"]


def test_pdf_output_with_force_and_a_worked_example(tmp_path):
    require_latexmk()
    out = tmp_path / "seed004.pdf"
    out.write_bytes(b"old")
    r = run("--layers", "1-1-1", "--activation", "relu,sigmoid", "--values",
            "x=3, y=1, w2=0.01, b2=0, w3=-5, b3=-1", "--lr", "0.1", "-o", out, "--force")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"%PDF-")
    text = text_of(out)
    assert "A worked example" in text and "0.2884" in text and "The update rule" in text
    assert [p.name for p in tmp_path.iterdir()] == ["seed004.pdf"]


def test_pdf_next_to_tex_and_solutions_as_their_own_pdf(tmp_path):
    require_latexmk()
    sheet, key = tmp_path / "sheet.tex", tmp_path / "key.pdf"
    r = run("--exercise", "--seed", "9", "--notation", "ng", "-o", sheet, "--pdf",
            "--solutions", key)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pdf", "sheet.pdf", "sheet.tex"]
    problems, answers = text_of(tmp_path / "sheet.pdf"), text_of(key)
    assert "Version A" in problems and "Solutions" not in problems
    assert "Solutions, version A" in answers and "Differentiate" not in answers
    assert "\\documentclass" in sheet.read_text()

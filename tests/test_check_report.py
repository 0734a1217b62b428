"""The report of `derive --check`: JSON shape, exit statuses, the text report,
the marked-up LaTeX, and files that cannot be read at all."""
import io
import json
import sys

import pytest
from check_support import FIXTURES, run
from tools import compile_tex, require_latexmk

from derive.check import CheckInputError, check_file
from derive.check.limits import LIMITS
from derive.errors import DeriveError
from derive.model.network import Network

TINY = Network("1-1-1", cost="squared-error")


def test_json_has_exactly_the_documented_shape():
    r = run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error")
    data = json.loads(r.to_json())
    assert set(data) == {"steps", "summary"}
    for step in data["steps"]:
        assert set(step) == {"line", "source", "status", "message", "expected"}
        assert isinstance(step["line"], int) and isinstance(step["message"], str) and step["message"]
        assert step["status"] in ("correct", "wrong", "unknown", "unparsed")
        assert step["expected"] is None or isinstance(step["expected"], str)
    s = data["summary"]
    assert (s["correct"], s["wrong"], s["unknown"], s["unparsed"]) == (2, 8, 0, 1)
    assert s["steps"] == len(data["steps"]) == 11
    wrong = [st for st in data["steps"] if st["status"] == "wrong"]
    assert all(st["expected"] for st in wrong if st["line"] in (6, 7, 8, 9, 10))
    sign = next(st for st in data["steps"] if st["line"] == 7)
    assert "the sign is flipped" in sign["message"] and "this line gives" in sign["message"]
    assert sign["expected"].startswith("2 \\left(a^{(3)} - y\\right)")


def test_messages_name_the_diagnosis_and_the_witness():
    r = run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error")
    msgs = {v.line: m for v, m in zip(r.verdicts, r.messages())}
    assert "is not the derivative of $\\sigma\\left(z^{(3)}\\right)$" in msgs[6]
    assert "a factor $\\sigma'\\left(z^{(2)}\\right)$ is missing" in msgs[9]
    assert "$a^{(3)}$ should be $a^{(2)}$" in msgs[10]
    assert "$\\delta^{(4)}$ does not exist in this 1-1-1 network" in msgs[11]
    assert "carried forward" in msgs[19]
    assert "line 22, column 110" in msgs[22] and "expected )" in msgs[22]
    assert "at $" in msgs[7]  # the witness point is named


def test_exit_statuses():
    assert run("qa_tiny.md", "1-1-1", cost="squared-error").exit_code() == 0
    assert run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error").exit_code() == 1
    unknown = run(r"$$\left(\frac{f}{g}\right)' = \frac{f'g - g'f}{g^2}$$", "1-1-1")
    assert [v.status for v in unknown.verdicts] == ["unknown"]
    assert unknown.exit_code() == 0 and unknown.exit_code(strict=True) == 1
    unparsed_only = run("$$a = b + $$", "1-1-1")
    assert unparsed_only.exit_code() == 2 and unparsed_only.exit_code(strict=True) == 2
    partly = run("$$a = b + $$ $$C = \\frac12 (a^{(3)} - y)^2$$", "1-1-1")
    assert partly.exit_code() == 0 and partly.exit_code(strict=True) == 1


def test_files_that_cannot_be_read(tmp_path, monkeypatch):
    with pytest.raises(CheckInputError, match="no such file"):
        check_file(tmp_path / "missing.tex", TINY, "nielsen")
    big = tmp_path / "big.tex"
    big.write_text("$$a = 1$$\n" * 200)
    monkeypatch.setattr(LIMITS, "max_bytes", 1000)
    with pytest.raises(CheckInputError, match="larger than"):
        check_file(big, TINY, "nielsen")
    monkeypatch.undo()
    binary = tmp_path / "b.md"
    binary.write_bytes(b"\xff\xfe\x00$$a=1$$")
    with pytest.raises(CheckInputError):
        check_file(binary, TINY, "nielsen")
    prose = tmp_path / "prose.md"
    prose.write_text("Only words here, no equations at all.")
    with pytest.raises(CheckInputError, match="no equations") as e:
        check_file(prose, TINY, "nielsen")
    assert isinstance(e.value, DeriveError) and e.value.exit_code == 2


def test_one_mebibyte_limit_is_the_default():
    assert LIMITS.max_bytes == 1_000_000


def test_stdin(monkeypatch):
    data = (FIXTURES / "quiz_numbers.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    r = check_file("-", Network("1-1-1", activation="relu,sigmoid"), "matrix")
    assert r.name == "<stdin>" and r.counts()["correct"] == 6


def test_text_report():
    r = run("qa_tiny_mistakes.md", "1-1-1", cost="squared-error")
    text = r.render_text()
    assert text.startswith("Checking ")
    assert "line    7  ✗ wrong" in text and "line    3  ✓ correct" in text and "line   22  ! unparsed" in text
    assert "expected: 2 \\left(a^{(3)} - y\\right)" in text
    assert text.rstrip().endswith("2 correct, 8 wrong, 0 unknown, 1 unparsed")


def test_marked_tex_compiles(tmp_path):
    require_latexmk()
    r = run("matrix_form_mistakes.md", "3-4-2", notation="matrix")
    r2 = run("quiz_numbers.txt", "1-1-1", notation="matrix", activation="relu,sigmoid")
    for i, rep in enumerate((r, r2)):
        tex = rep.render_marked_tex()
        assert "\\bad" in tex and "\\documentclass" in tex
        work = tmp_path / str(i)
        work.mkdir()
        code, log, pdf = compile_tex(tex, work)
        assert code == 0, log[-2000:]
        assert pdf.exists()


def test_marked_tex_never_copies_the_students_latex():
    r = run(r"$$\input{/etc/passwd} = 1$$ $$C = \write18{rm} $$", "1-1-1")
    tex = r.render_marked_tex()
    assert "\\input{/etc" not in tex and "\\write18" not in tex
    assert "\\textbackslash{}input" in tex

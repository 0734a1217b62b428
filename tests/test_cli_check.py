"""`derive --check` end to end: report, JSON, exit statuses, marked-up output."""
import json
from pathlib import Path

from click.testing import CliRunner

from derive.command.cli import cli
from derive import derive

from tools import require_latexmk

FIXTURES = Path(__file__).parent / "fixtures" / "check"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_derives_own_document_checks_correct(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text(derive(layers="1-1-1").render("markdown"))
    r = run("--layers", "1-1-1", "--check", str(doc))
    assert r.exit_code == 0, r.stdout[-2000:]
    assert "✓ correct" in r.stdout and "✗" not in r.stdout


def test_planted_mistakes_exit_1_with_diagnoses():
    r = run("--layers", "2-3-2", "--check", str(FIXTURES / "bp_proof_mistakes.md"))
    assert r.exit_code == 1
    assert "✗ wrong" in r.stdout and "transpose is missing" in r.stdout


def test_json_report_shape():
    r = run("--layers", "2-3-2", "--check", str(FIXTURES / "bp_proof_mistakes.md"),
            "--format", "json")
    data = json.loads(r.stdout)
    assert set(data) == {"steps", "summary"}
    step = data["steps"][0]
    assert set(step) >= {"line", "source", "status", "message", "expected"}
    assert any(s["status"] == "wrong" for s in data["steps"])


def test_stdin_and_strict():
    text = "$$\\frac{\\partial C}{\\partial w^{(3)}} = (a^{(3)} - y) \\sigma'(z^{(3)}) a^{(2)}$$\n"
    r = run("--layers", "1-1-1", "--check", "-", input=text)
    assert r.exit_code == 0, r.stdout
    text += "$$ C = \\frobnicate{a} $$\n"
    assert run("--layers", "1-1-1", "--check", "-", input=text).exit_code == 0
    assert run("--layers", "1-1-1", "--check", "-", "--strict", input=text).exit_code == 1


def test_unreadable_input_exits_2(tmp_path):
    r = run("--check", str(tmp_path / "missing.md"))
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    empty = tmp_path / "prose.md"
    empty.write_text("no equations here\n")
    assert run("--check", str(empty)).exit_code == 2


def test_marked_tex_and_pdf(tmp_path):
    out = tmp_path / "marked.tex"
    r = run("--layers", "2-3-2", "--check", str(FIXTURES / "bp_proof_mistakes.md"), "-o", str(out))
    assert r.exit_code == 1 and out.read_text().startswith("\\documentclass")
    require_latexmk()
    pdf = tmp_path / "marked.pdf"
    r = run("--layers", "2-3-2", "--check", str(FIXTURES / "bp_proof_mistakes.md"), "-o", str(pdf))
    assert r.exit_code == 1 and pdf.read_bytes().startswith(b"%PDF")


def test_stdin_is_read_like_a_file_its_own_network_and_sections_included():
    # no options: the forward pass the document declares (and one network per section)
    # is read from stdin too, not only from a named file
    for name in ("netout_own_weights.md", "sections_two_networks.md"):
        path = FIXTURES / name
        from_file = json.loads(run("--check", str(path), "--format", "json").stdout)
        from_stdin = json.loads(run("--check", "-", "--format", "json",
                                    input=path.read_text()).stdout)
        assert [(s["line"], s["status"]) for s in from_stdin["steps"]] == \
            [(s["line"], s["status"]) for s in from_file["steps"]], name
        network = json.dumps(from_stdin["summary"]["network"])
        assert network == json.dumps(from_file["summary"]["network"]).replace(
            str(path), "<stdin>"), name
        assert "own forward pass" in network

"""Hostile output targets, titles, standard output, signals and TeX (issue 11, §3–§5).

Each runs ``python -m derive`` as its own process (what a grading server runs),
then checks the promise: exit status 2 with one line on stderr and no
traceback, nothing left behind, no file written outside the build directory.
The TeX cases need latexmk (tests/tools.py: skipped locally, failing under CI).
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import require_latexmk

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ROOT = Path(__file__).parents[1]


def derive(*args, cwd, stdout=subprocess.PIPE, timeout=120):
    args = [a if isinstance(a, bytes) else str(a) for a in args]
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, stdout=stdout,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)


def one_line(p):
    err = p.stderr.decode("utf-8", "replace")
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_full_standard_output_is_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        p = derive(cwd=tmp_path, stdout=full)
    assert p.returncode == 2 and one_line(p)
    assert b"standard output" in p.stderr and b"No space left" in p.stderr


@pytest.mark.parametrize("args,words", [
    ([b"--title", b"x\xff", b"-o", b"t.tex"], b"--title is not valid UTF-8"),
    ([b"-o", b"x\xff.tex"], b"--output is not valid UTF-8"),
    ([b"--check", b"\xff.md"], b"--check is not valid UTF-8"),
])
def test_options_that_are_not_utf8_are_one_line(tmp_path, args, words):
    p = derive(*args, cwd=tmp_path)
    assert p.returncode == 2 and one_line(p) and words in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_into_sys_is_one_line(tmp_path):
    p = derive("-o", "/sys/derive-test.tex", cwd=tmp_path)
    assert p.returncode == 2 and one_line(p) and b"cannot write /sys/derive-test.tex" in p.stderr


def test_output_into_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.geteuid() == 0:
            _write_as_nobody(folder / "a.tex")  # root writes anywhere: take its rights away
        else:
            p = derive("-o", folder / "a.tex", cwd=tmp_path)
            assert p.returncode == 2 and one_line(p) and b"cannot write" in p.stderr
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


def _write_as_nobody(path):
    """The atomic write under the effective uid of nobody (CI runs as root)."""
    from derive.errors import OutputError
    from derive.render.fileio import write_atomic

    os.seteuid(65534)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            write_atomic(path, "x")
    finally:
        os.seteuid(0)


@pytest.mark.parametrize("target", ["/dev/null", "fifo"])
def test_force_never_replaces_what_is_not_a_regular_file(tmp_path, target):
    if target == "fifo":
        target = tmp_path / "out.tex"
        os.mkfifo(target)
    p = derive("-o", target, "--force", "--format", "latex", cwd=tmp_path)
    assert p.returncode == 2 and one_line(p) and b"not a regular file" in p.stderr
    assert not Path(target).is_file() and [f for f in tmp_path.iterdir() if ".tmp" in f.name] == []


@pytest.mark.parametrize("option,name", [("--graph", "g.graph"), ("--values", "v.json"),
                                         ("--check", "c.md")])
def test_a_fifo_as_input_is_refused_not_waited_for(tmp_path, option, name):
    os.mkfifo(tmp_path / name)
    p = derive(option, name, cwd=tmp_path, timeout=60)
    assert p.returncode == 2 and one_line(p) and b"not a regular file" in p.stderr


SLOW_WRITE = """
import os, sys, time
real = os.fsync
def slow(fd):
    print("writing", flush=True, file=sys.stderr)
    time.sleep(30)
os.fsync = slow
sys.argv = ["derive", "-o", "out.tex"]
from derive.command.cli import main
main()
"""


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path):
    p = subprocess.Popen([sys.executable, "-c", SLOW_WRITE], cwd=tmp_path,
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        assert p.stderr.readline().strip() == b"writing"  # the temporary file is open
        assert [f.name for f in tmp_path.iterdir() if f.name.endswith(".tmp")]
        p.send_signal(signal.SIGTERM)
        err = p.communicate(timeout=30)[1]
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 128 + signal.SIGTERM and b"terminated" in err and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# -- TeX ---------------------------------------------------------------------------------

def _pdf_text(pdf):
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_a_tex_loop_in_a_template_ends_the_whole_build(tmp_path):
    require_latexmk()
    start = time.monotonic()
    p = derive("--template-dir", HOSTILE / "templates" / "tpl_texloop", "-o", "x.pdf",
               cwd=tmp_path)
    assert time.monotonic() - start < 15  # the deadline is 8 s after start; slack for a busy CI
    assert p.returncode == 2 and one_line(p) and b"LaTeX" in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_build_timeout_kills_the_grandchildren_too(tmp_path):
    """latexmk's pdflatex is a grandchild: the whole process group must go."""
    from derive.render import pdf

    script = "sleep 60 & echo $! > grandchild; wait"
    with pytest.raises(subprocess.TimeoutExpired):
        pdf._run(["sh", "-c", script], tmp_path, 1, None)
    pid = int((tmp_path / "grandchild").read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the grandchild outlived the timeout")


@pytest.mark.parametrize("case", ["tpl_texfs", "tpl_texfs_write"])
def test_tex_reads_and_writes_only_inside_its_build_folder(tmp_path, case):
    require_latexmk()
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    p = derive("--template-dir", HOSTILE / "templates" / case, "-o", "x.pdf", cwd=work,
               timeout=300)
    assert not list(tmp_path.rglob("PWNED_*")) and not list(Path("/tmp").glob("PWNED_*"))
    if p.returncode == 0:
        text = _pdf_text(work / "x.pdf")
        assert "ABSREAD-OK" not in text and "RELREAD-OK" not in text and "PIPE-OK" not in text
        assert "ABSREAD-BLOCKED" in text and "root:" not in text
    else:  # a LaTeX error: its first line, then the log lines that say where
        assert p.returncode == 2 and b"Traceback" not in p.stderr
        assert p.stderr.startswith(b"derive: error: LaTeX") and list(work.iterdir()) == []


def test_a_non_ascii_title_builds_a_pdf(tmp_path):
    require_latexmk()
    p = derive("--title", "σ → 😀\u200b", "-o", "sigma.pdf", cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "sigma.pdf").stat().st_size > 1000


def test_unicode_in_an_unparsed_step_still_gives_a_marked_pdf(tmp_path):
    require_latexmk()
    p = derive("--check", HOSTILE / "unicode_marked.md", "-o", "um.pdf", cwd=tmp_path,
               timeout=300)
    assert p.returncode in (0, 1), p.stderr
    assert "1 correct" in p.stdout.decode() or "correct" in p.stdout.decode()
    assert (tmp_path / "um.pdf").stat().st_size > 1000

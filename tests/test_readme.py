"""Every ```sh and ```python block of the README runs, in order, in a fresh copy of
the checkout (its tracked files only), as a new user would try them.

Installing and the test commands themselves are left out (derive is installed
already, and pytest would run itself); blocks that build PDFs or the gallery are
marked slow.  The worked-example excerpt must be what its command prints."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(sh|python|markdown)\n(.*?)^```$", re.S | re.M)
SLOW = re.compile(r"\.pdf|build_pdf|gallery")


def blocks(kind):
    return [(README[:m.start()].count("\n") + 1, m.group(2))
            for m in BLOCK.finditer(README) if m.group(1) == kind]


def _commands(text):
    """The shell lines to run: 'pip install … && ' dropped, test runs left out."""
    for line in text.splitlines():
        line = re.sub(r"^pip install \S+ && ", "", line.strip())
        if line and not line.startswith(("pytest", "pip ", "npm ", "apt-get ")):
            yield line


def _steps():
    steps = []
    for line, text in blocks("sh"):
        for cmd in _commands(text):
            steps.append(("sh", line, cmd))
    for line, text in blocks("python"):
        steps.append(("python", line, text))
    steps.sort(key=lambda s: s[1])
    return [pytest.param(kind, line, text, id=f"README.md:{line}",
                         marks=[pytest.mark.slow] if SLOW.search(text) else [])
            for kind, line, text in steps]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """The tracked files of the checkout, copied as a fresh clone would have them."""
    dest = tmp_path_factory.mktemp("clone")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def test_there_are_snippets_to_run():
    kinds = {kind for kind, _, _ in (p.values for p in _steps())}
    assert kinds == {"sh", "python"} and len(_steps()) >= 8


@pytest.mark.parametrize("kind, line, text", _steps())
def test_snippet_runs(clone, kind, line, text):
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    if kind == "sh":
        proc = subprocess.run(["bash", "-c", text], cwd=clone, capture_output=True, text=True,
                              env=env, timeout=900)
        expected = 1 if "--check" in text else 0  # the check example has wrong steps, on purpose
    else:
        proc = subprocess.run([sys.executable, "-c", text], cwd=clone, capture_output=True,
                              text=True, env=env, timeout=900)
        expected = 0
    assert proc.returncode == expected, f"README.md:{line}: {text}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr


def test_worked_example_excerpt_is_what_the_command_prints():
    (line, excerpt), = [b for b in blocks("markdown") if "Forward pass:" in b[1]]
    cmd = next(c for _, t in blocks("sh") for c in _commands(t) if "relu,sigmoid --values" in c)
    assert "--format markdown" in cmd
    out = subprocess.run(["bash", "-c", cmd], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep
                              + os.environ.get("PATH", "")}).stdout
    assert excerpt.strip() in out, f"README.md:{line} is not a verbatim excerpt of {cmd}"

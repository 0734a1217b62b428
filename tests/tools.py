"""External tools for tests (TeX Live, node + KaTeX).  A missing tool skips
the test on a developer's machine but fails it under CI=true: CI must never
silently skip."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

KATEX_DIR = Path(__file__).parent / "katex"


def require(ok, what, install):
    if ok:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing under CI=true; .ci/run must install it ({install})")
    pytest.skip(f"{what} is not installed ({install})")


def require_latexmk():
    require(shutil.which("latexmk") and shutil.which("pdflatex"), "latexmk/pdflatex",
            "apt-get install texlive-latex-base texlive-latex-recommended texlive-pictures latexmk")


def require_katex():
    require(shutil.which("node") and (KATEX_DIR / "node_modules" / "katex").is_dir(),
            "node with KaTeX", "npm ci --prefix tests/katex")


def compile_tex(tex_text, workdir):
    """Compile with latexmk -pdf (no shell escape); return (returncode, log text, pdf path)."""
    workdir = Path(workdir)
    src = workdir / "doc.tex"
    src.write_text(tex_text, encoding="utf-8")
    proc = subprocess.run(
        ["latexmk", "-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
         "doc.tex"], cwd=workdir, capture_output=True, text=True, timeout=300)
    log = (workdir / "doc.log").read_text(errors="replace") if (workdir / "doc.log").exists() else ""
    return proc.returncode, log, workdir / "doc.pdf"


def katex_check(paths):
    """Run tests/katex/check.js over Markdown files; return (returncode, output)."""
    proc = subprocess.run(["node", str(KATEX_DIR / "check.js"), *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr

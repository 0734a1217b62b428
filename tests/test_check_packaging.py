"""`pip install .` must ship the checker's grammars and templates."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_checker(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                           str(ROOT)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    wheel, = tmp_path.glob("derive_backprop-*.whl")  # the distribution name
    names = set(zipfile.ZipFile(wheel).namelist())
    for part in ("check/__init__.py", "check/read/grammar.lark", "check/read/ascii.lark", "check/judge/verify.py",
                 "templates/check_messages.j2", "templates/check_report.txt.j2",
                 "templates/check_marked.tex.j2"):
        assert f"derive/{part}" in names, part

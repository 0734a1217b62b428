"""`pip install .` must ship every template, and nothing outside the derive package."""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_templates_and_nothing_outside_derive(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    wheel, = tmp_path.glob("derive-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    outside = {n for n in names if not n.startswith("derive/") and ".dist-info/" not in n}
    assert not outside, outside  # a top-level cli.py would be replaced by any other package's
    assert "derive/command/cli.py" in names
    templates = {p.relative_to(ROOT / "templates").as_posix()
                 for p in (ROOT / "templates").rglob("*.j2")}
    missing = {t for t in templates if f"derive/templates/{t}" not in names}
    assert not missing, missing
    assert any(n.endswith("entry_points.txt") for n in names)

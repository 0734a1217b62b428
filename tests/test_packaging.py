"""`pip install .` must ship every template, and nothing outside the derive package;
the metadata a PyPI user reads must be complete and its links must work outside
the repository."""
import re
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "derive-backprop"  # "derive" on PyPI is an unrelated project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(wheel path, verbose build log) of one `pip wheel -v` of the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-v", "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheel, = out.glob(DISTRIBUTION.replace("-", "_") + "-*.whl")
    return wheel, proc.stdout + proc.stderr


def test_wheel_contains_templates_and_nothing_outside_derive(built):
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    outside = {n for n in names if not n.startswith("derive/") and ".dist-info/" not in n}
    assert not outside, outside  # a top-level cli.py would be replaced by any other package's
    assert "derive/command/cli.py" in names
    templates = {p.relative_to(ROOT / "templates").as_posix()
                 for p in (ROOT / "templates").rglob("*.j2")}
    missing = {t for t in templates if f"derive/templates/{t}" not in names}
    assert not missing, missing
    assert any(n.endswith("entry_points.txt") for n in names)


def _metadata(wheel):
    z = zipfile.ZipFile(wheel)
    name, = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
    return HeaderParser().parsestr(z.read(name).decode("utf-8")), z.namelist()


def test_metadata_names_the_distribution_license_and_project(built):
    import derive

    meta, names = _metadata(built[0])
    assert meta["Name"] == DISTRIBUTION
    assert meta["Version"] == derive.__version__
    assert meta["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert len(meta.get_all("Classifier")) >= 5
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues"} <= set(urls)


def test_verbose_build_does_not_warn_about_the_package(built):
    _, log = built
    noisy = [line for line in log.splitlines()
             if re.search(r"(?i)deprecat|would be ignored|is absent|not recogni[sz]ed", line)]
    assert not noisy, noisy


def test_long_description_links_work_outside_the_repository(built):
    """PyPI shows the README without the repository, so every link and image is absolute
    (or an anchor in the page), and all of them name the same repository as the metadata."""
    meta, _ = _metadata(built[0])
    body = meta.get_payload()
    homepage = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))["Source"]
    repo = homepage.removeprefix("https://github.com/")
    targets = re.findall(r"\]\(([^)\s]+)\)", body) + re.findall(r'src="([^"]+)"', body)
    assert targets
    for t in targets:
        assert t.startswith(("https://", "#")), t
        if "github" in t:
            assert repo in t, t


def test_version_is_the_commands_and_the_modules():
    import derive

    out = subprocess.run([sys.executable, "-m", "derive", "--version"], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == f"derive {derive.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", derive.__version__)

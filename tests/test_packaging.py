"""geomap works as installed, not only in the checkout.

Builds the sdist and the wheel (``python -m build``: the wheel is built from the sdist, so the sdist
is known to be complete), checks what they hold, installs the wheel with its dependencies into a fresh
venv (``-c .ci/constraints.txt``: the same versions as the checkout), and runs ``geomap`` from an empty
folder with a PATH that has no Node.js: ``build`` writes a map, ``extract`` gives byte for byte the
checkout's output. Then the sdist is installed over it and ``extract`` is checked again.

Needs the network for pip (build isolation fetches setuptools; dependencies come from pip's cache or
PyPI). About a minute once the world store is compiled (the installed run reuses the checkout's store:
same GEOMAP_CACHE_DIR, and the store is keyed by a digest of its inputs, not by their location).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from geomap.paths import cache_dir

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_ed468d2604eec858.txt"
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
CHECKOUT_GEOMAP = Path(sys.executable).parent / "geomap"


def _setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _checkout_files(folder: Path, pattern: str = "*") -> set[str]:
    """Files under ``folder`` (relative to the root) that belong in a distribution."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in folder.rglob(pattern)
        if path.is_file() and not {"node_modules", "__pycache__"} & set(path.parts) and path.suffix != ".pyc"
    }


def test_every_package_is_listed():
    """pyproject.toml names its packages (a mapped package rules out discovery): none missing, none stale."""
    config = _setuptools_config()
    listed = set(config["packages"])
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in [ROOT / "geomap", *(ROOT / "geomap").rglob("*")]
        if folder.is_dir() and any(folder.glob("*.py")) and not {"node_modules", "__pycache__"} & set(folder.parts)
    }
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert listed - found == {"geomap.data.gazetteer"}, f"stale packages: {sorted(listed - found)}"
    assert config["package-dir"] == {"geomap.data.gazetteer": "gazetteer"}


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, cwd=out
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("geomap-*.whl")
    (sdist,) = out.glob("geomap-*.tar.gz")
    return wheel, sdist


def _expected_package_data() -> set[str]:
    """Checkout files the installed package needs, as wheel paths."""
    gazetteer = {f"geomap/data/gazetteer/{p.split('/', 1)[1]}" for p in _checkout_files(ROOT / "gazetteer")}
    map_dir = ROOT / "geomap" / "map"
    static = _checkout_files(map_dir / "static")
    sources = _checkout_files(ROOT / "geomap" / "gazetteer" / "data")  # the world store's bundled data sources
    code = _checkout_files(ROOT / "geomap", "*.py")
    return gazetteer | _checkout_files(ROOT / "geomap" / "data") | sources | static | code


def test_wheel_holds_data_assets_and_licenses(dists):
    wheel, _ = dists
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _expected_package_data() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    for required in ("places.tsv", "demonyms.tsv", "exclusions.tsv", "abbreviations.tsv", "event_types.toml"):
        assert f"geomap/data/gazetteer/{required}" in names
    assert any(name.startswith("geomap/map/static/") for name in names)
    licenses = {name.rsplit("/", 1)[1] for name in names if ".dist-info/licenses/" in name}
    assert licenses == {"LICENSE", "THIRD_PARTY_NOTICES.md"}
    assert not [name for name in names if "node_modules" in name or name.endswith(".pyc")]


def test_sdist_builds_without_node(dists):
    """The sdist carries the gazetteer folder, the licenses and the map's bundled assets, never node_modules."""
    _, sdist = dists
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = _checkout_files(ROOT / "gazetteer") | _checkout_files(ROOT / "geomap" / "map" / "static")
    expected |= _checkout_files(ROOT / "geomap", "*.py")
    expected |= {"LICENSE", "THIRD_PARTY_NOTICES.md", "pyproject.toml", "MANIFEST.in"}
    missing = expected - names
    assert not missing, f"not in the sdist: {sorted(missing)}"
    assert not [name for name in names if "node_modules" in name]


def _run(argv, *, env, cwd, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(arg) for arg in argv], env=env, cwd=cwd, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _environment(tmp_path: Path, venv_bin: Path) -> dict[str, str]:
    """The environment of a user with geomap installed: no checkout on the path, no Node.js."""
    tools = tmp_path / "bin"  # the only other PATH entry: nothing geomap needs lives outside its venv
    tools.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.pop("GEOMAP_DATA", None)
    env["PATH"] = os.pathsep.join([str(venv_bin), str(tools)])
    env["GEOMAP_CACHE_DIR"] = str(cache_dir())  # the checkout's cache: its compiled world store is reused
    env["GEOMAP_GAZETTEER_DIR"] = str(tmp_path / "no-user-gazetteer")
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    return env


def test_installed_wheel_and_sdist_work_from_an_empty_folder(dists, tmp_path):
    wheel, sdist = dists
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _environment(tmp_path, bin_dir)
    work = tmp_path / "work"  # an empty folder, not the checkout
    work.mkdir()
    seed = work / SEED.name
    seed.write_bytes(SEED.read_bytes())
    pip = [bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "-c", CONSTRAINTS, wheel], env=env, cwd=work)

    where = _run(
        [bin_dir / "python", "-c", "import geomap, importlib.resources as r; print(geomap.__file__); "
         "print(r.files('geomap.data.gazetteer'))"],
        env=env, cwd=work,
    ).stdout.split()  # fmt: skip
    assert all(Path(path).is_relative_to(venv) for path in where), where

    # The reference: the checkout's own geomap on the same file, same cache, same (absent) user folder.
    expected = work / "expected.jsonl"
    _run([CHECKOUT_GEOMAP, "extract", seed, "-o", expected], env=env, cwd=work)
    assert "geomap:kafr-ruma" in expected.read_text(encoding="utf-8")

    installed = bin_dir / "geomap"
    _run([installed, "extract", seed, "-o", work / "pred.jsonl"], env=env, cwd=work)
    assert (work / "pred.jsonl").read_bytes() == expected.read_bytes()

    _run([installed, "--curated-only", "build", seed, "-o", work / "map.html"], env=env, cwd=work)
    page = (work / "map.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and len(page) > 50_000

    _run([*pip, "--no-deps", "--force-reinstall", sdist], env=env, cwd=work)
    _run([installed, "extract", seed, "-o", work / "pred-sdist.jsonl"], env=env, cwd=work)
    assert (work / "pred-sdist.jsonl").read_bytes() == expected.read_bytes()

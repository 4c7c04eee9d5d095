"""Shared fixtures: the curated gazetteer, the seed article and its events table (built once per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import geomap.api
from geomap.api import build_events
from geomap.gazetteer import Gazetteer, load_curated
from geomap.model import Article
from geomap.sources import read_articles

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER_DIR = ROOT / "gazetteer"
SEEDS_DIR = ROOT / "seeds"
SEED_PATH = SEEDS_DIR / "000_ed468d2604eec858.txt"


def _environment_folder(name: str, folder: Path):
    """Set ``$name`` to ``folder`` for the session (processes tests start inherit it), then restore it."""
    import os

    old = os.environ.get(name)
    os.environ[name] = str(folder)
    yield
    if old is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = old


@pytest.fixture(autouse=True, scope="session")
def _no_user_gazetteer(tmp_path_factory: pytest.TempPathFactory):
    """A developer's own gazetteer extensions (platformdirs user data dir) must not change test results."""
    yield from _environment_folder("GEOMAP_GAZETTEER_DIR", tmp_path_factory.mktemp("no-user-gazetteer"))


@pytest.fixture(autouse=True, scope="session")
def _stores_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """Default stores live in the user cache folder; tests keep theirs in one temporary folder."""
    yield from _environment_folder("GEOMAP_STORE_DIR", tmp_path_factory.mktemp("stores"))


@pytest.fixture
def no_network(monkeypatch) -> list:
    """Any attempt to open a network connection fails the test; the list holds the addresses tried."""
    import socket

    attempts: list = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"network access to {address!r} in a test that must stay offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
    return attempts


def deny_scandir(monkeypatch, denied: Path) -> None:
    """``os.scandir`` refuses ``denied`` as it does a non-root user on a chmod 000 folder (root, as
    in CI, reads everything, so permission tests that must run everywhere deny it this way)."""
    import os

    real = os.scandir

    def scandir(path="."):
        if os.path.realpath(path) == os.path.realpath(denied):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The committed curated gazetteer of this worktree (not the installed package's data)."""
    return load_curated(GAZETTEER_DIR)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_article() -> Article:
    (article,) = read_articles([SEED_PATH])
    return article


@pytest.fixture(scope="session")
def seed_events(seed_article, gazetteer):
    return build_events([seed_article], gazetteer)


@pytest.fixture
def parse_calls(monkeypatch):
    """Counts calls of ``geomap.api.geoparse``: how many articles a build really parsed."""
    calls: list[int] = []
    real = geomap.api.geoparse

    def counting(text, gazetteer):
        calls.append(1)
        return real(text, gazetteer)

    monkeypatch.setattr(geomap.api, "geoparse", counting)
    return calls


def map_text(path) -> str:
    """The data a map page carries, as readable JSON text (the page itself holds it gzipped)."""
    import json

    from geomap.map.payload import decode_payload

    return json.dumps(decode_payload(Path(path).read_text(encoding="utf-8")), ensure_ascii=False)


# ---- browser tests: one headless Chromium per test module, one offline page per test -----------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium (Playwright cannot download its own browser here); skipped where it is absent."""
    from browser_page import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def offline(browser: Any) -> Iterator[Any]:
    """A page with the network blocked; the test fails if the map's own policy blocked part of it."""
    from browser_page import OfflinePage

    page = OfflinePage(browser)
    yield page
    try:
        assert page.csp_violations() == [], "the map's own Content-Security-Policy blocked part of it"
    finally:
        page.close()

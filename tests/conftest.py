"""Shared fixtures: the committed gazetteer (loaded once) and a parse counter."""

from __future__ import annotations

import pytest

import geomap.api
from geomap.gazetteer import load_curated


@pytest.fixture(scope="session")
def gazetteer():
    return load_curated()


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

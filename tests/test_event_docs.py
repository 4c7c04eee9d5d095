"""Docstring examples of the event modules run as tests, so the documentation cannot drift."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from geomap.events import eventdate, eventtype
from geomap.parse import sentences


@pytest.mark.parametrize("module", [eventtype, eventdate, sentences], ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0

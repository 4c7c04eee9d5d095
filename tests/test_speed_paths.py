"""The fast paths of extraction, recognition and resolution give the same numbers as the plain ones.

Why: the per-candidate scores and recognition probabilities are computed without building the
feature dicts (speed only); these tests run real articles through both and compare floats exactly.
"""

from __future__ import annotations

import random

import pytest

import geomap.resolve as resolve_module
from geomap.extract import find_mentions
from geomap.recognize import recognise
from geomap.resolve import resolve
from tests.articlegen import article_text, place_names
from tests.conftest import SEEDS_DIR

_AMBIGUOUS = (
    "PARIS, Texas -- Police in Paris said Lamar County deputies found the car near Paris, Texas.",
    "Idlib province was shelled; residents of southern Idlib fled to Idlib city and to Aleppo.",
    "Alexandria, La. officials met their counterparts from Alexandria, Va., and Springfield, Ill.",
    "The convoy left Homs for Hama, then Damascus; Syrian and Turkish officials met in Ankara.",
)


def _texts() -> list[str]:
    rng = random.Random(3)
    names = place_names()
    texts = list(_AMBIGUOUS) + [article_text(rng, names, i, sentences=8) for i in range(40)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt"))[:5]]
    return texts


@pytest.fixture(scope="module", params=["curated", "world"])
def gaz(request, gazetteer):
    """The curated gazetteer, and the world store when it is compiled (ambiguous names need it)."""
    if request.param == "curated":
        return gazetteer
    from geomap.world import is_compiled, load_world

    if not is_compiled():
        pytest.skip("world store not compiled")
    return load_world(build=False)


def test_fast_candidate_scores_equal_the_signal_sums(gaz, monkeypatch):
    gazetteer = gaz
    fast = resolve_module._scores
    compared = []

    def both(cands, statics, cues, qualifiers, context, near, towns_in, surface):
        got = fast(cands, statics, cues, qualifiers, context, near, towns_in, surface)
        want = [
            resolve_module._score(p, resolve_module._signals(p, cues, qualifiers, context, n, towns_in, surface))[0]
            for p, n in zip(cands, near, strict=True)
        ]
        assert got == want  # exact floats, not approximately
        compared.append(len(cands))
        return got

    monkeypatch.setattr(resolve_module, "_scores", both)
    for text in _texts():
        resolve(text, recognise(text, find_mentions(text, gazetteer), gazetteer), gazetteer)
    assert compared, "no ambiguous mention was scored"

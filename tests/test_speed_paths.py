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
    'Sen. Jones said Jones County is not Jones, Okla. "Lebanon\'s mayor," Mr. Warren told the U.S. Senate.',
    "Photo: OMAR HAJ KADOUR/AFP. WASHINGTON (AP) -- March in Police, Man and Obama; the man in March.",
    "(Kansas City) Officers from St. Louis, Mo., and New York's Bronx drove to Washington, D.C., on Tuesday.",
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


def test_fast_recognition_probabilities_equal_the_feature_scores(gaz):
    from geomap.recognize import load_model, match_features, probabilities, score

    model = load_model()
    compared = 0
    for text in _texts():
        matches = find_mentions(text, gaz)
        vectors = match_features(text, matches, gaz)
        fast = probabilities(text, matches, gaz, model)
        for values, (probability, byline) in zip(vectors, fast, strict=True):
            if values["curated"]:
                assert probability is None
                continue
            assert probability == score(values, model)  # exact floats
            assert byline == bool(values["all_caps"] and values["multi_token"] and values["caps_run"])
            compared += 1
        kept = [
            m
            for m, v in zip(matches, vectors, strict=True)
            if v["curated"]
            or (score(v, model) >= model["threshold"] and not (v["all_caps"] and v["multi_token"] and v["caps_run"]))
        ]
        assert recognise(text, matches, gaz) == kept
    if len(gaz.places) > 10_000:  # the world store: bulk names, scored by the model
        assert compared > 50, "too few matches were scored"

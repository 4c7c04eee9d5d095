"""The cold start: what a fresh process loads before its first match, and that each shortcut answers
exactly what the slow way answers (bench/cold_start.py measures the time; no timing is asserted here)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import geomap
from geomap.gazetteer import frequency
from geomap.gazetteer.world import _load_automaton, _save_automaton
from geomap.parse import normalize
from geomap.parse.extract import find_mentions
from tests.articlegen import article_text, place_names
from tests.conftest import SEEDS_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def world():
    return geomap.load_gazetteer(world=True)


# Words that are also towns somewhere, in the casings news gives them.
_COMMON_WORDS = (
    "Mobile phones were Nice to have in Reading, said the Split decision. BATH officials met in Bath. "
    "Jordan and Chad talked; March was Long and Best. Hope, Liberty and Victoria spoke of Mary and George. "
    "The Orange Order met. Police in Dover, Kent and Paris shut the Marina. ALEPPO, Aleppo and Halab."
)


def _one_word_surfaces(texts, gazetteer) -> set[str]:
    return {m.surface.lower() for text in texts for m in find_mentions(text, gazetteer) if " " not in m.surface}


def test_the_stored_word_frequencies_answer_what_wordfreq_answers(world):
    """Every one-word name the seed and generated news contain, in every casing and spelling found,
    plus spellings the table cannot hold (a word wordfreq does not list, accents, a final period)."""
    rng, names = random.Random(7), place_names()
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS_DIR.glob("*.txt"))]
    texts += [article_text(rng, names, number, sentences=8) for number in range(40)]
    texts.append(_COMMON_WORDS)
    words = _one_word_surfaces(texts, world) | {
        *("zzqxj", "aleppo", "idlib", "bogotá", "sana'a", "sana’a", "calif.", "the"),
        *("we're", "we’re", "o’connor", "i’ve", "zz’qq", "itâ", "ma’arrat", "ta'if", "minnesotaâ", "café"),
    }
    assert len(words) > 60
    table = world.frequencies
    assert table is not None
    for word in sorted(words):
        assert frequency.lookup(word, table) == frequency.zipf(word), word


def test_a_plain_word_missing_from_the_table_is_one_wordfreq_does_not_list(world):
    """The shortcut's premise: absent plain words are 0 to wordfreq too (a word it lists is present)."""
    assert world.frequencies.get("zzqxj") is None and frequency.zipf("zzqxj") == 0.0
    assert world.frequencies.get("mobile") == frequency.zipf("mobile") > 4
    world.frequencies.prefetch(["zzqxj", "mobile", "nice"])  # a prefetched absent word stays absent
    assert world.frequencies.get("zzqxj") is None and "zzqxj" not in world.frequencies
    assert world.frequencies.get("nice") == frequency.zipf("nice") > 4


def test_wordfreq_reads_a_word_of_the_tables_letters_as_that_one_token():
    """The premise for accented letters: each letter the table's words may hold, at a word's start,
    inside and at its end, leaves the word one token, unchanged (so an unlisted one is 0), except
    after an elision ("l'arc"), which wordfreq splits and the table leaves to wordfreq."""
    from wordfreq import tokenize

    letters = [chr(code) for code in range(0x10000) if frequency._PLAIN_WORD.fullmatch(chr(code))]
    assert len(letters) > 150 and "é" in letters and "â" in letters and "ß" not in letters and "É" not in letters
    for letter in letters:
        for word in (f"{letter}ab", f"ab{letter}cd", f"ab{letter}", f"abc'{letter}", f"ab'{letter}", f"a'{letter}"):
            assert (tokenize(word, "en") == [word]) != bool(frequency._ELISION.match(word)), word
    assert frequency.zipf("minnesotaâ") == 0.0 and frequency.zipf("café") > 3
    assert frequency.lookup("ta'if", {}) == frequency.zipf("ta'if") > 0  # "ta" and "if" to wordfreq


def test_a_job_on_the_world_store_neither_loads_wordfreq_nor_rebuilds_the_folding_table(world, tmp_path):
    """A fresh process extracting the seed on a compiled store: the shortcuts are taken (wordfreq is
    not imported; the folding table comes from the cache folder), and the output is the same as
    the in-process one, which a warm process computed the slow way."""
    normalize._lookup_bmp()  # this process writes the cached folding table if it is not there yet
    output = tmp_path / "cold.jsonl"
    mis_decoded = tmp_path / "mis_decoded.txt"  # UTF-8 read as Latin-1, as in some of LGL's texts
    mis_decoded.write_text("Officials in Minnesotaâ€™s capital said weâ€™re ready for the Gruyère fair.\n")
    inputs = [str(SEEDS_DIR), str(mis_decoded)]
    script = (
        "import sys\n"
        "from geomap import api\n"
        "from geomap.parse import normalize\n"
        "built = []\n"
        "build = normalize._build_lookup\n"
        "normalize._build_lookup = lambda: built.append(1) or build()\n"
        f"api.extract({inputs!r}, {str(output)!r})\n"
        "print('wordfreq' in sys.modules, bool(built))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
    warm = tmp_path / "warm.jsonl"
    geomap.extract(inputs, warm, gazetteer=world)
    assert output.read_bytes() == warm.read_bytes()


def test_the_cached_folding_table_is_the_one_built_from_unicode(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    normalize._lookup_bmp.cache_clear()
    try:
        built = normalize._lookup_bmp()  # no cache yet: built, then stored
        assert normalize._lookup_path().exists()
        normalize._lookup_bmp.cache_clear()
        cached = normalize._lookup_bmp()
    finally:
        normalize._lookup_bmp.cache_clear()
    assert np.array_equal(built, cached)
    assert chr(cached[ord("é")]) == "e" and chr(cached[ord("-")]) == normalize._HYPHEN


def test_a_damaged_folding_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    normalize._lookup_path().write_bytes(b"not an array")
    normalize._lookup_bmp.cache_clear()
    try:
        lookup = normalize._lookup_bmp()
    finally:
        normalize._lookup_bmp.cache_clear()
    assert lookup.shape == (0x10000,) and chr(lookup[ord("Á")]) == "a"


def test_the_automaton_round_trips_through_its_file(tmp_path):
    import ahocorasick

    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for eid, key in enumerate([" idlib", " idlib governorate", " maarat al numan"]):
        automaton.add_word(key, eid)
    automaton.make_automaton()
    _save_automaton(automaton, tmp_path / "a.ac")
    loaded = _load_automaton(tmp_path / "a.ac")
    text = " shelling in idlib governorate and maarat al numan "
    expected = [(29, 1), (49, 2)]  # (index of the last character, entry id)
    assert list(loaded.iter_long(text)) == list(automaton.iter_long(text)) == expected
    assert json.dumps(sorted(loaded.items())) == json.dumps(sorted(automaton.items()))


def test_the_row_decoder_reads_every_stored_list_as_json_does(world):
    """The shortcut for JSON string lists, on every place's aliases and every entry's place ids in the
    store, and on strings with quotes, backslashes, separators and other scripts."""
    import sqlite3

    from geomap.gazetteer.world import _paths, _string_list, data_dir, world_version

    tricky = [[], ["1"], ['x"y', "a\\b", '", "', "é", "Дамаск"], ["Ma'arrat", "Şam"]]
    stored = [json.dumps(items, ensure_ascii=ascii_only) for items in tricky for ascii_only in (True, False)]
    db_path, _ = _paths(data_dir(), world_version())
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        stored += [aliases for (aliases,) in connection.execute("SELECT aliases FROM places")]
        stored += [place_ids for (place_ids,) in connection.execute("SELECT place_ids FROM entries")]
    finally:
        connection.close()
    assert len(stored) > 800_000
    assert all(_string_list(encoded) == json.loads(encoded) for encoded in stored)

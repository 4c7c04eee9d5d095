"""The fast paths of extraction, recognition and resolution give the same numbers as the plain ones.

Why: the per-candidate scores and recognition probabilities are computed without building the
feature dicts (speed only); these tests run real articles through both and compare floats exactly.
"""

from __future__ import annotations

import random
import re

import pytest

import geomap.parse.resolve as resolve_module
from geomap.parse.extract import find_mentions
from geomap.parse.recognize import recognise
from geomap.parse.resolve import resolve
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
    from geomap.gazetteer.world import is_compiled, load_world

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
    from geomap.parse.recognize import load_model, match_features, probabilities, score

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


def _reference_word_hits(folded, gazetteer):
    """The scan as first written: a new iterator after every hit that ends inside a word.

    It scans the text plus "|" as the fast scan does: without it pyahocorasick's ``iter_long`` drops
    a match at the very end of the text when a longer key could have followed (see
    ``test_a_name_at_the_end_of_the_text_is_found``).
    """
    from geomap.parse.extract import _shorter_whole_word_key

    text = folded.text
    size = len(text)
    automaton = gazetteer.automaton
    entries = gazetteer.entries
    position = 0
    while position < size:
        restart = None
        for last, eid in automaton.iter_long(text + "|", position):
            end = last + 1
            start = end - len(entries[eid].key)
            if end == size or text[end] == " ":
                yield start + 1, end, eid
                continue
            shorter = _shorter_whole_word_key(text[start:end], automaton)
            if shorter is not None:
                length, eid2 = shorter
                yield start + 1, start + length, eid2
                restart = start + length
            else:
                restart = text.find(" ", start + 1)
            break
        if restart is None or restart < 0:
            return
        position = restart


def _noisy_texts(gazetteer, count: int = 300) -> list[str]:
    """Word salad from gazetteer keys, their prefixes and common words: many hits end inside words."""
    rng = random.Random(11)
    sample = rng.sample(range(len(gazetteer.entries)), min(400, len(gazetteer.entries)))
    keys = [gazetteer.entries[eid].key.strip() for eid in sample]
    words = ["the", "a", "in", "man", "mandate", "new", "york", "newark", "san", "sana", "al-numan", "ma'arrat"]
    words += ["dublin's", "U.S.", "La.", "of", "and", "radio free europe", "the hague", "north", "northern"]
    pool = keys + [key[: rng.randint(1, len(key))] for key in keys] + words
    texts = []
    for _ in range(count):
        parts = [rng.choice(pool) for _ in range(rng.randint(1, 40))]
        parts = [p.title() if rng.random() < 0.4 else p for p in parts]
        texts.append(rng.choice(["", " ", "\n"]).join(parts) if rng.random() < 0.1 else " ".join(parts))
    return texts


def _with_span_index(gaz):
    """The gazetteer with a span index: the world store's own, or one built over the curated keys."""
    from geomap.gazetteer import Gazetteer, SpanIndex

    if gaz.spans is not None:
        return gaz
    spans = SpanIndex.from_keys((eid, entry.key) for eid, entry in gaz.entries.items())
    automaton = gaz.automaton  # given as a loader, so that find_mentions takes the span index while it can
    return Gazetteer(
        places=gaz.places, entries=gaz.entries, automaton=lambda: automaton, version=gaz.version, spans=spans
    )


def test_word_hits_equal_the_restarting_scan(gaz):
    """Both ways of finding hits (automaton scan, span index lookups) give the reference scan's hits."""
    from geomap.gazetteer import HitRules
    from geomap.gazetteer.index import HIT_CODE, HIT_EXCLUDE
    from geomap.parse.extract import _automaton_word_hits, _indexed_word_hits
    from geomap.parse.normalize import fold

    indexed = _with_span_index(gaz)
    for text in _texts() + _noisy_texts(gaz):
        folded = fold(text)
        want = [
            (s, e, eid, code)
            for s, e, eid in _reference_word_hits(folded, gaz)
            if (code := HitRules.rule(gaz.entries[eid]) & HIT_CODE) != HIT_EXCLUDE
        ]
        assert list(zip(*_automaton_word_hits(folded, gaz), strict=True)) == want, text
        assert list(zip(*_indexed_word_hits(folded, indexed), strict=True)) == want, text


def test_the_stored_hit_rules_are_those_of_the_entries():
    """The world store's rule table (read as two blobs) says of each entry what its row says."""
    import random

    import geomap
    from geomap.gazetteer import HitRules

    world_gaz = geomap.load_gazetteer(world=True)
    rules = world_gaz.hit_rules
    assert len(rules.rules) == len(rules.lengths) == len(world_gaz.entries) > 500_000
    for eid in random.Random(3).sample(range(len(rules.rules)), 3000):
        entry = world_gaz.entries[eid]
        assert (rules.rules[eid], rules.lengths[eid]) == (HitRules.rule(entry), len(entry.key)), entry


@pytest.mark.parametrize("text", ["Ships reached New Dover", "Ships reached New Dover.", "Dover"])
@pytest.mark.parametrize("with_index", [False, True])
def test_a_name_at_the_end_of_the_text_is_found(text, with_index):
    """A name ending the text is found while the scan is inside a longer name ("New Dover Road").

    pyahocorasick's ``iter_long`` drops a match reached through a failure link when the input ends
    (WojciechMula/pyahocorasick#224): the scan must not depend on it.
    """
    from geomap.gazetteer import Gazetteer
    from geomap.model import Place

    gaz = Gazetteer.from_records(
        [Place("1", "Dover", "town", "GB", 51.13, 1.31), Place("2", "New Dover Road", "road", "GB", 51.27, 1.09)]
    )
    if with_index:
        gaz = _with_span_index(gaz)
    assert gaz.automaton_loaded is not with_index
    assert [(m.surface, m.place_ids) for m in find_mentions(text, gaz)] == [("Dover", ("1",))]


def test_batched_near_counts_equal_one_mention_at_a_time(gaz, monkeypatch):
    import numpy as np

    batched = resolve_module._near_counts
    compared = []

    def both(place_ids, size, context, surface):
        got = batched(place_ids, size, context, surface)
        want = [0] * size
        anchors = context.anchors[np.array([o != surface for o in context.anchor_owner], dtype=bool)]
        if len(anchors):
            places = [gaz.places[pid] for pid in place_ids]
            points = np.radians(np.array([(p.lat, p.lon) for p in places], dtype=float))
            lat1, lon1 = points[:, :1], points[:, 1:]
            lat2, lon2 = anchors[:, 0][None, :], anchors[:, 1][None, :]
            h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
            km = 2 * resolve_module._EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
            want = [int(n) for n in (km < resolve_module._NEAR_KM).sum(axis=1)]
            compared.append(size)
        assert got == want
        return got

    monkeypatch.setattr(resolve_module, "_near_counts", both)
    for text in _texts():
        resolve(text, recognise(text, find_mentions(text, gaz), gaz), gaz)
    if len(gaz.places) > 10_000:
        assert compared, "no mention had anchors"


def test_article_spans_equal_the_regex_search():
    from geomap.parse import normalize

    def by_regex(folded):
        spans = [(m.start(), m.end() - 1) for m in normalize._ARTICLE_BEFORE_HYPHEN.finditer(folded)]
        spans += [(m.start(), m.end()) for m in normalize._EL_BEFORE_SPACE.finditer(folded)]
        return sorted(spans)

    rng = random.Random(5)
    pieces = [*normalize._SUN_ARTICLES, "el", "e", "l", "a", "n", "sh", "dh", "x", " ", " ", normalize._HYPHEN]
    texts = [" " + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    texts += [normalize.fold(text).text for text in _texts()]
    for folded in texts:
        assert normalize._matches_in_order(folded) == by_regex(folded), repr(folded)


def test_tiny_caches_give_the_same_toponyms(gaz, monkeypatch):
    """The per-name caches are emptied when full; emptying them all the time changes nothing."""
    import sys

    from geomap.api import geoparse

    texts = _texts()
    want = [geoparse(text, gaz) for text in texts]
    for name in ("geomap.parse.extract", "geomap.parse.recognize", "geomap.parse.resolve"):
        monkeypatch.setattr(sys.modules[name], "_CACHE_LIMIT", 1)
    gaz.memo.clear()
    try:
        assert [geoparse(text, gaz) for text in texts] == want
    finally:
        gaz.memo.clear()


def test_relation_and_cues_equal_the_plain_regex_search():
    from geomap.model import Match

    def relation(text, start):
        before = text[max(0, start - 40) : start]
        found = resolve_module._RELATION_BEFORE.search(before)
        if found:
            return found.group(1).lower()
        direction = resolve_module._DIRECTION_BEFORE.search(before)
        return direction.group(1).lower().replace(" ", "-") if direction else ""

    def cues(text, match, rel):
        before, after = text[max(0, match.start - 40) : match.start], text[match.end : match.end + 30]
        found = set()
        if resolve_module._ADMIN_AFTER.search(after) or resolve_module._ADMIN_BEFORE.search(before):
            found.add("admin")
        if rel and resolve_module._DIRECTION_BEFORE.search(before) and not rel.endswith(" of"):
            found.add("admin")
        if resolve_module._POPULATED_AFTER.search(after) or resolve_module._POPULATED_BEFORE.search(before):
            found.add("populated")
        return found

    rng = random.Random(9)
    words = ["the", "of", "OF", "near", "NEAR", "Outskirts", "close to", "north", "South-East", "northern"]
    words += ["central", "outside", "around", "city", "province", "town", "ſ", "Ḩamāh", "in", "x", "-", ",", "\n"]
    texts = _texts() + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))) + " Idlib" for _ in range(3000)]
    for text in texts:
        for start in {m.start() for m in re.finditer(r"\b\w", text)}:
            end = text.find(" ", start) if " " in text[start:] else len(text)
            match = Match(start, end, text[start:end], "place", ())
            rel = relation(text, start)
            assert resolve_module.relation_of(text, start) == rel, (text, start)
            assert resolve_module._context_cues(text, match, rel) == cues(text, match, rel), (text, start)


def _event_sentences() -> list[str]:
    """Real sentences (the seeds, the event evaluation files) and word salad from the lexicon's phrases.

    The salad mixes cue phrases, their prefixes, date words, apostrophes, hyphens, odd case and
    non-ASCII letters, so that near misses of every pattern are met.
    """
    import tomllib

    from geomap.events.eventtype import default_lexicon_path
    from tests.conftest import ROOT

    sentences = [s for path in sorted(SEEDS_DIR.glob("*.txt")) for s in re.split(r"(?<=[.!?])\s+", path.read_text())]
    for name in ("events_eval.txt", "events_blind.txt"):
        for line in (ROOT / "bench" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                sentences.append(line.split("|")[-1].replace("[[", "").replace("]]", "").strip())
    lexicon = tomllib.loads(default_lexicon_path().read_text(encoding="utf-8"))
    phrases = [
        phrase.replace("*", rng_suffix)
        for table in lexicon["types"].values()
        for key, value in table.items()
        if isinstance(value, list)
        for phrase in value
        for rng_suffix in ("", "s", "ing")
    ]
    words = ["January 27, 2020", "27 Jan 2020", "on Monday", "last week", "3 days ago", "yesterday"]
    words += ["2020-01-27", "in March", "may", "the day before yesterday", "tonight", "overnight", "Mondays"]
    words += ["Sept. 4", "Ḩamāh", "\u212aelvin", "ſhelling", "jet's", "'jets", "air-strike", "un-shelled"]
    words += ["ﬁghting", "(shelling)"]
    rng = random.Random(5)
    for _ in range(1500):
        parts = [rng.choice(phrases + words) for _ in range(rng.randint(1, 12))]
        parts = [p.upper() if rng.random() < 0.1 else p.title() if rng.random() < 0.2 else p for p in parts]
        sentences.append(rng.choice([" ", " - ", ", ", "'", "-"]).join(parts) + rng.choice([".", "", "!"]))
    return sentences


def test_cue_matches_equal_each_groups_finditer():
    from geomap.events.eventtype import _cue_matches, load_lexicon

    lexicon = load_lexicon()
    compared = 0
    for sentence in _event_sentences():
        want = [
            (m.start(), m.end(), index)
            for index, (_, _, pattern) in enumerate(lexicon.cue_groups)
            for m in pattern.finditer(sentence)
        ]
        got = _cue_matches(sentence, lexicon)
        assert sorted(got) == sorted(want), sentence
        compared += len(want)
    assert compared > 3000, "too few cue matches were compared"


def test_sentences_skipped_by_the_date_prefilter_hold_no_date_expression():
    from geomap.events.eventdate import _MAY_HOLD_DATE, _PATTERNS

    skipped = 0
    for sentence in _event_sentences():
        if _MAY_HOLD_DATE.search(sentence):
            continue
        skipped += 1
        assert not any(pattern.search(sentence) for _, pattern in _PATTERNS), sentence
    assert skipped > 200, "the prefilter was hardly exercised"


def test_hits_rejected_at_once_fail_the_case_rules(gaz):
    """The hits ``_hits_to_judge`` rejects without a look fail ``case_allows``, and its "several words"
    is whether the hit's key has a space inside: the vectorised shortcut answers as the plain rules do."""
    import numpy as np

    from geomap.gazetteer import case_allows
    from geomap.parse.extract import _hits_to_judge, _word_hits
    from geomap.parse.normalize import fold

    rejected_seen = 0
    for text in _texts() + _noisy_texts(gaz, count=100):
        folded = fold(text)
        fstarts, fends, eids, codes = (np.array(column, dtype=np.intp) for column in _word_hits(folded, gaz))
        if not eids.size:
            continue
        starts = folded.offsets[fstarts]
        ends = folded.ends[fends - 1]
        judged, rejected, several = _hits_to_judge(text, folded, fstarts, fends, codes, starts)
        assert set(judged.tolist()) == {i for i in range(len(eids)) if not rejected[i] or several[i]}
        for start, end, eid, is_rejected, is_several in zip(starts, ends, eids, rejected, several, strict=True):
            entry = gaz.entries[int(eid)]
            assert bool(is_several) == (" " in entry.key[1:]), (text, entry.key)
            if is_rejected:
                rejected_seen += 1
                assert not case_allows(entry.patterns, text[start:end]), (text, text[start:end])
    assert rejected_seen > 0


def _edge_texts(seed: int, alphabet: str, count: int) -> list[str]:
    """Short random texts of ``alphabet`` (words, punctuation, quotes, spaces), and the real ones."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(count)]
    return texts + _texts()


def test_sentence_spans_equal_the_plain_splitter():
    """The sentence-end pattern written with a leading class, the trimming by lengths and the short-word
    shortcut of the abbreviation test give the spans of the plain rules."""
    from geomap.parse import sentences

    plain_end = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[^\n]{0,200}$)|\n")

    def plain_abbreviation(text, dot):
        word = re.search(r"([\w.]+)$", text[max(0, dot - 12) : dot])
        token = word.group(1).lower().strip(".") if word else ""
        return bool(word) and (token in sentences._ABBREVIATIONS or (len(token) == 1 and token.isalpha()))

    def plain_spans(text):
        spans, start = [], 0
        for found in plain_end.finditer(text):
            if found.group(0)[0] == "." and plain_abbreviation(text, found.start()):
                continue
            spans.append((start, found.end()))
            start = found.end()
        spans.append((start, len(text)))
        trimmed = [sentences._trim(text, s, e) for s, e in spans if text[s:e].strip()]
        return [piece for s, e in trimmed for piece in sentences._cut_long(text, s, e)]

    texts = _edge_texts(11, "ab AZ09_.?!\n\t\u00a0\"'”’)]([“‘,;-—mrsUt.", 30_000)
    texts += ["Word, " * 700 + "Mr. Smith. " + "x" * 4000]  # cut run-on lines
    for text in texts:
        assert [m.span() for m in sentences._END.finditer(text)] == [m.span() for m in plain_end.finditer(text)]
        assert sentences.sentence_spans(text) == plain_spans(text), repr(text)


def test_sentence_starts_at_equal_at():
    from geomap.parse.sentences import SentenceIndex

    for text in _edge_texts(12, "ab A. \n?", 3000):
        index = SentenceIndex(text)
        offsets = list(range(len(text) + 1))
        assert index.starts_at(offsets) == [index.at(offset)[0] for offset in offsets]


def test_words_around_a_match_equal_the_regex_search():
    """The word before (last token shortcut), the word after (one anchored match) and the given name
    before (skipped unless the word before is one, after a space) are what the plain searches find."""
    from geomap.parse import recognize

    def plain_before(text, start):
        words = recognize._WORD.findall(text[max(0, start - 40) : start])
        return words[-1] if words else ""

    def plain_after(text, end):
        found = recognize._WORD.search(text[end : end + 40])
        return found.group(0) if found and not text[end : end + found.start()].strip(" ") else ""

    def plain_given_name(text, start):
        word = recognize._GIVEN_NAME_BEFORE.search(text, max(0, start - 30), start)
        return word.span(1) if word is not None and word.group(1).lower() in recognize.given_names() else None

    texts = _edge_texts(13, "ab AZé_'’.,;-()\"\n\t ", 20_000)
    texts += _edge_texts(14, ["Mary ", "Jones", "JOHN ", " ", "O'", "x", ".", "-", "’s", "(", "\n"], 5_000)
    for text in texts:
        for offset in range(len(text) + 1):
            before = recognize._word_before(text, offset)
            assert before == plain_before(text, offset), (text, offset)
            assert recognize._word_after(text, offset) == plain_after(text, offset), (text, offset)
            given = recognize._given_name_before(text, offset, before)
            assert (given.span(1) if given else None) == plain_given_name(text, offset), (text, offset)
            if given:  # the shortcut of probabilities() lets every given name before a match through
                assert recognize._may_be_named(text, offset, "", before.lower()), (text, offset)


def test_kept_decisions_and_lent_near_matrices_give_the_same_toponyms(gaz, monkeypatch):
    """A later pass keeps a choice's decision when nothing it reads changed, and reuses the previous
    pass's near matrix when the anchors did not change; working everything out again changes nothing."""
    texts = _texts()
    decided = []
    decide = resolve_module._decide

    def counted(choice, context, near):
        decided.append(choice)
        return decide(choice, context, near)

    def run():
        decided.clear()
        return [resolve(text, recognise(text, find_mentions(text, gaz), gaz), gaz) for text in texts], len(decided)

    monkeypatch.setattr(resolve_module, "_decide", counted)
    kept, fewer = run()
    prepare = resolve_module._NearRows.prepare
    monkeypatch.setattr(resolve_module, "_changed_divisions", lambda before, now: None)
    monkeypatch.setattr(resolve_module._NearRows, "prepare", lambda self, context, same: prepare(self, context, None))
    recomputed, more = run()
    assert kept == recomputed
    if len(gaz.places) > 10_000:
        assert fewer < more, "no decision was kept"


def test_the_endings_filter_lets_every_regex_match_through():
    """_may_end is only a shortcut: whenever a before-pattern matches, the endings filter said it might."""
    rng = random.Random(11)
    words = ["the", "The", "of", "OF", "to", "near", "close", "outskirts", "north", "South-East", "eastern"]
    words += ["province", "city", "Town", "rural", "across", "downtown", "in", "ſ", "Ḩamāh", "x", "-", ",", "\n", "  "]
    patterns = [
        (resolve_module._RELATION_ENDINGS, resolve_module._RELATION_BEFORE),
        (resolve_module._RELATION_ENDINGS, resolve_module._DIRECTION_BEFORE),
        (resolve_module._ADMIN_ENDINGS, resolve_module._ADMIN_BEFORE),
        (resolve_module._POPULATED_ENDINGS, resolve_module._POPULATED_BEFORE),
    ]
    matched = 0
    for _ in range(20_000):
        window = " ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) + rng.choice(["", " ", "\n"])
        for endings, pattern in patterns:
            if pattern.search(window):
                matched += 1
                assert resolve_module._may_end(window, endings), (window, pattern.pattern)
    assert matched > 1000

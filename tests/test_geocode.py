"""The opt-in online fallback, against a fake Nominatim on 127.0.0.1: never a real geocoding service."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import warnings
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import map_text

from geomap.api import geoparse
from geomap.cli import main
from geomap.errors import GeocoderError
from geomap.geocode import (
    EXAMPLE_USER_AGENT,
    GeocoderDegradedWarning,
    OnlineGeocoder,
    parse_service_url,
    unknown_place_names,
)
from geomap.parse.normalize import fold_name

USER_AGENT = "geomap-tests/1.0 (tests@example.org)"
ARTICLE = "Shelling hit the village of Tell Zuhra near Idlib on Tuesday, killing two, activists said."
DAY = 24 * 3600.0
#: Invented names: neither is in the gazetteer, so only the fake server knows Tell Zuhra.
TWO_UNKNOWN = "Shelling hit the village of Tell Zuhra near Idlib. Later, jets struck the town of Kafr Qasimiya."
TELL_ZUHRA = {
    "place_id": 991, "osm_type": "node", "osm_id": 4242, "lat": "35.77001", "lon": "36.51234", "class": "place",
    "type": "village", "addresstype": "village", "name": "Tell Zuhra", "display_name": "Tell Zuhra, Idlib, Syria",
    "address": {"village": "Tell Zuhra", "state": "Idlib Governorate", "country": "Syria", "country_code": "sy"},
}  # fmt: skip


class FakeNominatim:
    """A Nominatim-shaped ``/search`` on a random local port; counts requests; ``mode`` sets failures.

    ``script`` lists the modes of the next requests (consumed one per request, then ``mode`` again),
    so a test can make the service fail twice and then recover. ``retry_after`` is sent with errors.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.mode = "ok"  # ok | slow | badjson | an HTTP status ("429", "500", "403", ...)
        self.script: list[str] = []
        self.retry_after: str | None = None
        self.places = {"tell zuhra": TELL_ZUHRA}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append({"path": parts.path, "agent": self.headers.get("User-Agent"), **query})
                mode = fake.script.pop(0) if fake.script else fake.mode
                if mode.isdigit():
                    self._reply(int(mode), b'{"error": "try later"}', fake.retry_after)
                elif mode == "slow":
                    time.sleep(1.0)
                    self._reply(200, b"[]")
                elif mode == "badjson":
                    self._reply(200, b"<html>not json")
                elif parts.path != "/search":
                    self._reply(404, b"[]")
                else:
                    found = fake.places.get(query.get("q", "").lower())
                    self._reply(200, json.dumps([found] if found else []).encode())

            def _reply(self, status: int, body: bytes, retry_after: str | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if retry_after is not None:
                        self.send_header("Retry-After", retry_after)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)  # quick shutdown
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = FakeNominatim()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch):
    """geopy honours the system proxy variables; the fake server must be reached directly."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _geocoder(fake_or_url, tmp_path, **options) -> OnlineGeocoder:
    url = fake_or_url if isinstance(fake_or_url, str) else fake_or_url.url
    domain, scheme = parse_service_url(url)
    options = {"min_delay_seconds": 0.0, "timeout": 2.0, "sleep": _no_sleep, **options}
    return OnlineGeocoder(
        "nominatim", user_agent=USER_AGENT, cache_path=tmp_path / "cache.sqlite", domain=domain, scheme=scheme,
        **options,
    )  # fmt: skip


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"the rate limiter slept {seconds} s in a test that should not wait")


def _by_surface(toponyms) -> dict:
    return {t.surface: t for t in toponyms}


# ------------------------------------------------------------------------------------------
# Candidates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ARTICLE, ["Tell Zuhra"]),
        ("Fighting raged outside al-Bara and near Kafr Qasimiya.", ["al-Bara", "Kafr Qasimiya"]),
        ("In Tell Zuhra, residents fled. Tell Zuhra was empty by noon.", ["Tell Zuhra", "Tell Zuhra"]),
        ("Jets struck 5 km north of Tell Zuhra.", ["Tell Zuhra"]),
        ("The attack came in March, on Tuesday, at Christmas.", []),  # months, weekdays, holidays
        ("He studied at Harvard University and works in Congress.", []),  # organisations, common words
        ("It was reported in NATO briefings near Ahmed's house.", []),  # acronyms, possessives
        ("The talks ended, said President Hamid Karzai in Kabul Times.", []),  # titles, org words
        ("In The Tell Zuhra area", ["Tell Zuhra"]),  # leading stop words are stripped
    ],
)
def test_unknown_place_names_are_conservative(text, expected, gazetteer):
    toponyms = geoparse(text, gazetteer)
    assert [name for _, _, name in unknown_place_names(text, toponyms)] == expected


def test_unknown_place_names_use_qualifiers_and_skip_known_names(gazetteer):
    text = "Residents of Tell Zuhra, Idlib, said Maarat al-Numan and Idlib were shelled."
    toponyms = geoparse(text, gazetteer)
    found = unknown_place_names(text, toponyms)
    assert [(text[s:e], name) for s, e, name in found] == [("Tell Zuhra", "Tell Zuhra")]
    assert not any(s < t.end and t.start < e for s, e, _ in found for t in toponyms)


# ------------------------------------------------------------------------------------------
# (a)-(c): found, cached, negative results cached


def test_unknown_village_gets_the_servers_coordinates(fake, tmp_path, gazetteer):
    offline = geoparse(ARTICLE, gazetteer)
    with _geocoder(fake, tmp_path) as geocoder:
        toponyms = geoparse(ARTICLE, gazetteer, geocoder=geocoder)
    found = _by_surface(toponyms)["Tell Zuhra"]
    assert (found.place.lat, found.place.lon) == (35.77001, 36.51234)
    assert found.place.id == "nominatim:node/4242"
    assert (found.place.kind, found.place.country, found.place.admin1) == ("village", "SY", "Idlib Governorate")
    assert found.place.source == "online:nominatim"
    assert (found.type, found.confidence, found.reason) == ("place", 0.5, "online geocoder nominatim")
    assert [t for t in toponyms if t is not found] == offline  # offline toponyms untouched, document order
    assert [t.start for t in toponyms] == sorted(t.start for t in toponyms)
    (request,) = fake.requests
    assert request["path"] == "/search" and request["q"] == "Tell Zuhra"
    assert request["countrycodes"] == "sy"  # the article is about Syria
    assert request["agent"] == USER_AGENT


def test_second_run_uses_the_cache(fake, tmp_path, gazetteer):
    with _geocoder(fake, tmp_path) as geocoder:
        first = geoparse(ARTICLE, gazetteer, geocoder=geocoder)
    assert len(fake.requests) == 1
    with _geocoder(fake, tmp_path) as geocoder:  # a new run: a new geocoder on the same cache file
        second = geoparse(ARTICLE, gazetteer, geocoder=geocoder)
        assert (geocoder.requests, geocoder.cache_hits) == (0, 1)
    assert len(fake.requests) == 1
    assert second == first


def test_not_found_is_cached_too(fake, tmp_path, gazetteer):
    text = "Jets struck the town of Kafr Qasimiya near Idlib."
    with _geocoder(fake, tmp_path) as geocoder:
        assert geoparse(text, gazetteer, geocoder=geocoder) == geoparse(text, gazetteer)
    assert len(fake.requests) == 1
    with _geocoder(fake, tmp_path) as geocoder:
        geoparse(text, gazetteer, geocoder=geocoder)
        geoparse(text, gazetteer, geocoder=geocoder)
        assert geocoder.requests == 0
    assert len(fake.requests) == 1


def test_a_shop_of_that_name_is_not_the_place(fake, tmp_path, gazetteer):
    fake.places["kafr qasimiya"] = {**TELL_ZUHRA, "class": "shop", "type": "bakery", "name": "Kafr Qasimiya"}
    with _geocoder(fake, tmp_path) as geocoder:
        toponyms = geoparse(TWO_UNKNOWN, gazetteer, geocoder=geocoder)
    assert "Kafr Qasimiya" not in _by_surface(toponyms) and "Tell Zuhra" in _by_surface(toponyms)


# ------------------------------------------------------------------------------------------
# (d): the rate limiter spaces requests with an injected clock


def test_rate_limiter_spaces_requests_without_sleeping(fake, tmp_path):
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    geocoder = _geocoder(fake, tmp_path, min_delay_seconds=1.0, clock=lambda: now[0], sleep=sleep)
    geocoder.geocode("Tell Zuhra")
    geocoder.geocode("Kafr Qasimiya")  # asked at once: waits a full second
    now[0] += 0.25
    geocoder.geocode("Ain Laroz")  # 0.25 s later: waits the rest
    geocoder.geocode("Tell Zuhra")  # cached: no request, no wait
    now[0] += 5.0
    geocoder.geocode("Deir Sunbul")  # long after: no wait
    geocoder.close()
    assert slept == pytest.approx([1.0, 0.75])
    assert [r["q"] for r in fake.requests] == ["Tell Zuhra", "Kafr Qasimiya", "Ain Laroz", "Deir Sunbul"]


# ------------------------------------------------------------------------------------------
# (e): failures are retried with backoff, then degrade to offline results with one warning


class FakeTime:
    """An injected clock and sleep: records every wait and advances the clock instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _refused_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # closed again: nothing listens there


def _cached_rows(tmp_path) -> dict[tuple[str, str], bool]:
    """``{(name, countries): found}`` of the cache file, names as folded keys."""
    with closing(sqlite3.connect(tmp_path / "cache.sqlite")) as db:
        rows = db.execute("SELECT query, countries, result IS NOT NULL FROM answers").fetchall()
    return {(query, countries): bool(found) for query, countries, found in rows}


def _key(name: str, countries: str = "sy") -> tuple[str, str]:
    return fold_name(name).strip(), countries  # the key OnlineGeocoder.geocode uses


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("429", "HTTP 429"),
        ("500", "HTTP 500"),
        ("slow", "timed out"),
        ("badjson", "bad JSON"),
        ("refused", "failed"),
    ],
)
def test_failures_degrade_to_offline_with_one_warning(fake, tmp_path, gazetteer, mode, reason):
    fake.mode = mode
    target = _refused_url() if mode == "refused" else fake
    texts = [TWO_UNKNOWN, ARTICLE, "Fighting near al-Bara, Idlib, and in Kafr Nabudah."]
    fake_time = FakeTime()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _geocoder(target, tmp_path, timeout=0.2, max_retries=1, sleep=fake_time.sleep) as geocoder:
            started = time.monotonic()
            results = [geoparse(text, gazetteer, geocoder=geocoder) for text in texts]
            elapsed = time.monotonic() - started
    assert results == [geoparse(text, gazetteer) for text in texts]  # offline toponyms intact
    degraded = [w for w in caught if issubclass(w.category, GeocoderDegradedWarning)]
    assert len(degraded) == 1, [str(w.message) for w in caught]
    message = str(degraded[0].message)
    assert message.startswith("online geocoder nominatim failed (") and message.endswith("; continuing offline")
    assert reason in message and geocoder.failure == message and geocoder.degraded
    # one request and one retry, then no more this run
    assert geocoder.requests == 2 and len(fake.requests) == (0 if mode == "refused" else 2)
    assert fake_time.slept == [2.0]  # the default first wait, through the injected sleep
    assert {"Tell Zuhra", "Kafr Qasimiya"} <= geocoder.failed_names
    assert geocoder.failed_lookups == len(geocoder.failed_names) and geocoder.failure_count > len(texts)
    assert elapsed < 1.0  # the 0.2 s timeout held, and the wait was not slept for real


def test_transient_errors_are_retried_until_an_answer(fake, tmp_path, gazetteer):
    fake.script = ["500", "500"]  # then healthy
    fake_time = FakeTime()
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeocoderDegradedWarning)
        with _geocoder(fake, tmp_path, max_retries=2, sleep=fake_time.sleep) as geocoder:
            toponyms = geoparse(ARTICLE, gazetteer, geocoder=geocoder)
    assert _by_surface(toponyms)["Tell Zuhra"].place.id == "nominatim:node/4242"
    assert not geocoder.degraded and geocoder.failure is None
    assert (geocoder.failed_names, geocoder.failed_lookups, geocoder.failure_count) == (set(), 0, 0)
    assert [r["q"] for r in fake.requests] == ["Tell Zuhra"] * 3 and geocoder.requests == 3
    assert _cached_rows(tmp_path) == {_key("Tell Zuhra"): True}


def test_backoff_waits_grow_through_the_injected_sleep(fake, tmp_path):
    fake.mode = "503"
    fake_time = FakeTime()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoderDegradedWarning)
        with _geocoder(
            fake, tmp_path, max_retries=3, error_wait_seconds=0.5, clock=fake_time.clock, sleep=fake_time.sleep
        ) as geocoder:
            assert geocoder.geocode("Tell Zuhra") is None
    assert fake_time.slept == [0.5, 1.0, 2.0]  # doubling; 1 + 3 requests, no real sleeping
    assert len(fake.requests) == 4 and geocoder.degraded


def test_backoff_honours_a_short_retry_after_and_gives_up_on_a_long_one(fake, tmp_path):
    fake.mode, fake.retry_after = "429", "7"
    fake_time = FakeTime()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoderDegradedWarning)
        with _geocoder(fake, tmp_path, max_retries=2, error_wait_seconds=1.0, sleep=fake_time.sleep) as geocoder:
            geocoder.geocode("Tell Zuhra")
    assert fake_time.slept == [7.0, 7.0] and len(fake.requests) == 3  # max(backoff, Retry-After)
    fake.requests.clear()
    fake.retry_after = "3600"  # come back in an hour: retrying sooner is pointless, degrade now
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoderDegradedWarning)
        with _geocoder(fake, tmp_path, max_retries=2, sleep=_no_sleep) as geocoder:
            geocoder.geocode("Tell Zuhra")
    assert len(fake.requests) == 1 and geocoder.degraded


@pytest.mark.parametrize(("mode", "reason"), [("403", "HTTP 403"), ("400", "HTTP 400"), ("404", "HTTP 404")])
def test_refusals_are_not_retried(fake, tmp_path, mode, reason):
    fake.mode = mode  # e.g. 403: a user agent the service blocks; asking again only annoys it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoderDegradedWarning)
        with _geocoder(fake, tmp_path, max_retries=2, sleep=_no_sleep) as geocoder:
            assert geocoder.geocode("Tell Zuhra") is None
            assert geocoder.geocode("Kafr Qasimiya") is None  # degraded: not sent
    assert len(fake.requests) == 1 and geocoder.degraded and reason in geocoder.failure
    assert geocoder.failed_names == {"Tell Zuhra", "Kafr Qasimiya"} and geocoder.failure_count == 2


def test_failed_names_are_not_cached_and_asked_next_run(fake, tmp_path, gazetteer):
    fake.mode = "500"
    counts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeocoderDegradedWarning)
        with _geocoder(fake, tmp_path, max_retries=1, sleep=FakeTime().sleep) as geocoder:
            for text in (TWO_UNKNOWN, ARTICLE, "Nothing unknown happened in Idlib."):
                before = geocoder.failure_count
                geoparse(text, gazetteer, geocoder=geocoder)
                counts.append(geocoder.failure_count - before)
    assert counts == [2, 1, 0]  # a caller can tell which articles had a failed lookup
    assert geocoder.failed_names == {"Tell Zuhra", "Kafr Qasimiya"} and geocoder.failed_lookups == 2
    assert len(fake.requests) == 2  # Tell Zuhra and its retry; then degraded, nothing more sent
    assert _cached_rows(tmp_path) == {}  # a failure is not an answer
    fake.mode = "ok"
    fake.requests.clear()
    with _geocoder(fake, tmp_path) as geocoder:  # the next run, same cache file, healthy service
        toponyms = geoparse(TWO_UNKNOWN, gazetteer, geocoder=geocoder)
        assert (geocoder.failed_names, geocoder.failure_count, geocoder.cache_hits) == (set(), 0, 0)
    assert [r["q"] for r in fake.requests] == ["Tell Zuhra", "Kafr Qasimiya"]
    assert "Tell Zuhra" in _by_surface(toponyms) and "Kafr Qasimiya" not in _by_surface(toponyms)
    assert _cached_rows(tmp_path) == {_key("Kafr Qasimiya"): False, _key("Tell Zuhra"): True}


def _age_cache(tmp_path, seconds: float) -> None:
    with closing(sqlite3.connect(tmp_path / "cache.sqlite")) as db, db:
        db.execute("UPDATE answers SET fetched = fetched - ?", (seconds,))


@pytest.mark.parametrize(("ttl", "age", "asked_again"), [
    (None, 29 * DAY, False), (None, 31 * DAY, True), (3600.0, 1800.0, False), (3600.0, 7200.0, True),
])  # fmt: skip
def test_not_found_expires_and_found_does_not(fake, tmp_path, ttl, age, asked_again):
    options = {} if ttl is None else {"not_found_ttl": ttl}
    with _geocoder(fake, tmp_path, **options) as geocoder:
        assert geocoder.geocode("Tell Zuhra") is not None and geocoder.geocode("Kafr Qasimiya") is None
    _age_cache(tmp_path, age)
    fake.requests.clear()
    fake.places["kafr qasimiya"] = {**TELL_ZUHRA, "name": "Kafr Qasimiya", "osm_id": 77}  # mapped since
    with _geocoder(fake, tmp_path, **options) as geocoder:
        assert geocoder.geocode("Tell Zuhra") is not None  # a found answer never expires
        again = geocoder.geocode("Kafr Qasimiya")
    assert [r["q"] for r in fake.requests] == (["Kafr Qasimiya"] if asked_again else [])
    assert (again is not None) == asked_again
    fake.requests.clear()
    with _geocoder(fake, tmp_path, **options) as geocoder:  # the answer just stored is fresh
        geocoder.geocode("Kafr Qasimiya")
    assert fake.requests == []


def test_an_old_cache_file_is_read_as_is(fake, tmp_path):
    """A cache written before not-found answers expired (same table) is used without migration."""
    with closing(sqlite3.connect(tmp_path / "cache.sqlite")) as db, db:
        db.execute(
            "CREATE TABLE answers (service TEXT NOT NULL, query TEXT NOT NULL, countries TEXT NOT NULL, "
            "result TEXT, fetched REAL NOT NULL, PRIMARY KEY (service, query, countries))"
        )
        db.execute(
            "INSERT INTO answers VALUES ('nominatim', ?, '', NULL, ?)", (_key("Kafr Qasimiya", "")[0], time.time())
        )
    with _geocoder(fake, tmp_path) as geocoder:
        assert geocoder.geocode("Kafr Qasimiya") is None and geocoder.cache_hits == 1
    assert fake.requests == []


# ------------------------------------------------------------------------------------------
# (f): misconfiguration fails in __init__ with the fix


@pytest.mark.parametrize("agent", ["", "   ", "my-application", "specify_your_app_name_here", "geopy/2.5.0",
                                   EXAMPLE_USER_AGENT])  # fmt: skip
def test_missing_or_sample_user_agent_is_rejected(tmp_path, agent):
    with pytest.raises(GeocoderError, match=r'--user-agent "yourapp/1\.0 \(you@example\.org\)"'):
        OnlineGeocoder("nominatim", user_agent=agent, cache_path=tmp_path / "cache.sqlite")
    assert not (tmp_path / "cache.sqlite").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_retries": -1}, "max_retries must be an integer >= 0"),
        ({"max_retries": 1.5}, "max_retries must be an integer >= 0"),
        ({"error_wait_seconds": -2.0}, "error_wait_seconds and not_found_ttl must be >= 0"),
        ({"not_found_ttl": -1.0}, "error_wait_seconds and not_found_ttl must be >= 0"),
    ],
)
def test_bad_retry_options_are_rejected(tmp_path, options, message):
    with pytest.raises(GeocoderError, match=message):
        OnlineGeocoder("nominatim", user_agent=USER_AGENT, cache_path=tmp_path / "cache.sqlite", **options)
    assert not (tmp_path / "cache.sqlite").exists()


def test_unknown_service_lists_valid_ones(tmp_path):
    with pytest.raises(GeocoderError, match="unknown geocoder 'nominatimm'; use one of nominatim, photon, arcgis"):
        OnlineGeocoder("nominatimm", user_agent=USER_AGENT, cache_path=tmp_path / "cache.sqlite")


def test_service_needing_an_api_key_is_refused(tmp_path):
    with pytest.raises(GeocoderError, match="cannot be used without its own options"):
        OnlineGeocoder("bing", user_agent=USER_AGENT, cache_path=tmp_path / "cache.sqlite")


@pytest.mark.parametrize("url", ["localhost:8080", "ftp://example.org", "http://"])
def test_bad_service_url_is_rejected(url):
    with pytest.raises(GeocoderError, match="expected a URL like http://localhost:8080"):
        parse_service_url(url)


def test_other_geopy_services_construct_offline(tmp_path):
    for name in ("photon", "arcgis"):
        with OnlineGeocoder(name, user_agent=USER_AGENT, cache_path=tmp_path / "cache.sqlite") as geocoder:
            assert geocoder.service == name and geocoder.requests == 0


# ------------------------------------------------------------------------------------------
# (g), (h): the command line


@pytest.fixture
def article_folder(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "tell-zuhra.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    return folder


def test_without_geocoder_nothing_touches_the_network(tmp_path, article_folder, seed_path, no_network, capsys):
    (article_folder / seed_path.name).write_bytes(seed_path.read_bytes())
    assert main(["build", str(article_folder), "-o", str(tmp_path / "map.html")]) == 0, capsys.readouterr().err
    assert main(["extract", str(article_folder), "-o", str(tmp_path / "pred.jsonl")]) == 0
    assert no_network == []
    assert "Tell Zuhra" not in (tmp_path / "pred.jsonl").read_text(encoding="utf-8")


def test_cli_extract_with_geocoder_end_to_end(fake, tmp_path, article_folder, monkeypatch, capsys):
    monkeypatch.setenv("GEOMAP_DATA", str(tmp_path / "data"))
    output = tmp_path / "pred.jsonl"
    argv = ["--curated-only", "extract", str(article_folder), "-o", str(output), "--geocoder", "nominatim",
            "--geocoder-url", fake.url, "--user-agent", "test/1.0"]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    (record,) = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    found = {t["surface"]: t for t in record["toponyms"]}
    assert (found["Tell Zuhra"]["lat"], found["Tell Zuhra"]["lon"]) == (35.77001, 36.51234)
    assert found["Tell Zuhra"]["place_id"] == "nominatim:node/4242" and "Idlib" in found
    assert (tmp_path / "data" / "geocode-cache.sqlite").exists()  # the default cache: <data dir>/
    assert [r["agent"] for r in fake.requests] == ["test/1.0"]
    assert main(argv) == 0 and len(fake.requests) == 1  # the re-run is served from the cache
    assert "warning" not in capsys.readouterr().err


def test_cli_build_with_geocoder_puts_the_village_on_the_map(fake, tmp_path, article_folder, capsys):
    output = tmp_path / "map.html"
    argv = ["build", str(article_folder), "-o", str(output), "--geocoder", "nominatim", "--geocoder-url", fake.url,
            "--user-agent", USER_AGENT, "--geocoder-cache", str(tmp_path / "geo.sqlite")]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    assert "Tell Zuhra" in map_text(output)
    assert len(fake.requests) == 1 and (tmp_path / "geo.sqlite").exists()


@pytest.fixture
def cli_time(monkeypatch) -> FakeTime:
    """The command line's geocoder gets a fake clock and sleep: its retries wait without sleeping."""
    fake_time = FakeTime()
    init = OnlineGeocoder.__init__

    def with_fake_time(self, *args, **options) -> None:
        init(self, *args, **{"clock": fake_time.clock, "sleep": fake_time.sleep, **options})

    monkeypatch.setattr(OnlineGeocoder, "__init__", with_fake_time)
    return fake_time


def test_cli_failure_is_one_warning_line_and_exit_3(fake, tmp_path, article_folder, capsys, cli_time):
    fake.mode = "429"
    (article_folder / "more.txt").write_text(TWO_UNKNOWN + "\n", encoding="utf-8")
    output = tmp_path / "pred.jsonl"
    argv = ["extract", str(article_folder), "-o", str(output), "--geocoder", "nominatim", "--geocoder-url", fake.url,
            "--user-agent", USER_AGENT, "--geocoder-cache", str(tmp_path / "geo.sqlite")]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeocoderDegradedWarning)  # the CLI must not let the warning escape
        code = main(argv)
    err = capsys.readouterr().err
    assert code == 3, err  # a partial result: names were left to a failed service
    warned = [line for line in err.splitlines() if "warning" in line]
    assert warned == [
        "geomap: warning: online geocoder nominatim failed (HTTP 429: HTTP Error 429: Too Many Requests); "
        "continuing offline; 2 names could not be looked up"
    ]
    assert output.exists() and len(fake.requests) == 3  # the default 2 retries, then offline
    assert cli_time.slept == [2.0, 4.0]  # the default backoff


def test_cli_geocoder_without_user_agent_says_the_fix(fake, tmp_path, article_folder, capsys):
    argv = ["extract", str(article_folder), "-o", str(tmp_path / "pred.jsonl"), "--geocoder", "nominatim",
            "--geocoder-url", fake.url, "--geocoder-cache", str(tmp_path / "geo.sqlite")]  # fmt: skip
    assert main(argv) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("geomap: error: ") and '--user-agent "yourapp/1.0 (you@example.org)"' in line
    assert fake.requests == [] and not (tmp_path / "pred.jsonl").exists()


def test_help_documents_the_geocoder_flags(capsys):
    for command in ("build", "extract"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        for flag in ("--geocoder ", "--user-agent", "--geocoder-cache", "--geocoder-url"):
            assert flag in out


def test_a_build_during_an_outage_is_completed_by_the_next_healthy_run(
    fake, tmp_path, article_folder, capsys, cli_time
):
    """Issue 16 (5): the rows made while the service failed used to stay in the store for good."""
    output = tmp_path / "map.html"
    cache = str(tmp_path / "geo.sqlite")
    argv = ["--curated-only", "build", str(article_folder), "-o", str(output), "--geocoder", "nominatim",
            "--geocoder-url", fake.url, "--user-agent", USER_AGENT, "--geocoder-cache", cache]  # fmt: skip
    fake.mode = "500"
    assert main(argv) == 3  # a partial result
    err = capsys.readouterr().err
    assert "1 name could not be looked up; asked again on the next run" in err
    assert "nominatim:node/4242" not in map_text(output)  # the village is not on the map yet

    fake.mode, fake.requests[:] = "ok", []
    assert main(argv) == 0, capsys.readouterr().err  # no touch, no new article: the store knows what is left
    assert len(fake.requests) == 1
    assert "nominatim:node/4242" in map_text(output)
    fake.requests[:] = []
    assert main(argv) == 0 and fake.requests == []  # done: nothing is asked twice

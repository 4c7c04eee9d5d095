"""Benchmark geomap's map at 1k / 10k / 100k events against folium's MarkerCluster and FastMarkerCluster.

Why: 100k events must open in at most 3 s from at most 20 MB, and geomap's folium map must stay
ahead of what a folium user would write. For synthetic but realistic tables (about two mentions a
place, twenty an article, one-line snippets) it measures, for each page:

* build: wall time in Python from the events table to the HTML text (caches warm);
* size: the HTML file in MB;
* drawn: ms from navigation start until the markers are in the DOM (geomap: clustering done too),
  in headless Chromium with the network blocked; median of 3 page loads after a warm-up page.

The peers are folium's two documented ways on a ``folium.Map``: one ``folium.Marker`` with an HTML
popup per place inside a ``MarkerCluster``, and ``FastMarkerCluster`` with one ``[lat, lon, popup]``
row per place and a callback binding the popup. Every page, geomap's and the peers', is made
self-contained by ``geomap.offline`` (there is no network here), so all three carry their libraries.

Run: ``python bench/map.py [--sizes 1000 10000 100000] [--stock-cap 10000] [--markdown]``
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geomap.map import offline, render_map

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
KINDS = ["city", "town", "village", "military base"]
COUNTRIES = ["SY", "IQ", "TR", "LB", "JO"]
WORDS = [
    "shelling",
    "strike",
    "convoy",
    "forces",
    "civilians",
    "reported",
    "checkpoint",
    "offensive",
    "ceasefire",
    "aid",
]


def synthetic_events(n: int, *, seed: int = 0) -> pd.DataFrame:
    """``n`` mentions of ``n // 2`` places in ``n // 20`` articles over a year, deterministic."""
    rng = np.random.default_rng(seed)
    n_places, n_articles = max(1, n // 2), max(1, n // 20)
    place = rng.integers(0, n_places, n)
    article = rng.integers(0, n_articles, n)
    plat = np.round(rng.uniform(30, 40, n_places), 4)
    plon = np.round(rng.uniform(35, 45, n_places), 4)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 365, n_articles), unit="D")
    names = [f"Place {i}" for i in range(n_places)]
    rows = []
    for i in range(n):
        p, a = int(place[i]), int(article[i])
        name = names[p]
        words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(8))
        snippet = f"Witnesses said {words} near {name} on the main road, local officials told reporters."
        lo = snippet.index(name)
        rows.append(
            (f"a{a:06d}", f"Article {a} on the offensive", days[a].strftime("%Y-%m-%d"),
             f"https://example.org/news/{a}", f"Source {a % 40}", name, 1000 + lo, 1000 + lo + len(name),
             "place", f"p{p}", name, KINDS[p % len(KINDS)], COUNTRIES[p % len(COUNTRIES)], "",
             float(plat[p]), float(plon[p]), 0.9, "bench", "", snippet, 1000)
        )  # fmt: skip
    columns = [
        "article_id", "title", "date", "url", "source", "mention", "start", "end", "type", "place_id",
        "place_name", "kind", "country", "admin1", "lat", "lon", "confidence", "reason", "relation",
        "snippet", "snippet_start",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _place_popups(events: pd.DataFrame):
    """``(lat, lon, name, popup HTML)`` per place, snippets escaped (folium popups are raw HTML)."""
    for _, group in events.groupby("place_id", sort=True):
        first = group.iloc[0]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in group["snippet"])
        name = first["place_name"]
        yield first["lat"], first["lon"], name, f"<b>{html.escape(name)}</b><ul>{items}</ul>"


def marker_cluster_page(events: pd.DataFrame) -> str:
    """folium's documented way: one Marker with an HTML popup per place, in a MarkerCluster."""
    import folium
    from folium.plugins import MarkerCluster

    fmap = folium.Map(location=[35, 40], zoom_start=6, tiles=None, maxZoom=18)  # clustering needs a max zoom
    cluster = MarkerCluster().add_to(fmap)
    for lat, lon, name, popup in _place_popups(events):
        folium.Marker([lat, lon], popup=folium.Popup(popup, max_width=400), tooltip=name).add_to(cluster)
    return offline(fmap).get_root().render()


FAST_CALLBACK = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]));
    marker.bindPopup(row[2], {maxWidth: 400});
    return marker;
}"""


def fast_marker_cluster_page(events: pd.DataFrame) -> str:
    """folium's fast way: the rows as one JS array, markers made by a callback in the browser."""
    import folium
    from folium.plugins import FastMarkerCluster

    fmap = folium.Map(location=[35, 40], zoom_start=6, tiles=None, maxZoom=18)  # clustering needs a max zoom
    rows = [[float(lat), float(lon), popup] for lat, lon, _name, popup in _place_popups(events)]
    FastMarkerCluster(rows, callback=FAST_CALLBACK).add_to(fmap)
    return offline(fmap).get_root().render()


PEERS = {"MarkerCluster": marker_cluster_page, "FastMarkerCluster": fast_marker_cluster_page}


def time_in_browser(browser, path: Path, *, ours: bool, runs: int = 3) -> float:
    """Median over ``runs`` fresh pages of :func:`_time_once`."""
    return float(np.median([_time_once(browser, path, ours=ours) for _ in range(runs)]))


def _time_once(browser, path: Path, *, ours: bool) -> float:
    """ms from navigation start until markers are drawn (ours: clustering finished too)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri(), timeout=300_000)
    if ours:
        page.wait_for_function("window.geomap && window.geomap.ready", timeout=300_000, polling=50)
        ms = page.evaluate("window.geomap.readyAt")
    else:
        page.wait_for_function("document.querySelector('.leaflet-marker-icon')", timeout=300_000, polling=50)
        ms = page.evaluate("performance.now()")
    page.close()
    return float(ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--stock-cap", type=int, default=10_000, help="largest size to run stock folium on")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    render_map(synthetic_events(100))  # warm caches (assets, Natural Earth) so build times compare
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        warm = Path(tmp) / "warm.html"
        warm.write_text(render_map(synthetic_events(100)), encoding="utf-8")
        _time_once(browser, warm, ours=True)  # first page of a browser pays its start-up
        for n in args.sizes:
            events = synthetic_events(n)
            row = {"events": n, "places": events["place_id"].nunique()}
            pages = {"geomap": lambda e, n=n: render_map(e, title=f"bench {n}")}
            if n <= args.stock_cap:
                pages.update(PEERS)
            for label, make in pages.items():
                t0 = time.perf_counter()
                text = make(events)
                build = time.perf_counter() - t0
                path = Path(tmp) / f"{label}_{n}.html"
                path.write_text(text, encoding="utf-8")
                drawn = time_in_browser(browser, path, ours=label == "geomap")
                row[label] = (build, path.stat().st_size / 1e6, drawn)
            rows.append(row)
            print(row, file=sys.stderr, flush=True)
        browser.close()

    if args.markdown:
        print(markdown(rows))


def markdown(rows: list[dict]) -> str:
    """One line per size and page: build s, MB, drawn ms, and each peer's ratio to geomap (peer ÷ geomap)."""
    lines = ["| events | places | page | build (s) | HTML (MB) | drawn (ms) | build ÷ geomap | MB ÷ geomap "
             "| drawn ÷ geomap |", "|---:|---:|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in rows:
        ours = r["geomap"]
        for label in ("geomap", *PEERS):
            if label not in r:
                continue
            build, size, drawn = r[label]
            ratios = "— | — | —" if label == "geomap" else (
                f"{build / ours[0]:.1f}× | {size / ours[1]:.1f}× | {drawn / ours[2]:.1f}×")  # fmt: skip
            lines.append(f"| {r['events']:,} | {r['places']:,} | {label} | {build:.2f} | {size:.2f} | {drawn:.0f} "
                         f"| {ratios} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()

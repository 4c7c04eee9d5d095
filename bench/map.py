"""Benchmark the map at 1k / 10k / 100k events against folium's stock MarkerCluster.

Why: the issue's target is that 100k events open in at most 3 s at most 20 MB. This measures, for
synthetic but realistic tables (about two mentions a place, twenty a article, one-line snippets):

* build: ``render_map`` wall time in Python (caches warm: assets and boundaries already read once);
* size: the HTML file in MB;
* drawn: ms from navigation start until the first markers are in the DOM and clustering is done,
  in headless Chromium with the network blocked; median of 3 page loads after a warm-up page.

The stock folium page gets one ``folium.Marker`` with an HTML popup per place inside a
``MarkerCluster``. Its CDN files are answered from the local npm packages (Leaflet 1.9.4 and
markercluster 1.5.3 instead of folium's 1.9.3 / 1.1.0; jQuery 3.7.1 from the npm devDependency, as
folium builds every popup with ``$(...)``; Bootstrap and the icon fonts, unused by plain markers, as
empty files), since there is no network here.

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

from geomap import render_assets
from geomap.render import render_map

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


def stock_folium(events: pd.DataFrame) -> str:
    """folium's documented way: one Marker with an HTML popup per place, in a MarkerCluster."""
    import folium
    from folium.plugins import MarkerCluster

    fmap = folium.Map(location=[35, 40], zoom_start=6)
    cluster = MarkerCluster().add_to(fmap)
    for _, group in events.groupby("place_id", sort=True):
        first = group.iloc[0]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in group["snippet"])
        popup = folium.Popup(f"<b>{html.escape(first['place_name'])}</b><ul>{items}</ul>", max_width=400)
        folium.Marker([first["lat"], first["lon"]], popup=popup, tooltip=first["place_name"]).add_to(cluster)
    return fmap.get_root().render()


def _local_cdn(route) -> None:
    """Answer folium's CDN requests from the npm packages (there is no network here)."""
    url = route.request.url
    if url.startswith(("file:", "data:")):
        route.continue_()
        return
    name = url.split("?")[0].rsplit("/", 1)[-1]
    nm = render_assets.node_modules()
    name = {"jquery-3.7.1.min.js": "jquery.min.js"}.get(name, name)
    for folder in ("leaflet/dist", "leaflet/dist/images", "leaflet.markercluster/dist", "jquery/dist"):
        path = nm / folder / name
        if path.is_file():
            ctype = {"js": "application/javascript", "css": "text/css", "png": "image/png"}[name.rsplit(".", 1)[1]]
            route.fulfill(status=200, body=path.read_bytes(), content_type=ctype)
            return
    route.fulfill(status=200, body=b"", content_type="text/plain")


def time_in_browser(browser, path: Path, *, ours: bool, runs: int = 3) -> float:
    """Median over ``runs`` fresh pages of :func:`_time_once`."""
    return float(np.median([_time_once(browser, path, ours=ours) for _ in range(runs)]))


def _time_once(browser, path: Path, *, ours: bool) -> float:
    """ms from navigation start until markers are drawn (ours: clustering finished too)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route(
        "**/*",
        _local_cdn if not ours else lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort(),
    )
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
            t0 = time.perf_counter()
            page = render_map(events, title=f"bench {n}")
            build = time.perf_counter() - t0
            ours = Path(tmp) / f"ours_{n}.html"
            ours.write_text(page, encoding="utf-8")
            drawn = time_in_browser(browser, ours, ours=True)
            row = {"events": n, "places": events["place_id"].nunique(), "build_s": build,
                   "size_mb": ours.stat().st_size / 1e6, "drawn_ms": drawn}  # fmt: skip
            if n <= args.stock_cap:
                t0 = time.perf_counter()
                stock_page = stock_folium(events)
                row["stock_build_s"] = time.perf_counter() - t0
                stock = Path(tmp) / f"stock_{n}.html"
                stock.write_text(stock_page, encoding="utf-8")
                row["stock_size_mb"] = stock.stat().st_size / 1e6
                row["stock_drawn_ms"] = time_in_browser(browser, stock, ours=False)
            rows.append(row)
            print(row, file=sys.stderr, flush=True)
        browser.close()

    if args.markdown:
        print("| events | places | build (s) | HTML (MB) | drawn (ms) | stock build (s) | stock HTML (MB) "
              "| stock drawn (ms) | build ratio | size ratio | drawn ratio |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            if "stock_build_s" in r:
                stock = (f"{r['stock_build_s']:.2f} | {r['stock_size_mb']:.1f} | {r['stock_drawn_ms']:.0f} | "
                         f"{r['stock_build_s'] / r['build_s']:.1f}× | {r['stock_size_mb'] / r['size_mb']:.1f}× | "
                         f"{r['stock_drawn_ms'] / r['drawn_ms']:.1f}×")  # fmt: skip
            else:
                stock = "not run | | | | |"
            print(f"| {r['events']:,} | {r['places']:,} | {r['build_s']:.2f} | {r['size_mb']:.1f} | "
                  f"{r['drawn_ms']:.0f} | {stock} |")  # fmt: skip


if __name__ == "__main__":
    main()

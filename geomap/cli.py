"""The ``geomap`` command: a thin shell over :mod:`geomap.api`.

Every :class:`~geomap.errors.GeomapError` becomes one line on stderr and its exit code; see
:mod:`geomap.errors` for the table (0 ok, 1 error and nothing written, 2 bad command line,
3 written but some inputs skipped, 130 interrupted).

Output levels (``-v``/``-q`` go before or after the command): errors always; ``-q`` hides the
summary line, the warnings and the progress bar, ``-qq`` also the "skipped" lines; ``-v`` adds the
store path and one line per stage (what it did, how long it took). The progress bar appears only
when stderr is a terminal, so pipes, cron and CI logs stay quiet. Every line goes through
:func:`geomap.errors.printable`: names from the file system cannot forge lines or drive the terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from geomap import api
from geomap.errors import EXIT_OK, EXIT_PARTIAL, GeomapError, SourceError, UsageError, printable
from geomap.export import FORMATS, PER
from geomap.sources import FIELDS, parse_field_options
from geomap.sources import FORMATS as INPUT_FORMATS

__all__ = ["main", "build_parser"]

_BUILD_EXAMPLES = """examples:
  geomap build seeds/ -o maps/index.html
  geomap build news/2020-01/ extra.txt -o maps/idlib.html --title "Idlib, January 2020"
  geomap build dump.jsonl -o maps/dump.html --field text=body --field title=headline
  geomap build news/ -o maps/index.html --geocoder nominatim --user-agent "newsmap/1.0 (you@example.org)"
  geomap build news/ -o maps/aleppo.html --center 36.2,37.15 --zoom 9

The map opens fitted to where events happened; a link to the current view (#map=zoom/lat/lon and
the filters, in the address bar) opens it again there. Re-runs are incremental: the store
(default: one per output in the cache folder, see 'geomap cache info'; --store PATH names another)
keeps every article's rows,
so only new or changed articles are parsed; articles of files no longer given are dropped.
exit codes: 0 ok, 1 error (nothing written), 2 bad command line, 3 written but some inputs skipped.
"""
_EXTRACT_EXAMPLES = """examples:
  geomap extract seeds/ -o pred.jsonl
  geomap extract ../shared/eval/lgl.jsonl -o pred.jsonl
  geomap extract news/ -o out/ --dask local          (Parquet, one file per partition; see docs/performance.md)

output: one JSON line per article, {"id": ..., "toponyms": [{"start", "end", "surface", "name",
"place_id", "lat", "lon", "kind", "country", "type", "confidence", ...}]}, toponyms in document order;
"type" is "place" or "demonym".
"""
_EXPORT_EXAMPLES = """examples:
  geomap export seeds/ --format csv -o maps/events.csv
  geomap export news/ --format acled -o maps/events-acled.csv   (ACLED's columns; see the README)
  geomap export seeds/ --format geojson --per place -o maps/places.geojson
  geomap export news/ --events -o maps/events.csv        (one row per event, with its reports and sources)
  geomap export news/ -o maps/events.parquet --store news.geomap.sqlite
  geomap export news/ -o maps/events.geoparquet          (GeoParquet: pip install 'geomap[geo]')
  geomap export news/ -o - --format csv | head

GeoJSON follows RFC 7946: one Point feature per mention (default), per place or per event, [lon, lat].
Rows of several articles at the same place, of the same type and period report one event: they
share an event_id, and --events writes one row per event (reports, sources, article ids).
Parquet keeps the table's types (dates, categories, lists); GeoParquet adds point geometries in
EPSG:4326 to the place rows. Columns and types: README, "The events table".
"""
_WATCH_EXAMPLES = """examples:
  geomap watch news/ -o maps/index.html
  geomap watch news/ -o maps/index.html --debounce 5

Builds once, then again whenever article files appear or change (after --debounce seconds of
quiet). Bad files are reported and skipped; Ctrl-C or SIGTERM stops it cleanly (exit 0).
"""
_EVAL_EXAMPLES = """examples:
  geomap eval ../shared/eval/lgl.jsonl
  geomap eval ../shared/eval/lgl.jsonl --curated-only --json
  geomap eval ../shared/eval/lgl.jsonl --pred pred.jsonl

Runs geomap on every gold document's "text" (demonyms included) and prints the metrics of
../shared/eval/score.py in its layout: recognition P/R/F1 (exact and overlap spans), Acc@161km, mean
and median error and AUC on the recognised toponyms, and end-to-end Acc@161km. With --pred, scores
that prediction file instead (geomap extract output qualifies). See geomap/evaluate.py.
"""


_GAZ_EXAMPLES = """examples:
  geomap gazetteer build                      # compile the world store now (else done at first use)
  geomap gazetteer import SY.txt              # a GeoNames country file you downloaded
  geomap gazetteer import allCountries.txt alternateNamesV2.txt
  geomap gazetteer import syria-latest.osm.pbf   # an OpenStreetMap extract: districts, bases, plants, dams, ...
  geomap gazetteer info                       # which curated folders are read, where the store is
  geomap gazetteer build --gazetteer my-places/   # the store with your own TSV files added

Curated TSV files are read in order: the built-in ones, your folder ($GEOMAP_GAZETTEER_DIR, default
~/.local/share/geomap/gazetteer on Linux), then each --gazetteer DIR; curated rows win over the world
data. The store lives in the cache folder (see 'geomap cache info').
"""
_CACHE_EXAMPLES = """examples:
  geomap cache info                           # the cache folder, its files and their sizes
  geomap cache clear                          # remove compiled world stores and the geocoder's answers
  GEOMAP_CACHE_DIR=/data/geomap-cache geomap build seeds/ -o maps/index.html

The cache folder is $GEOMAP_CACHE_DIR, else the user cache folder (~/.cache/geomap on Linux, honouring
$XDG_CACHE_HOME); $GEOMAP_DATA is a deprecated alias. What 'clear' removes is rebuilt on next use (the
world store in about 40 s). GeoNames dumps you imported (imports.sqlite) are kept: delete that file to
drop them.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Find the places in news articles with an offline gazetteer and map them.",
        epilog="Run 'geomap COMMAND --help' for each command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"geomap {_version()}")
    _level_options(parser, suffix="_before")
    _gazetteer_options(parser, dest="gazetteer", default=None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sources_help = "article files (.txt, .html, .json, .jsonl, RSS/Atom .xml/.rss/.atom), folders, or - (stdin)"
    build = _command(commands, "build", "build an interactive HTML map from articles", _BUILD_EXAMPLES)
    build.add_argument("sources", nargs="+", metavar="SOURCE", help=sources_help)
    build.add_argument("-o", "--output", required=True, metavar="FILE.html", help="map to write ('-': standard output)")
    build.add_argument("--title", default="geomap", help="title of the map page")
    build.add_argument(
        "--center", type=_lat_lon, metavar="LAT,LON", help="open the map here (default: fitted to the events)"
    )
    build.add_argument("--zoom", type=_zoom, metavar="N", help="open the map at this zoom, 1-18 (default: fitted)")
    _input_format_option(build)
    _store_options(build)
    _geocoder_options(build)

    extract = _command(commands, "extract", "write the toponyms of each article as JSON lines", _EXTRACT_EXAMPLES)
    extract.add_argument("sources", nargs="+", metavar="INPUT", help=sources_help)
    extract.add_argument("-o", "--output", required=True, metavar="PRED.jsonl", help="'-': standard output")
    _input_format_option(extract, "--format")
    _geocoder_options(extract)
    extract.add_argument(
        "--dask", metavar="SCHEDULER|local", default=None,
        help="run on Dask ('local' or tcp://host:port; pip install 'geomap[dask]'): -o is then a folder of Parquet",
    )  # fmt: skip

    export = _command(
        commands, "export", "write the events table as CSV, GeoJSON, Parquet or GeoParquet", _EXPORT_EXAMPLES
    )
    export.add_argument("sources", nargs="+", metavar="SOURCE", help=sources_help)
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="'-': standard output (needs --format)")
    export.add_argument("--format", choices=FORMATS, default=None, help="default: from the output suffix")
    export.add_argument(
        "--per", choices=PER, default="mention",
        help="one row (GeoJSON feature) per mention, per place (GeoJSON only) or per distinct event",
    )  # fmt: skip
    export.add_argument(
        "--events", action="store_const", const="event", dest="per",
        help="one row per distinct event, however many articles report it (= --per event)",
    )  # fmt: skip
    _input_format_option(export)
    _store_options(export)

    watch = _command(commands, "watch", "rebuild the map whenever articles appear or change", _WATCH_EXAMPLES)
    watch.add_argument("folder", type=Path, metavar="FOLDER", help="folder of article files to watch")
    watch.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.html", help="map to write")
    watch.add_argument("--title", default="geomap", help="title of the map page")
    watch.add_argument("--debounce", type=float, default=2.0, metavar="SECONDS", help="quiet time before a rebuild")
    _store_options(watch)

    gazetteer = _command(
        commands, "gazetteer", "compile the world gazetteer or import GeoNames dumps and OSM extracts", _GAZ_EXAMPLES
    )
    gazetteer.add_argument("action", choices=("build", "import", "info"), help="what to do")
    gazetteer.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="GeoNames dumps or OSM extracts (.osm.pbf, .osm) to import"
    )

    cache = _command(
        commands, "cache", "show or clear the cache (compiled world gazetteer, geocoder answers)", _CACHE_EXAMPLES,
        gazetteer_options=False,
    )  # fmt: skip
    cache.add_argument("action", choices=("info", "clear"), help="info: list the cache; clear: empty it")

    evaluate = _command(commands, "eval", "score geomap (or a prediction file) against a gold corpus", _EVAL_EXAMPLES)
    evaluate.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold JSON lines: id, text, toponyms")
    evaluate.add_argument("--pred", type=Path, default=None, metavar="PRED.jsonl", help="score this file instead")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object (score.py --json's keys)")
    return parser


def _gazetteer_options(parser: argparse.ArgumentParser, *, dest: str, default) -> None:
    """--gazetteer and --curated-only, accepted before the command and after it (then ``default`` is SUPPRESS)."""
    parser.add_argument(
        "--gazetteer", dest=dest, action="append", type=Path, default=default, metavar="DIR",
        help="also read the gazetteer TSV files of DIR, after the built-in ones (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--curated-only",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="match only the curated files, not the world gazetteer (faster start, Syria-region names only)",
    )


def _input_format_option(command: argparse.ArgumentParser, *aliases: str) -> None:
    """``--input-format``: what the source ``-`` (standard input) holds (``extract`` also says ``--format``)."""
    command.add_argument(
        "--input-format", *aliases, dest="input_format", choices=tuple(INPUT_FORMATS), default="txt",
        help="the format of '-' (standard input): one article as text (default), or jsonl, json, html, rss",
    )  # fmt: skip


def _store_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PATH",
        help="the incremental store (default: one per output, in the cache folder)",
    )
    command.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help=f"read JSON field NAME as FIELD ({', '.join(FIELDS)}); repeatable",
    )


def _geocoder_options(command: argparse.ArgumentParser) -> None:
    online = command.add_argument_group(
        "online fallback (opt-in; sends unknown place names to the service, see docs/geocoder.md)"
    )
    online.add_argument("--geocoder", metavar="NAME", help="geopy service for unknown names: nominatim, photon, ...")
    online.add_argument("--user-agent", metavar="UA", help='required with --geocoder: "yourapp/1.0 (you@example.org)"')
    online.add_argument(
        "--geocoder-cache", type=Path, metavar="PATH",
        help="answer cache (default: geocode-cache.sqlite in the cache folder, see 'geomap cache info')",
    )  # fmt: skip
    online.add_argument("--geocoder-url", metavar="URL", help="a self-hosted service, e.g. http://localhost:8080")


def _geocoder(args: argparse.Namespace):
    """The opt-in :class:`~geomap.geocode.OnlineGeocoder` of the command line, or None."""
    if not getattr(args, "geocoder", None):
        return None
    from geomap.gazetteer.world import data_dir
    from geomap.geocode import OnlineGeocoder, parse_service_url

    domain, scheme = parse_service_url(args.geocoder_url) if args.geocoder_url else (None, "https")
    cache = args.geocoder_cache or data_dir() / "geocode-cache.sqlite"
    return OnlineGeocoder(
        args.geocoder, user_agent=args.user_agent or "", cache_path=cache, domain=domain, scheme=scheme
    )


def _command(
    commands, name: str, help_text: str, examples: str, *, gazetteer_options: bool = True
) -> argparse.ArgumentParser:
    command = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _level_options(command, suffix="")
    if gazetteer_options:
        # A subparser's values replace the main parser's of the same dest: these land in their own dest.
        _gazetteer_options(command, dest="gazetteer_after", default=argparse.SUPPRESS)
    return command


def _level_options(parser: argparse.ArgumentParser, *, suffix: str) -> None:
    """-v/-q, accepted before the command (``suffix="_before"``) and after it; :func:`_parse` adds them up."""
    parser.add_argument(
        "-v", "--verbose", dest=f"verbose{suffix}", action="count", default=0,
        help="say more: what each stage did and how long it took (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", dest=f"quiet{suffix}", action="count", default=0,
        help="say less: -q only errors and skipped inputs, -qq only errors",
    )  # fmt: skip


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse, merge what may come before or after the command, and check values argparse cannot.

    A bad ``--field``, an output name that is empty, or an export whose format cannot be told are
    usage errors: exit 2 with argparse's message, before anything runs.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    args.gazetteer = [*(args.gazetteer or ()), *vars(args).pop("gazetteer_after", ())]
    args.verbose = getattr(args, "verbose", 0) + vars(args).pop("verbose_before", 0)
    args.quiet = getattr(args, "quiet", 0) + vars(args).pop("quiet_before", 0)
    if getattr(args, "output", None) is not None and not str(args.output):
        parser.error("argument -o/--output: expected a file name, not ''")
    return args


def _lat_lon(text: str) -> tuple[float, float]:
    """``--center 35.9,36.6``: a latitude and a longitude in degrees."""
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LAT,LON in degrees (e.g. 35.9,36.6), not {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"{text!r}: latitude must be in -90..90 and longitude in -180..180")
    return lat, lon


def _zoom(text: str) -> int:
    """``--zoom 7``: a Leaflet zoom level the map allows (1, the world, to 18, a street)."""
    if not text.isdigit() or not 1 <= int(text) <= 18:
        raise argparse.ArgumentTypeError(f"expected a zoom level from 1 to 18, not {text!r}")
    return int(text)


def _check_values(args: argparse.Namespace) -> None:
    """Values argparse cannot check, as :class:`UsageError` (exit 2, one line), before anything runs."""
    try:
        args.fields = parse_field_options(getattr(args, "field", []))
    except SourceError as err:
        raise UsageError(str(err)) from None
    if args.command == "export":
        args.format = args.format or Path(args.output).suffix.lstrip(".").lower()
        if args.format not in FORMATS:
            raise UsageError(
                f"{args.output}: cannot tell the format from the suffix; pass --format {'|'.join(FORMATS)}"
            )
        if args.per == "place" and args.format != "geojson":
            raise UsageError(f"--per place is for GeoJSON; {args.format} has one row per mention or per event")


def _version() -> str:
    from geomap import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    try:
        _check_values(args)
        return _run(args)
    except GeomapError as err:
        _print_line(f"geomap: error: {err}")
        return err.exit_code
    except KeyboardInterrupt:
        # Honest about what happened: every output is the old one or the new one, never half of
        # one; work already committed to the store is kept, and the next run brings outputs up to date.
        _print_line("geomap: interrupted; nothing was half-written, the next run completes the work")
        return 130


def _print_line(message: str) -> None:
    """One line on stderr, with what could forge another line or drive the terminal escaped (:func:`printable`)."""
    print(printable(message), file=sys.stderr)


class _Output:
    """Where messages go, by level (1 = default): the CLI's only knowledge of verbosity."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.level = 1 + getattr(args, "verbose", 0) - getattr(args, "quiet", 0)
        self.skipped: list[SourceError] = []

    def say(self, message: str, *, level: int = 1) -> None:
        if self.level >= level:
            _print_line(f"geomap: {message}")

    def stages(self, report: api.BuildReport) -> None:
        """``-v``: one line per stage of a build, with what it did and how long it took."""
        for line in report.stages:
            self.say(f"stage {line}", level=2)

    def warn(self, message: str) -> None:
        """Something a reader repaired or dropped (a date it could not read); the article is kept."""
        self.say(f"warning: {message}", level=1)

    def skip(self, err: SourceError) -> None:
        self.skipped.append(err)
        self.say(f"skipped: {err}", level=0)

    def progress(self):
        """A context manager yielding a ``progress(done, total)`` callback, or None off a terminal."""
        if self.level < 1 or not sys.stderr.isatty():
            return _NoProgress()
        return _RichProgress()


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> None:
        return None


class _RichProgress:
    """A rich progress bar on stderr, updated at most ten times a second."""

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("geomap: reading"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self._bar.start()
        self._task = self._bar.add_task("files", total=None)
        self._last = 0.0

        def update(done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - self._last > 0.1:
                self._last = now
                self._bar.update(self._task, completed=done, total=total)

        return update

    def __exit__(self, *exc) -> None:
        self._bar.stop()


def _run(args: argparse.Namespace) -> int:
    geocoder = _geocoder(args)
    if geocoder is None:
        return _run_command(args, None)
    from geomap.geocode import GeocoderDegradedWarning

    code = EXIT_OK
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GeocoderDegradedWarning)  # said once below, as a CLI line
            code = _run_command(args, geocoder)
    finally:
        geocoder.close()
        if geocoder.failure:
            _print_line(f"geomap: warning: {geocoder.failure}{_lookups_left(args, geocoder.failed_lookups)}")
    # Names left unresolved because the service failed are a partial result, not success.
    return EXIT_PARTIAL if code == EXIT_OK and geocoder.failed_lookups else code


def _lookups_left(args: argparse.Namespace, count: int) -> str:
    if not count:
        return ""
    again = "; asked again on the next run" if args.command in ("build", "export", "watch") else ""
    return f"; {count} name{'s' * (count != 1)} could not be looked up{again}"


def _run_command(args: argparse.Namespace, geocoder) -> int:
    out = _Output(args)
    if args.command == "gazetteer":
        return _gazetteer(args, out)
    if args.command == "cache":
        return _cache(args, out)
    if args.command == "eval":
        _eval(args, out)
        return EXIT_OK
    gazetteer = _load_gazetteer(args, out, lazy=args.command in ("build", "export", "watch"))
    fields = args.fields
    if args.command == "build":
        out.say(f"store {args.store or api.default_store_path(args.output)}", level=2)
        with out.progress() as progress:
            report = api.build_map(
                args.sources, args.output, gazetteer=gazetteer, title=args.title, store=args.store, fields=fields,
                on_skip=out.skip, progress=progress, geocoder=geocoder, on_warning=out.warn,
                stdin_format=args.input_format, center=args.center, zoom=args.zoom,
            )  # fmt: skip
        out.stages(report)
        out.say(f"wrote {_shown_output(args.output)}: {report.summary()}")
        out.say(f"parsed {report.parsed} articles, {report.rows} rows", level=2)
    elif args.command == "extract":
        started = time.perf_counter()
        if args.dask:
            from geomap.distributed import extract_dask

            count = extract_dask(
                args.sources, args.output, scheduler=args.dask, directory=args.gazetteer,
                world=not args.curated_only, on_skip=out.skip,
            )  # fmt: skip
        else:
            report = api.BuildReport()
            count = api.extract(
                args.sources, args.output, gazetteer=gazetteer, on_skip=out.skip, geocoder=geocoder,
                on_warning=out.warn, stdin_format=args.input_format, report=report,
            )  # fmt: skip
            out.stages(report)
        out.say(f"wrote {_shown_output(args.output)}: {count} articles in {time.perf_counter() - started:.1f} s")
    elif args.command == "export":
        with out.progress() as progress:
            report = api.export(
                args.sources, args.output, fmt=args.format, per=args.per, gazetteer=gazetteer, store=args.store,
                fields=fields, on_skip=out.skip, progress=progress, on_warning=out.warn,
                stdin_format=args.input_format,
            )  # fmt: skip
        out.stages(report)
        out.say(f"wrote {_shown_output(args.output)}: {report.rows} rows; {report.summary()}")
    elif args.command == "watch":
        from geomap.watch import watch

        return watch(
            args.folder, args.output, gazetteer=gazetteer, title=args.title, store=args.store, fields=fields,
            debounce=args.debounce, say=out.say, on_skip=out.skip,
        )  # fmt: skip
    return EXIT_PARTIAL if out.skipped else EXIT_OK


def _shown_output(output: str) -> str:
    return "standard output" if output == "-" else output


def _load_gazetteer(args: argparse.Namespace, out: _Output, *, lazy: bool = False):
    """The gazetteer the flags ask for; says so when the world store must be compiled first.

    ``lazy``: for commands that go through the store, load it only when an article needs parsing.
    """
    to_compile = None  # the curated folders of a world store that must be compiled first
    if not args.curated_only:
        from geomap.gazetteer import curated_dirs, load_curated
        from geomap.gazetteer.world import is_compiled

        curated = curated_dirs(args.gazetteer)
        if not is_compiled(curated=curated):
            load_curated(curated)  # a malformed curated file is reported before a long compile starts
            to_compile = curated
    if lazy:
        gazetteer = api.lazy_gazetteer(args.gazetteer, world=not args.curated_only)
        if to_compile is None:
            return gazetteer

        def load():
            _compile_world(to_compile, out)  # with its progress shown, when (and only if) an article needs parsing
            return gazetteer.loaded()

        return api.LazyGazetteer(load, gazetteer.version)
    if to_compile is not None:
        _compile_world(to_compile, out)
    return api.load_gazetteer(args.gazetteer, world=not args.curated_only)


def _compile_world(curated, out: _Output) -> None:
    """Compile the world store now (unless it is there by now), showing its stages (see :class:`_StageProgress`)."""
    from geomap.gazetteer.world import build_world, data_dir, is_compiled

    if is_compiled(curated=curated):
        return
    out.say(f"compiling the world gazetteer into {data_dir()} (once; under a minute)")
    started = time.perf_counter()
    with _StageProgress(out) as progress:
        build_world(curated=curated, progress=progress)
    out.say(f"compiled the world gazetteer in {time.perf_counter() - started:.1f} s", level=2)


class _StageProgress:
    """The stages of a world compile on stderr, as a ``progress(stage, step, steps)`` callback.

    On a terminal a rich status line (spinner, stage, bar, elapsed time) that disappears when done;
    in a pipe one plain line per stage (``geomap: world gazetteer: building automaton (5/6)``), so
    logs show where a slow compile was; ``-q``: nothing (the callback is None).
    """

    def __init__(self, out: _Output) -> None:
        self._out = out
        self._bar = None

    def __enter__(self):
        if self._out.level < 1:
            return None
        if not sys.stderr.isatty():
            return self._line
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            SpinnerColumn(), TextColumn("geomap: world gazetteer: {task.description}"), BarColumn(),
            TimeElapsedColumn(), console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self._bar.start()
        self._task = self._bar.add_task("starting", total=None)
        return self._update

    @staticmethod
    def _line(stage: str, step: int, steps: int) -> None:
        print(f"geomap: world gazetteer: {stage} ({step}/{steps})", file=sys.stderr, flush=True)

    def _update(self, stage: str, step: int, steps: int) -> None:
        self._bar.update(self._task, description=f"{stage} ({step}/{steps})", completed=step - 1, total=steps)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def _gazetteer(args: argparse.Namespace, out: _Output) -> int:
    from geomap.gazetteer import curated_dirs, geonames, osm, world

    curated = curated_dirs(args.gazetteer)
    directory = world.data_dir()
    if args.action == "import":
        if not args.files:
            raise GeomapError(
                "gazetteer import: name at least one GeoNames file (allCountries.txt, SY.txt, ...) or OSM extract"
            )
        directory.mkdir(parents=True, exist_ok=True)  # a fresh machine has no cache folder yet
        for path in args.files:
            importer = osm.import_osm if osm.is_osm_file(path) else geonames.import_dump
            count = importer(path, directory / "imports.sqlite")
            out.say(f"imported {count} rows from {path}")
    if args.action in ("build", "import"):
        started = time.perf_counter()
        with _StageProgress(out) as progress:
            path = world.build_world(curated=curated, directory=directory, progress=progress)
        out.say(f"compiled {path} in {time.perf_counter() - started:.1f} s")
    else:
        for folder in curated:
            out.say(f"curated: {folder}")
        gaz = world.load_world(curated=curated, directory=directory, build=False)
        out.say(f"{directory}: version {gaz.version}, {len(gaz.places)} places, {len(gaz.entries)} names")
    return EXIT_OK


def _cache(args: argparse.Namespace, out: _Output) -> int:
    """``geomap cache info|clear``: the cache folder's files (info on stdout), or remove what is rebuilt on use."""
    from geomap.paths import cache_dir

    folder = cache_dir()
    files = sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []
    if args.action == "info":
        print(f"cache: {folder}{'' if folder.is_dir() else ' (empty: not created yet)'}")
        for path in files:
            print(f"  {_size(path.stat().st_size):>9}  {path.relative_to(folder)}")
        print(f"total: {len(files)} files, {_size(sum(path.stat().st_size for path in files))}")
        return EXIT_OK
    removed = [path for path in files if _clearable(path.relative_to(folder))]
    freed = sum(path.stat().st_size for path in removed)
    for path in removed:
        path.unlink(missing_ok=True)
        out.say(f"removed {path}", level=2)
    kept = len(files) - len(removed)
    note = f"; kept {kept} file{'s' * (kept != 1)} (imported GeoNames dumps, unknown files)" if kept else ""
    out.say(f"cleared {folder}: removed {len(removed)} files, {_size(freed)}{note}")
    return EXIT_OK


def _clearable(relative: Path) -> bool:
    """What ``cache clear`` removes: compiled world stores (and leftovers of an interrupted compile), the
    geocoder's answer cache; never the GeoNames dumps a user imported (imports.sqlite), nor unknown files."""
    name = relative.name
    return len(relative.parts) == 1 and (name.startswith("world-") or name.startswith("geocode-cache.sqlite"))


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{count} B"


def _eval(args: argparse.Namespace, out: _Output) -> None:
    import json

    from geomap import evaluate

    started = time.perf_counter()
    gold = evaluate.load_jsonl(args.gold)
    if args.pred is not None:
        preds = evaluate.load_jsonl(args.pred)
    else:
        gazetteer = _load_gazetteer(args, out)
        preds = evaluate.predict(gold, gazetteer)
    result = evaluate.score(gold, preds)
    print(json.dumps(result, sort_keys=True) if args.json else evaluate.format_report(result))
    out.say(f"scored {len(gold)} documents in {time.perf_counter() - started:.1f} s")

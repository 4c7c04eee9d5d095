"""Where geomap's files live: built-in data as package data, the user's gazetteer folder, the cache.

Also the gazetteer folders a load reads (built-in, user, ``--gazetteer``), and ``geomap cache``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from geomap import paths
from geomap.cli import _parse, main
from geomap.errors import GazetteerError
from geomap.gazetteer import PLACE_COLUMNS, curated_dirs, load_curated, read_curated

ROOT = Path(__file__).resolve().parent.parent
HEADER = "\t".join(PLACE_COLUMNS)


@pytest.fixture(autouse=True)
def no_user_gazetteer(tmp_path, monkeypatch):
    """Each test starts without a user gazetteer folder (the developer's own must not leak in)."""
    monkeypatch.setenv("GEOMAP_GAZETTEER_DIR", str(tmp_path / "no-user-gazetteer"))


def _place(id_: str, name: str, aliases: str = "", lat: str = "35.0", lon: str = "36.0") -> str:
    return "\t".join([id_, name, aliases, "village", "SY", "Idlib Governorate", lat, lon, "0", "test"])


def _folder(path: Path, **files: list[str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        stem, _, suffix = name.rpartition("_")
        (path / f"{stem}.{suffix}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# The cache folder and the user's gazetteer folder


def test_cache_dir_env_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GEOMAP_DATA", str(tmp_path / "old"))
    assert paths.cache_dir() == tmp_path / "c"


def test_geomap_data_is_a_deprecated_alias(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOMAP_CACHE_DIR", raising=False)
    monkeypatch.setenv("GEOMAP_DATA", str(tmp_path / "old"))
    with pytest.warns(DeprecationWarning, match="GEOMAP_CACHE_DIR"):
        assert paths.cache_dir() == tmp_path / "old"


def test_cache_dir_honours_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOMAP_CACHE_DIR", raising=False)
    monkeypatch.delenv("GEOMAP_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert paths.cache_dir() == tmp_path / "xdg" / "geomap"


def test_world_data_dir_is_the_cache_dir(monkeypatch, tmp_path):
    from geomap.gazetteer.world import data_dir

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "c"))
    assert data_dir() == paths.cache_dir() == tmp_path / "c"


def test_user_gazetteer_dir(monkeypatch, tmp_path):
    assert paths.user_gazetteer_dir() == tmp_path / "no-user-gazetteer"
    monkeypatch.delenv("GEOMAP_GAZETTEER_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert paths.user_gazetteer_dir() == tmp_path / "share" / "geomap" / "gazetteer"


# ------------------------------------------------------------------------------------------
# Built-in data: package data, and an error when missing


def test_builtin_data_is_the_gazetteer_folder():
    """The package's built-in data is the checkout's gazetteer/ folder itself (package-dir), not a copy."""
    builtin = paths.builtin_gazetteer_dir()
    names = sorted(p.name for p in (ROOT / "gazetteer").iterdir() if p.suffix in (".tsv", ".toml"))
    assert set(paths.BUILTIN_REQUIRED) <= set(names)
    for name in names:
        assert builtin.joinpath(name).read_bytes() == (ROOT / "gazetteer" / name).read_bytes(), name
    assert curated_dirs()[0] == builtin
    assert load_curated().version == load_curated(ROOT / "gazetteer").version


def test_lexicon_is_package_data():
    from geomap.events.eventtype import default_lexicon_path, load_lexicon

    path = default_lexicon_path()
    assert path.is_file() and path.read_bytes() == (ROOT / "gazetteer" / "event_types.toml").read_bytes()
    assert load_lexicon() is load_lexicon(path)


@pytest.fixture
def builtin_missing(monkeypatch, tmp_path):
    """The built-in data lookup pointed at an empty folder, as in a broken installation."""
    from geomap.events import eventtype

    empty = tmp_path / "empty"
    empty.mkdir()
    real = paths.builtin_gazetteer_dir
    monkeypatch.setattr(paths, "builtin_gazetteer_dir", lambda root=None: real(empty))
    paths.builtin_file.cache_clear()
    eventtype._default_lexicon.cache_clear()
    yield empty
    paths.builtin_file.cache_clear()
    eventtype._default_lexicon.cache_clear()


def test_missing_builtin_data_names_what_and_how_to_fix(tmp_path):
    with pytest.raises(GazetteerError) as caught:
        paths.builtin_gazetteer_dir(tmp_path)
    message = str(caught.value)
    assert all(name in message for name in paths.BUILTIN_REQUIRED)
    assert str(tmp_path) in message and "reinstall" in message


def test_missing_builtin_package_is_an_error(monkeypatch):
    monkeypatch.setattr(paths, "BUILTIN_PACKAGE", "geomap.data.no_such_package")
    with pytest.raises(GazetteerError, match="geomap.data.no_such_package.*reinstall"):
        paths.builtin_gazetteer_dir()


@pytest.mark.parametrize("world", [False, True])
def test_no_silent_fallback_without_builtin_data(builtin_missing, world):
    """Never a world gazetteer without the curated data (it would put Syrian towns in Nigeria)."""
    import geomap

    with pytest.raises(GazetteerError, match="places.tsv.*reinstall"):
        geomap.load_gazetteer(world=world)
    with pytest.raises(GazetteerError, match="reinstall"):
        load_curated()


def test_missing_lexicon_is_an_error(builtin_missing):
    from geomap.events.eventtype import classify_event, load_lexicon

    with pytest.raises(GazetteerError, match="event_types.toml"):
        load_lexicon()
    with pytest.raises(GazetteerError):
        classify_event("Shelling hit Idlib.", 12, 17)


def test_cli_without_builtin_data_is_one_line(builtin_missing, tmp_path, capsys, seed_path):
    code = main(["--curated-only", "extract", str(seed_path), "-o", str(tmp_path / "p.jsonl")])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and "reinstall" in lines[0], err
    assert not (tmp_path / "p.jsonl").exists()


# ------------------------------------------------------------------------------------------
# Added gazetteer folders: the user's folder and --gazetteer


def test_user_folder_is_read_after_the_builtin_files(monkeypatch, tmp_path):
    own = _folder(
        tmp_path / "mine",
        places_tsv=[HEADER, _place("geomap:fooville", "Fooville"), _place("170654", "Damascus", "Sham City", "1", "1")],
        demonyms_tsv=["demonym\tplace_id", "Foovillian\tgeomap:fooville"],
    )
    monkeypatch.setenv("GEOMAP_GAZETTEER_DIR", str(own))
    assert curated_dirs()[1:] == (own,)
    gaz = load_curated()
    assert [p.id for p in gaz.lookup("Fooville")] == ["geomap:fooville"]
    damascus = gaz.place("170654")
    builtin = load_curated(ROOT / "gazetteer").place("170654")
    assert (damascus.lat, damascus.lon) == (builtin.lat, builtin.lon)  # the built-in row keeps its fields
    assert "Sham City" in damascus.aliases and [p.id for p in gaz.lookup("Sham City")] == ["170654"]
    assert gaz.version != load_curated(ROOT / "gazetteer").version


def test_empty_user_folder_is_ignored(monkeypatch, tmp_path):
    (tmp_path / "mine").mkdir()
    monkeypatch.setenv("GEOMAP_GAZETTEER_DIR", str(tmp_path / "mine"))
    assert len(curated_dirs()) == 1


def test_extra_folders_in_order(tmp_path):
    a = _folder(tmp_path / "a", places_tsv=[HEADER, _place("geomap:x", "Xville", "Ex")])
    b = _folder(
        tmp_path / "b",
        more_places_tsv=[HEADER, _place("geomap:x", "Xtown", "", "1", "1"), _place("geomap:y", "Yville")],
        exclusions_tsv=["phrase\twhat", "Xville Radio\tmedia"],
    )
    data = read_curated(curated_dirs([a, b]))
    by_id = {p.id: p for p in data.places}
    assert by_id["geomap:x"].name == "Xville" and by_id["geomap:x"].aliases == ("Ex", "Xtown")
    assert by_id["geomap:x"].lat == 35.0 and "geomap:y" in by_id
    assert ("Xville Radio", "media") in data.exclusions


def test_bad_row_in_an_added_folder_names_file_line_column(tmp_path):
    bad = _folder(tmp_path / "bad", places_tsv=["# mine", HEADER, _place("geomap:z", "Zed", lat="95")])
    with pytest.raises(GazetteerError) as caught:
        load_curated(curated_dirs(bad))
    assert f"{bad / 'places.tsv'}:3: column 7 (lat)" in str(caught.value)


def test_unknown_file_in_an_added_folder_is_an_error(tmp_path):
    folder = _folder(tmp_path / "typo", place_tsv=[HEADER, _place("geomap:z", "Zed")])
    with pytest.raises(GazetteerError, match="place.tsv: unknown gazetteer file"):
        load_curated(curated_dirs(folder))


def test_added_demonym_must_name_a_known_place(tmp_path):
    folder = _folder(tmp_path / "d", demonyms_tsv=["demonym\tplace_id", "Syrian\t163843", "Martian\tgeomap:mars"])
    with pytest.raises(GazetteerError, match=r"demonyms.tsv:3: column 2 \(place_id\)"):
        load_curated(curated_dirs(folder))


def test_world_version_covers_the_added_folders(tmp_path, monkeypatch):
    from geomap.gazetteer.world import world_version

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    a = _folder(tmp_path / "a", places_tsv=[HEADER, _place("geomap:x", "Xville")])
    base = world_version(registry=False)
    assert base == world_version(ROOT / "gazetteer", registry=False)  # keyed by content, not by location
    with_a = world_version(curated_dirs(a), registry=False)
    assert with_a != base
    (a / "places.tsv").write_text(f"{HEADER}\n{_place('geomap:x', 'Xville', 'X2')}\n", encoding="utf-8")
    assert world_version(curated_dirs(a), registry=False) != with_a


def test_world_store_includes_the_added_folders(tmp_path, monkeypatch):
    from geomap.gazetteer.world import build_world, load_world

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    a = _folder(
        tmp_path / "a", places_tsv=[HEADER, _place("geomap:x", "Xville"), _place("170654", "Damascus", "Sham City")]
    )
    dirs = curated_dirs(a)
    build_world(curated=dirs, registry=False)
    gaz = load_world(curated=dirs, registry=False, build=False)
    assert [p.id for p in gaz.lookup("Xville")] == ["geomap:x"]
    assert [p.id for p in gaz.lookup("Sham City")] == ["170654"]
    assert [p.id for p in gaz.lookup("Kafr Ruma")] == ["geomap:kafr-ruma"]  # the built-in files came first


def test_gazetteer_option_before_and_after_the_command():
    args = _parse(["--gazetteer", "a", "extract", "x.txt", "-o", "p.jsonl", "--gazetteer", "b", "--gazetteer", "c"])
    assert args.gazetteer == [Path("a"), Path("b"), Path("c")] and not args.curated_only
    args = _parse(["build", "x.txt", "-o", "m.html", "--curated-only"])
    assert args.gazetteer == [] and args.curated_only
    assert _parse(["--curated-only", "export", "x.txt", "-o", "e.csv"]).curated_only


def test_cli_reads_every_gazetteer_folder(tmp_path, capsys):
    a = _folder(tmp_path / "a", places_tsv=[HEADER, _place("geomap:x", "Xville")])
    b = _folder(tmp_path / "b", places_tsv=[HEADER, _place("geomap:y", "Yville")])
    article = tmp_path / "news.txt"
    article.write_text("Title\nShelling hit Xville and Yville near Idlib.\n", encoding="utf-8")
    out = tmp_path / "p.jsonl"
    code = main(
        ["--gazetteer", str(a), "extract", str(article), "-o", str(out), "--gazetteer", str(b), "--curated-only"]
    )
    assert code == 0, capsys.readouterr().err
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {t["place_id"] for t in record["toponyms"]} >= {"geomap:x", "geomap:y"}


def test_cli_bad_added_folder_is_one_line(tmp_path, capsys, seed_path):
    bad = _folder(tmp_path / "bad", places_tsv=[HEADER, _place("geomap:z", "Zed", lon="x")])
    code = main(["extract", str(seed_path), "-o", str(tmp_path / "p.jsonl"), "--gazetteer", str(bad)])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1 and f"{bad / 'places.tsv'}:2: column 8 (lon)" in lines[0]


# ------------------------------------------------------------------------------------------
# geomap cache


def test_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, size in [("world-abc.sqlite", 3000), ("world-abc.ac", 2000), ("geocode-cache.sqlite", 500),
                       ("imports.sqlite", 100)]:  # fmt: skip
        (cache / name).write_bytes(b"x" * size)
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(cache))
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"cache: {cache}" in out and "world-abc.sqlite" in out and "3.0 kB" in out
    assert "total: 4 files, 5.6 kB" in out
    assert main(["cache", "clear"]) == 0
    err = capsys.readouterr().err
    assert "removed 3 files, 5.5 kB" in err and "kept 1 file" in err
    assert sorted(p.name for p in cache.iterdir()) == ["imports.sqlite"]


def test_cache_info_before_first_use(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "never"))
    assert main(["cache", "info"]) == 0
    assert "total: 0 files" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert not (tmp_path / "never").exists()


def test_cache_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["cache", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "geomap cache info" in out and "geomap cache clear" in out and "GEOMAP_CACHE_DIR" in out


def test_no_deprecation_warning_without_geomap_data(monkeypatch, tmp_path):
    monkeypatch.delenv("GEOMAP_DATA", raising=False)
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths.cache_dir()

"""The site policy (site.ini): parsing, what it fixes over user settings, the second backup
folder, and the command line honouring it (real files, the CLI's main)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gepnet_desktop import notices, paths, site_policy
from gepnet_desktop.case import validate_case
from gepnet_desktop.cli import main
from gepnet_desktop.clinic import open_clinic
from gepnet_desktop.packed import readable_copy
from gepnet_desktop.store import auto_backup, list_auto_backups
from gepnet_desktop.store.db import connect
from gepnet_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from gepnet_desktop.store.settings import MAX_BACKUPS_TO_KEEP, backups_to_keep, save_setting

EXAMPLE = Path(__file__).resolve().parents[2] / "packaging" / "site.ini.example"


def write_site(path: Path, **values: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{k} = {v}\n" for k, v in values.items())
    path.write_text(f"[site]\n{body}", encoding="utf-8")
    return path


def test_no_file_fixes_nothing(no_site_policy: Path) -> None:
    policy = site_policy.current()
    assert policy.path == no_site_policy and policy.fixed() == {} and policy.problems == ()


def test_every_key_is_read(no_site_policy: Path, tmp_path: Path) -> None:
    write_site(no_site_policy, data_dir=tmp_path / "clinic" / "{user}",
               second_backup_dir=tmp_path / "usb", backups_to_keep=30, language="KO")
    policy = site_policy.current()
    assert policy.fixed() == {"data_dir": tmp_path / "clinic" / site_policy.os_user(),
                              "second_backup_dir": tmp_path / "usb", "backups_to_keep": 30,
                              "language": "ko"}
    assert policy.problems == ()


def test_the_example_file_is_valid_and_fixes_nothing_as_shipped(tmp_path: Path) -> None:
    policy = site_policy.read_policy(EXAMPLE)
    assert policy.problems == () and policy.fixed() == {}
    text = EXAMPLE.read_text(encoding="utf-8")
    uncommented = "\n".join(line.lstrip("# ") if "=" in line else line
                            for line in text.splitlines())
    live = tmp_path / "site.ini"
    live.write_text(uncommented, encoding="utf-8")
    policy = site_policy.read_policy(live)
    assert policy.problems == ()
    assert set(policy.fixed()) == set(site_policy.KEYS)


@pytest.mark.parametrize(("line", "words"), [
    ("backups_to_keep = many", ["backups_to_keep = 'many' is ignored",
                                f"a whole number from 0 to {MAX_BACKUPS_TO_KEEP}"]),
    ("backups_to_keep = -1", ["backups_to_keep = '-1'"]),
    ("language = fr", ["language = 'fr' is ignored", "en or ko"]),
    ("data_dir = relative/folder", ["data_dir = 'relative/folder' is ignored",
                                    "a full folder path"]),
    ("second_backup_dir =", ["second_backup_dir = '' is ignored"]),
    ("colour = blue", ["unknown key 'colour' is ignored", "data_dir, second_backup_dir"]),
])
def test_a_bad_value_is_ignored_with_a_sentence(no_site_policy: Path, line: str,
                                                words: list[str]) -> None:
    no_site_policy.parent.mkdir(parents=True)
    no_site_policy.write_text(f"[site]\n{line}\n", encoding="utf-8")
    policy = site_policy.current()
    assert policy.fixed() == {}
    [problem] = policy.problems
    assert str(no_site_policy) in problem
    for word in words:
        assert word in problem
    assert notices.said() == [(notices.NOTE, problem)]
    site_policy.current()  # said once only
    assert len(notices.said()) == 1


@pytest.mark.parametrize("text", ["data_dir = /x\n", "[site\nx", "[site]\nlanguage = en\n"
                                  "language = ko\n", b"\xff\xfe\x00bad"])
def test_a_broken_file_fixes_nothing_and_says_so(no_site_policy: Path, text) -> None:
    no_site_policy.parent.mkdir(parents=True)
    if isinstance(text, bytes):
        no_site_policy.write_bytes(text)
    else:
        no_site_policy.write_text(text, encoding="utf-8")
    policy = site_policy.current()
    assert policy.fixed() == {}
    [problem] = policy.problems
    assert problem.startswith(f"Site policy {no_site_policy}") and "nothing in it" in problem


def test_the_site_beats_the_user_settings(no_site_policy: Path, tmp_path: Path,
                                          data_dir: Path) -> None:
    save_setting(data_dir, "backups_to_keep", 3)
    assert backups_to_keep(data_dir) == 3
    site_dir = tmp_path / "site-data"
    write_site(no_site_policy, data_dir=site_dir, backups_to_keep=2, language="ko")
    assert paths.data_dir() == site_dir  # $GEPNET_DATA_DIR (the test's) is ignored...
    assert any("$GEPNET_DATA_DIR" in m and "is ignored" in m for _, m in notices.said())
    paths.set_data_dir(tmp_path / "asked")
    try:
        assert paths.data_dir() == site_dir  # ...and so is --data-dir
    finally:
        paths.set_data_dir(None)
    save_setting(site_dir, "backups_to_keep", 50)
    assert backups_to_keep(site_dir) == 2
    assert site_policy.fixed_language("en") == "ko"
    assert any("--lang en is ignored" in m for _, m in notices.said())


def test_a_site_data_folder_that_cannot_be_made_is_a_sentence(no_site_policy: Path,
                                                              tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    write_site(no_site_policy, data_dir=blocker / "data")
    with pytest.raises(paths.DataDirError, match="set by the site policy"):
        paths.data_dir()


def test_copies_go_to_the_second_folder_and_are_rotated(no_site_policy: Path,
                                                        tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    write_site(no_site_policy, second_backup_dir=usb, backups_to_keep=2)
    for n in range(3):
        with open_clinic() as store:
            store.create(validate_case({"case_code": f"S-{n}"}, require_code=True).case)
            assert auto_backup(store) is not None
    mine = usb / site_policy.os_user()
    copies = sorted(p.name for p in mine.iterdir())
    assert copies == [p.name for p in list_auto_backups(paths.database_path())]
    assert len(copies) == 2
    with readable_copy(mine / copies[-1]) as plain, sqlite3.connect(plain) as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 3


def test_a_missing_second_folder_is_reported_never_fatal(no_site_policy: Path,
                                                         tmp_path: Path) -> None:
    gone = tmp_path / "usb-not-plugged"
    write_site(no_site_policy, second_backup_dir=gone)
    with open_clinic() as store:
        dest = auto_backup(store)
    assert dest is not None and dest.exists()  # the backup in the data dir stands
    assert not gone.exists()  # never created: it is a disk that is not there
    [(kind, sentence)] = notices.said()
    assert kind == notices.NOTE
    assert f"The second backup folder {gone} (site policy) is not there" in sentence


def test_the_cli_honours_the_site_folders(no_site_policy: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site_dir, usb = tmp_path / "clinic", tmp_path / "usb"
    usb.mkdir()
    write_site(no_site_policy, data_dir=site_dir, second_backup_dir=usb)
    assert main(["auto-backup"]) == 0
    out, _err = capsys.readouterr()
    assert "automatic backup written" in out and str(site_dir) in out
    assert (site_dir / "gepnet.db").exists()
    assert len(list((usb / site_policy.os_user()).glob("gepnet-auto-*.db.gz"))) == 1
    assert main(["site"]) == 0
    out, _ = capsys.readouterr()
    assert f"data_dir = {site_dir}" in out and f"second_backup_dir = {usb}" in out
    assert f"data folder in use: {site_dir}" in out


def test_the_cli_says_a_missing_second_folder_on_stderr(no_site_policy: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    write_site(no_site_policy, second_backup_dir=tmp_path / "gone", backups_to_keep="lots")
    assert main(["auto-backup"]) == 0
    out, err = capsys.readouterr()
    assert "automatic backup written" in out
    assert "backups_to_keep = 'lots' is ignored" in err
    assert "is not there: is the disk or USB stick connected?" in err
    assert "Traceback" not in err
    assert main(["site"]) == 1  # something in it was ignored


def test_the_cli_language_is_the_sites(no_site_policy: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write_site(no_site_policy, language="ko")
    case = tmp_path / "case.json"
    case.write_text('{"case_code": "A", "primary_site": "jejunum_ileum", "differentiation": '
                    '"well", "ki67_percent": 4}', encoding="utf-8")
    assert main(["--lang", "en", "evaluate", str(case)]) in (0, 1)
    out, err = capsys.readouterr()
    assert "--lang en is ignored" in err
    assert any("\uac00" <= ch <= "\ud7a3" for ch in out)  # Korean text


def old_database(path: Path, version: int) -> Path:
    db = connect(path)
    migrate(db, path, upto=version)
    db.close()
    return path


def test_an_upgrade_keeps_a_copy_named_with_both_versions_and_says_so_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gepnet_desktop import __version__

    old_database(paths.database_path(), 4)
    assert main(["cases", "list"]) == 0
    _, err = capsys.readouterr()
    [copy] = paths.data_dir().glob(f"gepnet.before-{__version__}-from-schema4-*.db")
    assert err.strip().splitlines() == [
        f"GEP-NET Pathway {__version__} upgraded the database {paths.database_path()} from "
        f"schema 4 to schema {SCHEMA_VERSION}; a copy of it as it was is kept as {copy}."]
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert main(["cases", "list"]) == 0  # the second time: nothing to say
    assert capsys.readouterr().err == ""


def test_a_newer_database_is_refused_with_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    path = paths.database_path()
    old_database(path, SCHEMA_VERSION)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    assert main(["cases", "list"]) == 2
    err = capsys.readouterr().err
    assert "written by a newer version of GEP-NET Pathway" in err and "not changed" in err
    assert path.read_bytes() == before
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_the_readme_example_reads_as_meant(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```ini\n", 1)[1].split("```", 1)[0]
    (tmp_path / "site.ini").write_text(block.replace("D:\\", "/d/").replace("E:\\", "/e/")
                                       .replace("\\", "/"), encoding="utf-8")
    policy = site_policy.read_policy(tmp_path / "site.ini")
    assert policy.problems == ()
    assert policy.fixed() == {"data_dir": Path("/d/GEPNET") / site_policy.os_user(),
                              "second_backup_dir": Path("/e/GEPNET-backup"),
                              "backups_to_keep": 30, "language": "ko"}


@pytest.mark.parametrize(("platform", "want"), [
    ("linux", Path("/etc/gepnet-desktop/site.ini")),
    ("win32", Path("C:/ProgramData") / "GEPNET-Pathway" / "site.ini"),
    ("darwin", Path("/Library/Application Support/GEPNET-Pathway/site.ini")),
])
def test_where_the_machine_file_is(platform: str, want: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(site_policy.ENV_VAR)
    monkeypatch.setenv("PROGRAMDATA", "C:/ProgramData")
    monkeypatch.setattr(site_policy.sys, "platform", platform)
    assert site_policy.default_location() == want


def test_the_limit_is_the_stores() -> None:
    assert site_policy.MAX_BACKUPS_TO_KEEP == MAX_BACKUPS_TO_KEEP

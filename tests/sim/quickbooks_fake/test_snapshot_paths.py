"""/_sim/snapshot and /_sim/restore: a bad path is a 4xx with the reason, and nothing changes; paths are
confined to the snapshot directory when one is configured, and callers from another machine need one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from sim.asgi import AsgiTransport, asgi_client
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.cli import app as cli_app
from sim.quickbooks_fake.http import create_app, create_app_from_env
from sim.quickbooks_fake.snapshots import NotACompanyFile

REMOTE = ("203.0.113.5", 50123)  # TEST-NET-3: a caller from another machine


def post(client: httpx.Client, route: str, path: object) -> httpx.Response:
    return client.post(f"/_sim/{route}", json={"path": path})


def refused(response: httpx.Response, status: int, error: str, path: object, reason: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["error"], body["path"]) == (error, str(path))
    assert body["reason"].startswith(reason), body["reason"]


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a company file\n")
    return path


@pytest.fixture
def foreign_db(tmp_path: Path) -> Path:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    return path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


# -- what may be restored from / written to --------------------------------------------------------------
def test_restore_of_a_missing_file_is_404_with_the_reason(client, tmp_path: Path) -> None:
    missing = tmp_path / "nope.qbsim"
    refused(post(client, "restore", str(missing)), 404, "NotFound", missing, "no such file")


def test_restore_of_a_text_file_is_422_and_changes_nothing(client, company, text_file: Path) -> None:
    before = company.dump()
    refused(post(client, "restore", str(text_file)), 422, "NotACompanyFile", text_file,
            "is not a SQLite file (file is not a database)")
    assert company.dump() == before


def test_restore_of_another_sqlite_database_is_422(client, company, foreign_db: Path) -> None:
    before = company.dump()
    refused(post(client, "restore", str(foreign_db)), 422, "NotACompanyFile", foreign_db,
            "is a SQLite database but not a qbsim company file (no such table: meta)")
    assert company.dump() == before
    assert tables(foreign_db) == {"t"}


def test_restore_of_an_empty_file_is_422_not_an_empty_company(client, company, tmp_path: Path) -> None:
    """SQLite reads an empty file as an empty database: restoring it used to wipe the company."""
    empty = tmp_path / "empty.qbsim"
    empty.touch()
    company.ui.create_vendor("Kept")
    refused(post(client, "restore", str(empty)), 422, "NotACompanyFile", empty,
            "is a SQLite database but not a qbsim company file")
    assert [v["Name"] for v in company.list_records("Vendor")] == ["Kept"]


def test_restore_of_a_directory_is_422(client, tmp_path: Path) -> None:
    refused(post(client, "restore", str(tmp_path)), 422, "NotACompanyFile", tmp_path,
            "is a directory, not a company file")


def test_snapshot_into_a_missing_directory_is_404(client, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "s.qbsim"
    refused(post(client, "snapshot", str(target)), 404, "NotFound", target,
            f"directory {target.parent} does not exist")


def test_snapshot_never_overwrites_a_file_that_is_not_a_company_file(client, text_file: Path,
                                                                     foreign_db: Path) -> None:
    refused(post(client, "snapshot", str(text_file)), 409, "Conflict", text_file,
            "exists and is not a SQLite file (file is not a database): not overwritten")
    assert text_file.read_text() == "not a company file\n"
    refused(post(client, "snapshot", str(foreign_db)), 409, "Conflict", foreign_db,
            "exists and is a SQLite database but not a qbsim company file")
    assert tables(foreign_db) == {"t"}


def test_snapshot_overwrites_an_older_snapshot(client, company, tmp_path: Path) -> None:
    target = tmp_path / "s.qbsim"
    assert post(client, "snapshot", str(target)).status_code == 200
    company.ui.create_vendor("Later")
    assert post(client, "snapshot", str(target)).json() == {"path": str(target)}
    assert [v["Name"] for v in CompanyFile.open(target).list_records("Vendor")] == ["Later"]


def test_snapshot_or_restore_of_the_open_file_itself_is_409(tmp_path: Path) -> None:
    path = tmp_path / "live.qbsim"
    with asgi_client(create_app(CompanyFile.create(path))) as client:
        for route in ("snapshot", "restore"):
            refused(post(client, route, str(path)), 409, "Conflict", path, "is the open company file itself")


@pytest.mark.parametrize("payload", [{}, {"path": 7}, {"path": ""}])
def test_a_missing_or_non_string_path_is_400(client, payload: dict) -> None:
    for route in ("snapshot", "restore"):
        response = client.post(f"/_sim/{route}", json=payload)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "BadSnapshotPath"
        assert response.json()["reason"] in ("give path: the snapshot file's path, a string",
                                             "give the snapshot's path")


def test_open_of_a_foreign_file_says_why_and_leaves_it_untouched(text_file: Path, foreign_db: Path) -> None:
    with pytest.raises(NotACompanyFile, match="is not a SQLite file"):
        CompanyFile.open(text_file)
    with pytest.raises(ValueError, match="is a SQLite database but not a qbsim company file"):
        CompanyFile.open(foreign_db)
    assert tables(foreign_db) == {"t"}  # opening used to create the company file's tables in it


# -- where ------------------------------------------------------------------------------------------------
def remote_client(app) -> httpx.Client:
    return httpx.Client(transport=AsgiTransport(app, client=REMOTE), base_url="http://qb.example")


def test_a_caller_from_another_machine_needs_a_snapshot_directory(company, tmp_path: Path) -> None:
    target = tmp_path / "s.qbsim"
    with remote_client(create_app(company)) as client:
        for route in ("snapshot", "restore"):
            refused(post(client, route, str(target)), 403, "Forbidden", target,
                    "snapshot and restore from another machine need a snapshot directory: serve with "
                    "--snapshot-dir (QBSIM_SNAPSHOT_DIR)")
    assert not target.exists()


def test_with_a_snapshot_directory_paths_stay_inside_it(company, tmp_path: Path) -> None:
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    (snaps / "out").symlink_to(tmp_path)
    with remote_client(create_app(company, snapshot_dir=snaps)) as client:
        daily = str((snaps / "daily.qbsim").resolve())
        assert post(client, "snapshot", "daily.qbsim").json() == {"path": daily}
        assert post(client, "snapshot", str(snaps / "abs.qbsim")).status_code == 200
        assert post(client, "restore", "daily.qbsim").status_code == 200
        for escape in ("../escape.qbsim", str(tmp_path / "escape.qbsim"), "out/escape.qbsim"):
            refused(post(client, "snapshot", escape), 403, "Forbidden", escape,
                    f"outside the snapshot directory {snaps.resolve()}")
            refused(post(client, "restore", escape), 403, "Forbidden", escape, "outside the snapshot")
    assert sorted(p.name for p in snaps.iterdir()) == ["abs.qbsim", "daily.qbsim", "out"]
    assert not (tmp_path / "escape.qbsim").exists()


def test_the_snapshot_directory_must_exist(company, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="snapshot directory .* does not exist"):
        create_app(company, snapshot_dir=tmp_path / "missing")


def test_the_env_factory_and_the_cli_take_a_snapshot_directory(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    snaps = tmp_path / "snaps"
    snaps.mkdir()
    monkeypatch.setenv("QBSIM_COMPANY_FILE", str(tmp_path / "env.qbsim"))
    monkeypatch.setenv("QBSIM_SNAPSHOT_DIR", str(snaps))
    with asgi_client(create_app_from_env()) as client:
        refused(post(client, "snapshot", "../x.qbsim"), 403, "Forbidden", "../x.qbsim", "outside")
        assert post(client, "snapshot", "x.qbsim").status_code == 200
    assert "--snapshot-dir" in CliRunner().invoke(cli_app, ["serve", "--help"]).output

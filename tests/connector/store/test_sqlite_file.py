"""A SQLite file store: WAL journal, a busy timeout, writers BEGIN IMMEDIATE, readers never wait."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from connector.store.db import make_engine, make_session_factory

pytestmark = pytest.mark.sqlite_only


def test_a_sqlite_file_is_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}?timeout=2.5")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2_500
    engine.dispose()


def test_a_reader_does_not_wait_for_a_writer_and_a_second_writer_waits_then_fails_by_name(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rw.db'}?timeout=0.3")
    sessions = make_session_factory(engine)
    with sessions.begin() as db:
        db.execute(text("INSERT INTO companies (key, company_file) VALUES ('a', '')"))
    other = make_engine(f"sqlite:///{tmp_path / 'rw.db'}?timeout=0.3")
    with sessions.begin() as writer:  # holds the write lock until the block ends
        writer.execute(text("INSERT INTO companies (key, company_file) VALUES ('b', '')"))
        with sessions() as reader:  # deferred BEGIN, WAL: reads the last commit, takes no lock
            assert reader.execute(text("SELECT key FROM companies")).scalars().all() == ["a"]
        # another process (its own engine): it meets SQLite's lock, not this process's queue for it
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), \
                make_session_factory(other).begin() as second:
            second.execute(text("SELECT 1"))
        assert time.monotonic() - started >= 0.25  # it waited for the busy timeout first
    other.dispose()
    with sessions() as reader:
        assert reader.execute(text("SELECT count(*) FROM companies")).scalar() == 2
    engine.dispose()


def test_writers_of_one_process_queue_for_the_file_instead_of_failing(tmp_path) -> None:
    """Threads of one connector wait for each other's write on a lock, not in SQLite's busy handler:
    with a busy timeout of 0.1 s, eight threads writing 0.05 s each all get through."""
    import threading

    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}?timeout=0.1")
    sessions = make_session_factory(engine)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with sessions.begin() as db:
                db.execute(text("INSERT INTO companies (key, company_file) VALUES (:k, '')"), {"k": str(n)})
                db.execute(text("SELECT 1 FROM (WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                "FROM r WHERE i < 200000) SELECT i FROM r) LIMIT 1 OFFSET 199999"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with sessions() as db:
        assert db.execute(text("SELECT count(*) FROM companies")).scalar() == 8
    engine.dispose()

"""Users (hashed passwords, one company file each), sessions (expiry, one live per company), db helpers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from connector.store.db import make_engine, make_session_factory
from connector.store.models import QbwcSession, User
from connector.store.passwords import hash_password, verify_password
from connector.store.sessions import SessionStore
from connector.store.users import UserStore


def test_passwords_are_salted_slow_hashes() -> None:
    a, b = hash_password("s3cret", 1000), hash_password("s3cret", 1000)
    assert a.salt != b.salt and a.digest != b.digest
    assert (a.kdf, a.iterations) == ("pbkdf2_sha256", 1000)
    assert verify_password("s3cret", a) and not verify_password("s3creT", a)
    with pytest.raises(ValueError, match="unknown password KDF 'md5'"):
        verify_password("x", a.__class__("md5", 1, a.salt, a.digest))


def test_users_authenticate_and_store_no_clear_password(sessions) -> None:
    users = UserStore(sessions, iterations=1000)
    users.add_user("acme", "s3cret", "acme-co", r"C:\acme.qbw")
    account = users.authenticate("acme", "s3cret")
    assert account is not None and (account.company_key, account.company_file) == ("acme-co", r"C:\acme.qbw")
    assert users.authenticate("acme", "wrong") is None
    assert users.authenticate("ghost", "s3cret") is None
    with sessions() as db:
        row = db.scalars(select(User)).one()
        assert "s3cret" not in (row.password_hash + row.password_salt)
    users.add_user("acme", "new-password", "acme-co")
    assert users.authenticate("acme", "s3cret") is None
    assert users.authenticate("acme", "new-password") is not None
    assert users.company_file("acme-co") == r"C:\acme.qbw"
    with pytest.raises(ValueError, match="user name must not be empty"):
        users.add_user("", "pw", "acme-co")
    with pytest.raises(KeyError):
        users.company_file("nope")


def test_add_company_updates_the_path(sessions) -> None:
    users = UserStore(sessions, iterations=1000)
    users.add_company("co", r"C:\old.qbw")
    users.add_company("co", r"C:\new.qbw")
    assert users.company_file("co") == r"C:\new.qbw"


def test_sessions_expire_and_only_one_is_live_per_company(sessions, clock) -> None:
    UserStore(sessions, iterations=1000).add_user("acme", "pw", "co")
    store = SessionStore(sessions, timedelta(minutes=30))
    store.open("t1", "acme", "co", clock())
    assert store.live_session("co", clock()).ticket == "t1"
    clock.advance(minutes=29)
    record = store.get("t1")
    assert record is not None and not store.is_expired(record, clock())
    clock.advance(minutes=2)
    assert store.is_expired(store.get("t1"), clock())
    assert store.live_session("co", clock()) is None
    assert store.get("t1").state == "expired"
    assert store.get("unknown") is None
    with pytest.raises(KeyError):
        store.update("unknown", state="closed")


def test_times_are_timezone_aware_and_naive_ones_are_refused(sessions, clock) -> None:
    UserStore(sessions, iterations=1000).add_user("acme", "pw", "co")
    store = SessionStore(sessions, timedelta(minutes=30))
    store.open("t1", "acme", "co", clock())
    assert store.get("t1").created_at == clock()
    assert store.get("t1").created_at.tzinfo is not None
    with pytest.raises(Exception, match="naive datetime given to the store"):
        store.open("t2", "acme", "co", datetime(2026, 1, 1, 9, 0))


def test_in_memory_database_is_shared_across_threads(clock) -> None:
    engine = make_engine("sqlite://")
    sessions = make_session_factory(engine)
    UserStore(sessions, iterations=1000).add_user("acme", "pw", "co")
    store = SessionStore(sessions, timedelta(minutes=30))
    thread = threading.Thread(target=store.open, args=("t1", "acme", "co", clock()))
    thread.start()
    thread.join()
    with sessions() as db:
        assert db.scalars(select(QbwcSession.ticket)).all() == ["t1"]
    engine.dispose()

"""authenticate's throttle: per user name and per client address, on the injected clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from connector.qbwc.throttle import LoginPolicy, LoginThrottle
from connector.store import users as users_module
from sim.asgi import AsgiTransport

ACME_FILE = r"C:\Company\acme.qbw"


@pytest.fixture
def kdf_runs(monkeypatch) -> list[str]:
    """Every password check (PBKDF2 run) the store makes, by password."""
    runs: list[str] = []
    real = users_module.verify_password

    def counting(password: str, stored: object) -> bool:
        runs.append(password)
        return real(password, stored)  # type: ignore[arg-type]

    monkeypatch.setattr(users_module, "verify_password", counting)
    return runs


@pytest.fixture(autouse=True)
def work_to_do(harness) -> None:
    """One item queued, so a successful login answers the company file (and "nvu" means refused)."""
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})


def login(harness, password: str, user: str = "acme", address: str = "198.51.100.7") -> str:
    """authenticate()[1] for one call from ``address`` (a session it opens is closed again)."""
    answer = harness.service.authenticate(user, password, address)
    if answer[1] not in ("nvu", "none", "busy"):
        harness.service.close_connection(answer[0])
    return answer[1]


def test_the_sixth_failure_locks_the_user_out_even_for_the_right_password(harness, kdf_runs, caplog) -> None:
    assert [login(harness, f"guess{n}") for n in range(6)] == ["nvu"] * 6
    assert len(kdf_runs) == 6
    caplog.set_level(logging.WARNING, logger="connector.qbwc.throttle")
    caplog.clear()
    assert login(harness, "s3cret") == "nvu"
    assert len(kdf_runs) == 6  # refused without a PBKDF2 run
    assert caplog.messages == [
        "authenticate answered nvu without a password check: user 'acme' is locked out for 1 more s "
        "after 6 failed logins"
    ]
    harness.clock.advance(seconds=1)
    assert login(harness, "s3cret") == ACME_FILE
    assert kdf_runs[-1] == "s3cret"


def test_the_failure_that_starts_a_lockout_is_logged(harness, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="connector.qbwc.throttle")
    for n in range(5):
        login(harness, f"guess{n}")
    assert caplog.messages == []
    login(harness, "guess5")
    assert caplog.messages == [
        "authenticate failed for user 'acme' from 198.51.100.7; user 'acme' is locked out for 1 more s "
        "after 6 failed logins"
    ]


def test_the_lockout_doubles_up_to_its_maximum_and_always_ends(harness, kdf_runs) -> None:
    lockouts = []
    for n in range(20):  # each guess waits out the lockout the previous one earned
        assert login(harness, f"guess{n}") == "nvu"
        refusal = harness.service.logins.throttle.refusal("acme", "")
        seconds = int(refusal.split(" for ")[1].split(" more")[0]) if refusal else 0
        lockouts.append(seconds)
        harness.clock.advance(seconds=seconds)
    assert lockouts == [0] * 5 + [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] + [900] * 5
    harness.clock.advance(seconds=-900)  # back to the last failure: locked for 900 s
    runs = len(kdf_runs)
    for _ in range(100):  # refused calls neither cost a KDF run nor extend the lockout
        assert login(harness, "s3cret") == "nvu"
        harness.clock.advance(seconds=8)
    assert len(kdf_runs) == runs
    harness.clock.advance(seconds=100)  # 900 s after the last failure
    assert login(harness, "s3cret") == ACME_FILE


def test_a_success_clears_the_user_names_failures(harness) -> None:
    for n in range(5):
        login(harness, f"guess{n}", address=f"192.0.2.{n}")
    assert login(harness, "s3cret", address="192.0.2.99") == ACME_FILE
    for n in range(5):
        login(harness, f"again{n}", address=f"192.0.2.{10 + n}")
    assert login(harness, "s3cret", address="192.0.2.98") == ACME_FILE


def test_failures_are_forgotten_after_the_memory_window(harness) -> None:
    for n in range(5):
        login(harness, f"guess{n}")
    harness.clock.advance(hours=1, seconds=1)
    for n in range(5):
        login(harness, f"again{n}")
    assert login(harness, "s3cret") == ACME_FILE  # 5 failures in memory, not 10


def test_one_address_spraying_many_user_names_is_locked_out(harness, kdf_runs) -> None:
    assert {login(harness, "pw", user=f"user{n}", address="203.0.113.9") for n in range(6)} == {"nvu"}
    runs = len(kdf_runs)
    assert login(harness, "s3cret", address="203.0.113.9") == "nvu"
    assert len(kdf_runs) == runs
    assert harness.service.logins.throttle.refusal("acme", "203.0.113.9") == (
        "address 203.0.113.9 is locked out for 1 more s after 6 failed logins"
    )
    assert login(harness, "s3cret", address="198.51.100.7") == ACME_FILE  # acme itself is not locked


def test_a_guesser_elsewhere_cannot_keep_the_real_web_connector_out(harness) -> None:
    """The user lockout spares an address the user has logged in from; a new address waits it out."""
    assert login(harness, "s3cret", address="198.51.100.7") == ACME_FILE
    for n in range(30):
        login(harness, f"guess{n}", address=f"203.0.113.{n}")
    assert login(harness, "s3cret", address="192.0.2.1") == "nvu"
    assert login(harness, "s3cret", address="198.51.100.7") == ACME_FILE


def test_concurrent_attempts_count_before_their_passwords_are_checked() -> None:
    """Forty guesses in flight at once are forty failures: an attempt counts when it is admitted."""
    now = datetime(2026, 1, 5, tzinfo=UTC)
    throttle = LoginThrottle(
        LoginPolicy(5, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1)), lambda: now
    )
    admitted = [throttle.admit("acme", f"192.0.2.{n}") for n in range(40)]
    assert admitted[:6] == [None] * 6
    assert set(admitted[6:]) == {"user 'acme' is locked out for 1 more s after 6 failed logins"}


def test_the_http_layer_passes_the_client_address_down(harness) -> None:
    """Over SOAP: an address locked out gets ``nvu``; another address logs in."""
    outsider = httpx.Client(
        transport=AsgiTransport(harness.app, client=("203.0.113.9", 4000)), base_url="http://testserver"
    )
    harness.opened.append(outsider)
    wsc = type(harness.wsc)(outsider)
    for n in range(6):
        assert wsc.authenticate("nobody", f"guess{n}")[1] == "nvu"
    assert wsc.authenticate()[1] == "nvu"
    assert harness.service.logins.throttle.refusal("x", "203.0.113.9") is not None
    assert harness.wsc.authenticate()[1] == ACME_FILE  # in-process client: 127.0.0.1


def test_user_names_are_remembered_by_digest_not_by_copy() -> None:
    """A megabyte user name is counted like any other, and the throttle keeps 64 hex digits of it."""
    now = datetime(2026, 1, 5, tzinfo=UTC)
    throttle = LoginThrottle(
        LoginPolicy(0, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1)), lambda: now
    )
    huge = "u" * 1_000_000
    assert throttle.admit(huge, "") is None
    assert throttle.refusal(huge, "") == f"user {'u' * 64!r} is locked out for 1 more s after 1 failed logins"
    assert max(len(key) for key in throttle._strikes) == len("user:") + 64

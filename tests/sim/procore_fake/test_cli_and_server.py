"""The typer CLI and the background uvicorn server; one lock per company under concurrent load."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from pcfake_helpers import build, client_for, make_vendor
from typer.testing import CliRunner

from qbsim.cli import app as qbsim_cli
from sim.clock import ManualClock
from sim.procore_fake.app import create_app
from sim.procore_fake.cli import app as cli
from sim.server import BackgroundServer


def test_cli_serve_help_lists_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert result.exit_code == 0
    for option in ("--port", "--database-url", "--seed", "--rate-limit-hourly", "--lenient-company-header"):
        assert option in result.output


def test_cli_serve_builds_the_fake_from_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """``qbsim procore serve``: options reach create_app, the dispatcher runs around uvicorn, and stops."""
    import sim.procore_fake.cli as cli_module

    seen: dict[str, Any] = {}

    def fake_run(app: Any, *, host: str, port: int, log_level: str) -> None:
        seen.update(app=app, host=host, port=port, dispatcher_running=seen["dispatcher"].running)

    real_dispatcher = cli_module.Dispatcher

    def dispatcher(state: Any) -> Any:
        seen["dispatcher"] = real_dispatcher(state)
        return seen["dispatcher"]

    monkeypatch.setattr(cli_module.uvicorn, "run", fake_run)
    monkeypatch.setattr(cli_module, "Dispatcher", dispatcher)
    args = ["serve", "--port", "8411", "--seed", "3", "--rate-limit-hourly", "50", "--rate-limit-spike", "5"]
    result = CliRunner().invoke(qbsim_cli, ["procore", *args, "--lenient-company-header"])
    assert result.exit_code == 0, result.output
    assert "fake Procore on http://127.0.0.1:8411" in result.output
    state = seen["app"].state.sim
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8411)
    assert state.company_header_mode == "lenient"
    limits = state.limiter.config
    assert (limits.hourly, limits.spike, limits.enforce) == (50, 5, True)
    assert seen["dispatcher_running"] and not seen["dispatcher"].running  # stopped after uvicorn returns
    plain = CliRunner().invoke(cli, ["serve"])
    assert plain.exit_code == 0 and not seen["app"].state.sim.limiter.config.enforce  # headers only
    assert seen["app"].state.sim.company_header_mode == "strict"


def test_background_server_answers_oauth_and_rest_then_stops() -> None:
    server = BackgroundServer(create_app(clock=ManualClock())).start()
    try:
        with httpx.Client(base_url=server.url) as http:
            token = http.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "qbsim-client-id",
                    "client_secret": "qbsim-client-secret",
                },
            ).json()["access_token"]
            company = http.get("/_sim/state").json()["companies"][0]["id"]
            r = http.get(
                "/rest/v1.0/companies",
                headers={"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)},
            )
            assert r.status_code == 200 and r.json()[0]["id"] == company
    finally:
        server.stop()
    assert not server._thread.is_alive()


def _write_vendors(url: str, client_id: str, secret: str, company_id: int, errors: list[str]) -> None:
    with httpx.Client(base_url=url) as http:
        token = http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company_id)}
        for n in range(15):
            r = http.post(
                "/rest/v1.0/vendors",
                json={"company_id": company_id, "vendor": {"name": f"V{n}"}},
                headers=headers,
            )
            if r.status_code != 201:
                errors.append(r.text)


def test_two_companies_write_concurrently_without_losing_records() -> None:
    """Two threads, each on its own connection to the served fake: one lock per company, no lost writes."""
    with (
        BackgroundServer(create_app(clock=ManualClock())) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        made = http.post(
            "/_sim/companies", json={"name": "Second", "client_id": "c2", "client_secret": "s2"}
        ).json()
        creds = [
            ("qbsim-client-id", "qbsim-client-secret", http.get("/_sim/state").json()["companies"][0]["id"]),
            ("c2", "s2", made["company_id"]),
        ]
        errors: list[str] = []
        threads = [threading.Thread(target=_write_vendors, args=(server.url, *c, errors)) for c in creds]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        for client_id, secret, company_id in creds:
            token = http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
            ).json()["access_token"]
            r = http.get(
                "/rest/v1.0/vendors",
                params={"company_id": company_id},
                headers={"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company_id)},
            )
            assert r.headers["Total"] == "15"


def test_dispatcher_tick_delivers_and_runs_schedule_and_thread_stops() -> None:
    from sim.procore_fake.dispatcher import Dispatcher

    seen: list[httpx.Request] = []
    clock = ManualClock()
    app = create_app(
        clock=clock, webhook_transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(204))
    )
    with client_for(app) as http:
        company = http.get("/_sim/state").json()["companies"][0]["id"]
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "qbsim-client-id",
                "client_secret": "qbsim-client-secret",
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)}
        hook = http.post(
            "/rest/v1.0/webhooks/hooks",
            headers=headers,
            json={"company_id": company, "hook": {"destination_url": "https://connector.example/hook"}},
        ).json()
        http.post(
            f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
            headers=headers,
            json={
                "company_id": company,
                "trigger": {"resource_name": "ERP Requests", "event_type": "create"},
            },
        )
        dispatcher = Dispatcher(app.state.sim)
        assert dispatcher.tick() == ([], [])  # schedules start counting
        clock.advance(3600)
        emitted, delivered = dispatcher.tick()
        # hourly company syncs; payments wait for the default "Daily" Sync Program
        assert sorted(r["request_name"] for r in emitted) == ["sync_jobs", "sync_vendors"]
        assert len(delivered) == 2 and len(seen) == 2
        dispatcher.start()
        assert dispatcher.running
        dispatcher.stop()
        assert not dispatcher.running


def test_file_database_survives_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'procore.db'}"
    form = {
        "grant_type": "client_credentials",
        "client_id": "qbsim-client-id",
        "client_secret": "qbsim-client-secret",
    }
    with client_for(create_app(database_url=url, clock=ManualClock())) as http:
        company = http.get("/_sim/state").json()["companies"][0]["id"]
        token = http.post("/oauth/token", data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(company)}
        assert (
            http.post(
                "/rest/v1.0/vendors",
                headers=headers,
                json={"company_id": company, "vendor": {"name": "Kept"}},
            ).status_code
            == 201
        )
    with client_for(create_app(database_url=url, clock=ManualClock())) as http:
        state = http.get("/_sim/state").json()
        assert [c["id"] for c in state["companies"]] == [company]
        r = http.get("/rest/v1.0/vendors", params={"company_id": company}, headers=headers)
        assert [v["name"] for v in r.json()] == ["Kept"]  # the token survived too
        made = http.post(
            "/rest/v1.0/vendors", headers=headers, json={"company_id": company, "vendor": {"name": "New"}}
        )
        assert made.status_code == 201
        names = [
            v["name"]
            for v in http.get("/rest/v1.0/vendors", params={"company_id": company}, headers=headers).json()
        ]
        assert names == ["Kept", "New"]  # the reopened store does not reuse ids
        fresh = http.post("/oauth/token", data=form).json()["access_token"]
        assert fresh != token


def test_bound_states_share_one_app_but_not_data() -> None:
    a, b = build(), build()
    try:
        make_vendor(a, "Only in A")
        names_b = [v["name"] for v in b.dmsa.get("/rest/v1.0/vendors", company_id=b.company_id).json()]
        names_a = [v["name"] for v in a.dmsa.get("/rest/v1.0/vendors", company_id=a.company_id).json()]
        assert (names_a, names_b) == (["Only in A"], [])
    finally:
        a.close()
        b.close()


def test_a_server_never_started_still_releases_its_socket() -> None:
    server = BackgroundServer(create_app(clock=ManualClock()))
    server.stop()  # joined nothing, closed the bound socket
    assert server._sock.fileno() == -1


def test_serve_defaults_to_the_manual_clock_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``qbsim quickbooks serve``: the injectable clock unless --wall-clock, named in the banner."""
    import sim.procore_fake.cli as cli_module
    from sim.clock import SystemClock

    served: list[Any] = []
    monkeypatch.setattr(cli_module.uvicorn, "run", lambda app, **_: served.append(app))
    manual = CliRunner().invoke(cli, ["serve"])
    assert manual.exit_code == 0, manual.output
    assert "clock: manual, at 2024-01-15T09:00:00+00:00 (move it with POST /_sim/clock)" in manual.output
    assert isinstance(served[-1].state.sim.clock, ManualClock)
    wall = CliRunner().invoke(cli, ["serve", "--wall-clock"])
    assert wall.exit_code == 0 and "clock: wall (--wall-clock)" in wall.output
    assert isinstance(served[-1].state.sim.clock, SystemClock)


def test_serve_confines_snapshots_to_a_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import sim.procore_fake.cli as cli_module

    served: list[Any] = []
    monkeypatch.setattr(cli_module.uvicorn, "run", lambda app, **_: served.append(app))
    result = CliRunner().invoke(cli, ["serve", "--snapshot-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert served[-1].state.sim.snapshot_dir == tmp_path
    missing = CliRunner().invoke(cli, ["serve", "--snapshot-dir", str(tmp_path / "none")])
    assert missing.exit_code != 0 and "does not exist" in str(missing.exception)


def test_importing_the_app_module_builds_nothing() -> None:
    """No app at import (the routes are declared by the first create_app); ``app`` is built on first use."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import sim.procore_fake.app as module\n"
        "import sim.procore_fake.cli\n"
        "routes = [m for m in sys.modules if m.startswith('sim.procore_fake.routers')]\n"
        "assert routes == [] and module._DEFAULT == [], (routes, module._DEFAULT)\n"
        "first = module.app\n"
        "assert module.app is first and len(module._DEFAULT) == 1\n"
        "assert '/_sim/state' in first.openapi()['paths']\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

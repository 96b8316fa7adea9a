"""`qbsim up`: the three parties on real sockets in their own process, as a person starts them.

Each test runs ``qbsim up`` as a subprocess on free ports and waits (bounded) for ``stack.json``; nothing
sleeps on wall time except polling a ready condition.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from qbsim.cli import app
from qbsim.up import RETENTION_ITEMS

QBSIM = Path(sys.executable).with_name("qbsim")  # the console script beside this interpreter
READY_SECONDS = 120.0  # a shared CI machine: generous, but bounded
STACK_KEYS = {"procore_url", "connector_url", "quickbooks_url", "qbwc_username", "qbwc_password",
              "qwc_path", "company_file"}


class Up:
    """A running ``qbsim up`` and what it wrote."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log_path = directory.parent / f"{directory.name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(QBSIM), "up", "--dir", str(directory)], stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "200"},
        )
        self.info: dict[str, Any] = json.loads(
            wait_for(lambda: self._stack_json(), "stack.json to appear", self)
        )

    def _stack_json(self) -> str | None:
        path = self.directory / "stack.json"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=60)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._log.close()


def wait_for(
    ready: Callable[[], Any], what: str, up: Up | None = None, timeout: float = READY_SECONDS
) -> Any:
    """Poll ``ready`` until it returns something truthy, within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = ready()
        if value:
            return value
        if up is not None and up.process.poll() is not None:
            code = up.process.returncode
            raise AssertionError(f"qbsim up exited with {code} waiting for {what}:\n{up.log()}")
        if time.monotonic() > deadline:
            log = up.log() if up is not None else ""
            raise AssertionError(f"no {what} within {timeout:.0f} s\n{log}")
        time.sleep(0.1)


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    stack = Up(tmp_path / "stack")
    try:
        yield stack
    finally:
        stack.kill()


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/", 1)[0])


def test_up_serves_three_wired_parties_and_stops_on_sigterm(up: Up) -> None:
    info = up.info
    assert set(info) >= STACK_KEYS
    assert info["connector_url"].endswith("/qbwc")
    with httpx.Client(timeout=30) as http:
        procore = http.get(f"{info['procore_url']}/_sim/state").raise_for_status().json()
        company_id = str(info["procore_company_id"])
        assert procore["companies"][0]["id"] == info["procore_company_id"]
        erp = procore["companies"][0]["erp_settings"]  # the ERP tool's settings point at the connector
        assert (erp["service_url"], erp["status"]) == (info["webhook_url"], "Connected")
        wsdl = http.get(f"{info['connector_url']}?wsdl").raise_for_status()
        assert info["connector_url"] in wsdl.text  # the WSDL's soap:address is the served endpoint
        company = http.get(f"{info['quickbooks_url']}/_sim/state").raise_for_status().json()
        assert company["preferences"]["PurchasesAndVendorsPreferences"]["IsUsingInventory"] == "true"
        items = http.get(f"{info['quickbooks_url']}/_sim/lists/ItemService").raise_for_status().json()
        assert {i["Name"] for i in items} >= set(RETENTION_ITEMS)
        # the fake Procore knows the connector: ERP connection Connected and the webhook at its endpoint
        token = http.post(
            f"{info['procore_url']}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "qbsim-client-id",
                  "client_secret": "qbsim-client-secret"},
        ).json()["access_token"]
        hooks = http.get(
            f"{info['procore_url']}/rest/v1.0/webhooks/hooks",
            params={"company_id": info["procore_company_id"], "namespace": "erp-integration"},
            headers={"Authorization": f"Bearer {token}", "Procore-Company-Id": company_id},
        ).raise_for_status().json()
        assert [h["destination_url"] for h in hooks] == [info["webhook_url"]]
    qwc = etree.fromstring(Path(info["qwc_path"]).read_bytes(), etree.XMLParser(resolve_entities=False))
    assert qwc.findtext("AppURL") == info["connector_url"]
    assert qwc.findtext("UserName") == info["qbwc_username"]
    assert Path(info["company_file"]).is_file()
    assert (Path(info["company_file"]).parent / "stack.json").stat().st_mode & 0o077 == 0  # holds a password

    printed = up.log()  # the same, for a person
    assert all(str(info[key]) in printed for key in STACK_KEYS), printed
    assert f"qbsim webconnector {info['qwc_path']} --password {info['qbwc_password']}" in printed

    assert up.terminate() == 0
    assert "qbsim up: stopped." in up.log()
    for url in (info["procore_url"], info["connector_url"], info["quickbooks_url"]):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port_of(url)), timeout=5).close()
        with socket.socket() as again:  # nobody listens there any more
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port_of(url)))


def test_ctrl_c_stops_the_stack_cleanly(up: Up) -> None:
    assert up.terminate(signal.SIGINT) == 0
    assert up.log().rstrip().endswith("qbsim up: stopped.")
    assert "Traceback" not in up.log()


# -- what a person does by hand: Procore users' actions, then the Web Connector ----------------------------
ACCOUNT_QUERY = (
    '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<AccountQueryRq requestID="1"/></QBXMLMsgsRq></QBXML>'
)


def accounts(http: httpx.Client, quickbooks_url: str) -> dict[str, str]:
    """AccountType -> ListID of its first account, read through the company file's POST /qbxml."""
    answer = http.post(f"{quickbooks_url}/qbxml", content=ACCOUNT_QUERY, headers={"Content-Type": "text/xml"})
    root = etree.fromstring(answer.raise_for_status().content, etree.XMLParser(resolve_entities=False))
    out: dict[str, str] = {}
    for account in root.iter("AccountRet"):
        out.setdefault(account.findtext("AccountType") or "", account.findtext("ListID") or "")
    return out


class ProcoreUsers:
    """The Procore people of the seeded company, acting through the fake's served URL (`/rest`, `/_sim`)."""

    def __init__(self, http: httpx.Client, info: dict[str, Any]) -> None:
        self.http = http
        self.company_id = info["procore_company_id"]
        self.state = http.get("/_sim/state").json()["companies"][0]
        self.users = {u["name"]: u["id"] for u in self.state["users"]}
        token = http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "qbsim-client-id",
                  "client_secret": "qbsim-client-secret"},
        ).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}", "Procore-Company-Id": str(self.company_id)}

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(path, json={"company_id": self.company_id, **body}, headers=self.headers)
        made: dict[str, Any] = answer.raise_for_status().json()
        return made

    def cost_code(self, code: str, name: str) -> dict[str, Any]:
        return self.create("/rest/v1.0/standard_cost_codes", {"standard_cost_code": {
            "standard_cost_code_list_id": self.state["erp_standard_cost_code_list_id"], "code": code,
            "name": name}})

    def project(self, name: str) -> dict[str, Any]:
        return self.create("/rest/v1.0/projects", {"project": {
            "name": name, "address": "1 Main St", "city": "Austin", "state_code": "TX", "zip": "78701"}})

    def vendor(self, name: str) -> dict[str, Any]:
        return self.create("/rest/v1.0/vendors", {"vendor": {"name": name}})

    def export(self, kind: str, item_id: int, sender: str, **choices: str) -> None:
        """Sent to ERP by ``sender``, accepted by the accounting approver Alex Accountant (seed 001)."""
        for action, who, extra in (("send", sender, {}), ("accept", "Alex Accountant", choices)):
            answer = self.http.post(f"/_sim/companies/{self.company_id}/erp/items/{action}", json={
                "as_user_id": self.users[who], "item_type": kind, "item_id": item_id, **extra})
            assert answer.status_code == 200, answer.text

    def synced(self) -> dict[tuple[str, int], str]:
        """The ERP tool's Synced list: (item type, id) -> origin id (the QuickBooks ListID)."""
        rows = self.http.get(f"/_sim/companies/{self.company_id}/erp/lists").json()["synced"]
        return {(r["item_type"], r["item_id"]): r["origin_id"] for r in rows}


def web_connector_update(info: dict[str, Any], up: Up) -> str:
    """``qbsim webconnector`` as a person runs it ("Update Selected"); its printed result."""
    update = subprocess.run(
        [str(QBSIM), "webconnector", info["qwc_path"], "--password", info["qbwc_password"],
         "--company", info["quickbooks_url"]],
        capture_output=True, text=True, timeout=300,
    )
    assert update.returncode == 0, update.stdout + update.stderr + up.log()
    return update.stdout


def named(http: httpx.Client, info: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    """The one live QuickBooks record of ``kind`` named ``name`` (the company file's `/_sim/lists`)."""
    records = http.get(f"{info['quickbooks_url']}/_sim/lists/{kind}").json()
    [record] = [r for r in records if r["Name"] == name]
    return dict(record)


def test_a_cost_code_then_a_project_and_a_company_reach_quickbooks_and_come_back_synced(up: Up) -> None:
    info = up.info
    with httpx.Client(base_url=info["procore_url"], timeout=30) as http:
        procore = ProcoreUsers(http, info)
        code = procore.cost_code("01-100", "Site Work")
        chart = accounts(http, info["quickbooks_url"])
        accounts_chosen = {"income_account_origin_id": chart["Income"],
                           "expense_account_origin_id": chart["CostOfGoodsSold"]}
        procore.export("standard_cost_code", code["id"], "Erin Sponsor", **accounts_chosen)
        # the Dispatcher delivers the ERP Request's webhook; the connector reads it and queues the export
        wait_for(lambda: "create_standard_cost_codes: 1 cost code(s) to export" in up.log(),
                 "ERP Request picked up by the connector", up)
        printed = web_connector_update(info, up)
        assert "completed" in printed and "1 done, 0 failed, 0 left" in printed, printed
        item = named(http, info, "ItemService", "01-100")
        assert item["SalesAndPurchase"]["IncomeAccountRef"]["ListID"] == chart["Income"]
        cost_code = ("standard_cost_code", code["id"])
        assert wait_for(lambda: procore.synced().get(cost_code), "the cost code Synced in Procore", up) \
            == item["ListID"]

        # seed 001: the project's cost codes are synced now, so the project (and a company) can follow
        project, vendor = procore.project("Tower Apartments"), procore.vendor("Acme Concrete")
        procore.export("project", project["id"], "Pat Manager")
        procore.export("vendor", vendor["id"], "Erin Sponsor")
        for planned in ("create_or_update_job:", "create_vendor:"):
            wait_for(lambda planned=planned: planned in up.log(), f"{planned!r} planned by the connector", up)
        printed = web_connector_update(info, up)
        assert "completed" in printed and "2 done, 0 failed, 0 left" in printed, printed + up.log()
        expected = {
            cost_code: item["ListID"],
            ("project", project["id"]): named(http, info, "Customer", "Tower Apartments")["ListID"],
            ("vendor", vendor["id"]): named(http, info, "Vendor", "Acme Concrete")["ListID"],
        }
        assert wait_for(lambda: procore.synced() if set(expected) <= set(procore.synced()) else None,
                        "the project and the company Synced in Procore", up) == expected
    assert up.log().count("closed success") == 3  # every request detail closed once
    assert up.terminate() == 0


def test_a_cost_code_a_project_and_a_company_accepted_together_reach_quickbooks_in_one_update(up: Up) -> None:
    info = up.info
    with httpx.Client(base_url=info["procore_url"], timeout=30) as http:
        procore = ProcoreUsers(http, info)
        code = procore.cost_code("01-100", "Site Work")
        project, vendor = procore.project("Tower Apartments"), procore.vendor("Acme Concrete")
        chart = accounts(http, info["quickbooks_url"])
        accounts_chosen = {"income_account_origin_id": chart["Income"],
                           "expense_account_origin_id": chart["CostOfGoodsSold"]}
        procore.export("standard_cost_code", code["id"], "Erin Sponsor", **accounts_chosen)
        procore.export("project", project["id"], "Pat Manager")
        procore.export("vendor", vendor["id"], "Erin Sponsor")
        for planned in ("create_standard_cost_codes:", "create_or_update_job:", "create_vendor:"):
            wait_for(lambda planned=planned: planned in up.log(), f"{planned!r} planned by the connector", up)
        printed = web_connector_update(info, up)
        assert "3 done, 0 failed, 0 left" in printed, printed
        wanted = {("standard_cost_code", code["id"]), ("project", project["id"]), ("vendor", vendor["id"])}
        wait_for(lambda: wanted <= set(procore.synced()), "all three Synced in Procore", up)


# -- refusals: one line, non-zero exit ---------------------------------------------------------------------
@pytest.fixture
def root_logging() -> Iterator[None]:
    """`qbsim up` configures the root logger; give pytest's handlers back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    chatty = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in chatty.items():
        logging.getLogger(name).setLevel(was)


def _up(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["up", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_up_refuses_a_file_as_its_directory(tmp_path: Path, root_logging: None) -> None:
    path = tmp_path / "not-a-dir"
    path.write_text("x")
    assert _up("--dir", str(path)) == (2, f"error: --dir {path}: is a file, not a directory\n")


def test_up_refuses_a_directory_it_cannot_write(
    tmp_path: Path, root_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: the file system's refusal, as root would meet it
        def refuse(*_: Any, **__: Any) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("qbsim.up.tempfile.TemporaryFile", refuse)
    try:
        code, output = _up("--dir", str(locked))
    finally:
        locked.chmod(0o700)
    assert (code, output) == (2, f"error: --dir {locked}: not writable (Permission denied)\n")


def test_up_refuses_a_directory_holding_a_stack(tmp_path: Path, root_logging: None) -> None:
    (tmp_path / "stack.json").write_text("{}")
    code, output = _up("--dir", str(tmp_path))
    assert (code, output) == (2, f"error: --dir {tmp_path}: already holds a stack (stack.json); use an empty "
                                 "directory\n")


def test_up_refuses_a_port_in_use(tmp_path: Path, root_logging: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, output = _up("--dir", str(tmp_path / "s"), "--connector-port", str(port))
    assert code == 2
    assert output == (
        f"error: --connector-port {port}: cannot listen on 127.0.0.1:{port} "
        f"(Address already in use)\n"
    )


def test_up_refuses_a_bad_log_level(tmp_path: Path, root_logging: None) -> None:
    code, output = _up("--dir", str(tmp_path), "--log-level", "loud")
    levels = "debug, info, warning, error, critical"
    assert (code, output) == (2, f"error: log level 'loud' is not one of {levels}\n")

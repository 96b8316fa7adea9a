"""The conformance suite's pytest plugin (registered through the ``pytest11`` entry point as ``qbsim``).

Fixtures, usable from any project's tests once qbsim is installed:

* ``qbsim_target_launcher`` (session) — what to judge: this repository's connector (the default), or a QBWC
  service by URL (``--qbsim-target-url``). Override it in a conftest to launch a target of your own
  (anything with ``launch(access) -> context manager of Target``, see ``conformance.blackbox.target``).
* ``qbsim_world`` (session) — the fake Procore served on a port, a fake company file, the target launched
  and told the fake Procore's URL and OAuth client (:class:`conformance.blackbox.world.World`).
* ``qbsim`` — the world for one case; fault rules the case set in QuickBooks are cleared after it.

Marker: ``@pytest.mark.qbsim_requirement("O2", "QBWC-AUTH-NVU")`` names the requirements a case checks
(``conformance.requirements``); an unknown id is a collection error. The cases themselves are
``conformance/cases`` (run them with ``qbsim conformance`` or ``pytest --pyargs conformance.cases``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from conformance.blackbox.target import DEFAULT_SETTLE_SECONDS, JOB_MODES, ExternalTarget, TargetLauncher
from conformance.requirements import catalogue

if TYPE_CHECKING:  # the fakes are imported when a case first asks for them, not at every pytest start
    from conformance.blackbox.world import World

#: Namespaced, so that a project with a "requirement" marker of its own is not judged by our catalogue.
MARKER = "qbsim_requirement"
#: The JUnit property naming each requirement a case checks.
PROPERTY = "requirement"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qbsim", "qbsim conformance suite")
    group.addoption("--qbsim-target-url", default=os.environ.get("QBSIM_TARGET_URL"),
                    help="QBWC SOAP URL of the service to judge (default: this repository's connector, "
                         "served on a free port). Env QBSIM_TARGET_URL.")
    group.addoption("--qbsim-qbwc-user", default=os.environ.get("QBSIM_QBWC_USER", "procore-sync"),
                    help="Web Connector user of the target. Env QBSIM_QBWC_USER.")
    group.addoption("--qbsim-qbwc-password", default=os.environ.get("QBSIM_QBWC_PASSWORD"),
                    help="Web Connector password of the target (prefer env QBSIM_QBWC_PASSWORD).")
    group.addoption("--qbsim-target-command", default=os.environ.get("QBSIM_TARGET_COMMAND"),
                    help="Start the target with this command once the fake Procore runs; {procore_url}, "
                         "{client_id}, {client_secret}, {company_id}, {qbw_path}, {poll_seconds}, "
                         "{job_mode} are filled in and also given as QBSIM_PROCORE_URL … in its "
                         "environment. Env QBSIM_TARGET_COMMAND.")
    group.addoption("--qbsim-target-name", default=os.environ.get("QBSIM_TARGET_NAME"),
                    help="The target's name in reports.")
    group.addoption("--qbsim-procore-port", type=int, default=int(os.environ.get("QBSIM_PROCORE_PORT", "0")),
                    help="Port of the fake Procore (0: a free one); a target already running was told it.")
    group.addoption("--qbsim-settle-seconds", type=float,
                    default=float(os.environ.get("QBSIM_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS)),
                    help="How long a case waits for the target to carry something out.")
    group.addoption("--qbsim-job-mode", choices=JOB_MODES,
                    default=os.environ.get("QBSIM_JOB_MODE", JOB_MODES[0]),
                    help="Procore's project mapping for the run (seed 001 'Projects'); the target is told it "
                         "as {job_mode} / QBSIM_JOB_MODE. Env QBSIM_JOB_MODE.")
    group.addoption("--qbsim-area", action="append", default=[],
                    help="Run only the cases checking requirements of this area (repeatable).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(*ids): the conformance requirements this case checks")


def requirement_ids(item: pytest.Item) -> list[str]:
    return [rid for mark in item.iter_markers(MARKER) for rid in mark.args]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    known = catalogue()
    for item in items:
        unknown = [rid for rid in requirement_ids(item) if rid not in known]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown requirement id(s) {', '.join(unknown)}")
    wanted = set(config.getoption("qbsim_area"))
    if not wanted:
        return
    unknown_areas = wanted - {r.area for r in known.values()}
    if unknown_areas:
        raise pytest.UsageError(f"--qbsim-area {', '.join(sorted(unknown_areas))}: no such area "
                                f"(areas: {', '.join(sorted({r.area for r in known.values()}))})")
    keep, drop = [], []
    for item in items:
        areas = {known[rid].area for rid in requirement_ids(item)}
        (keep if areas & wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_runtest_setup(item: pytest.Item) -> None:
    # In the JUnit report each case names the requirements it checks.
    for rid in requirement_ids(item):
        item.user_properties.append((PROPERTY, rid))


@pytest.fixture(scope="session")
def qbsim_target_launcher(pytestconfig: pytest.Config) -> TargetLauncher:
    url = pytestconfig.getoption("qbsim_target_url")
    if not url:
        from conformance.blackbox.ours import OurConnector

        return OurConnector()
    password = pytestconfig.getoption("qbsim_qbwc_password")
    if password is None:
        raise pytest.UsageError("--qbsim-target-url needs the Web Connector password "
                                "(QBSIM_QBWC_PASSWORD or --qbsim-qbwc-password)")
    return ExternalTarget(
        qbwc_url=url, username=pytestconfig.getoption("qbsim_qbwc_user"), password=password,
        name=pytestconfig.getoption("qbsim_target_name") or url,
        command=pytestconfig.getoption("qbsim_target_command"),
    )


@pytest.fixture(scope="session")
def qbsim_world(pytestconfig: pytest.Config, qbsim_target_launcher: TargetLauncher) -> Iterator[World]:
    from conformance.blackbox.world import World

    with (
        World.start(procore_port=pytestconfig.getoption("qbsim_procore_port"),
                    settle_seconds=pytestconfig.getoption("qbsim_settle_seconds"),
                    job_mode=pytestconfig.getoption("qbsim_job_mode")) as world,
        qbsim_target_launcher.launch(world.access) as target,
    ):
        world.attach(target)
        yield world


@pytest.fixture
def qbsim(qbsim_world: World) -> Iterator[World]:
    yield qbsim_world
    qbsim_world.company.faults.clear()

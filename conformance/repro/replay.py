"""Replay a captured Web Connector exchange and say where today's parties diverge from it.

A capture is QWCLog.txt (the request each ``sendRequestXML`` returned, the response each
``receiveResponseXML`` carried) or a directory of ``NNN-request.xml`` / ``NNN-response.xml`` pairs. It is
replayed twice:

* against a fake company file: each captured request is run by the fake QuickBooks (its clock set to the
  moment the log stamps), and its response compared with the captured one — where the fake answers
  otherwise than the customer's QuickBooks did;
* against the connector: the connector is brought to the state of the capture (a scenario's steps up to
  each update), and a Web Connector update is run whose QuickBooks answers with the captured responses;
  each request the connector sends is compared with the captured one — where the connector now asks
  something else.

Comparison is by parsed qbXML: element paths, attributes and text, whitespace between elements ignored.
Not faithful yet: QWCLog.txt in its default (non-verbose) level cuts documents over 2,000 characters;
a cut document is compared only as far as the log shows it, and cannot be run by the fake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

_STAMP = re.compile(r"^(\d{8}\.\d{2}:\d{2}:\d{2}) UTC\t: (\S+)\(\) : ", re.M)
_CUT = re.compile(r"\.\.\. \[(\d+) more characters\]$")
_HARDENED = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
)
#: A capture bigger than this is not one update's log.
MAX_BYTES = 50_000_000


class CaptureError(ValueError):
    """A file or directory that is not a capture of a Web Connector exchange (says why)."""


@dataclass
class CapturedExchange:
    """One request the web service sent and the response QuickBooks gave (or the HRESULT it raised)."""

    request: str
    response: str
    at: datetime | None = None
    hresult: str = ""
    message: str = ""
    session: int = 1
    request_cut: bool = False
    response_cut: bool = False
    #: QuickBooks ran the request but the Web Connector died before passing the response on.
    response_lost: bool = False


@dataclass
class Divergence:
    index: int
    side: str  # "quickbooks" or "connector"
    where: str
    captured: str
    replayed: str

    def line(self) -> str:
        return (
            f"exchange {self.index} ({self.side}): {self.where}: captured {self.captured!r}, "
            f"replayed {self.replayed!r}"
        )


@dataclass
class ReplayReport:
    exchanges: int
    sessions: int
    divergences: list[Divergence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.divergences


def _entries(text: str) -> list[tuple[datetime, str, str]]:
    """(stamp, source, text) of every QWCLog entry; an entry runs on until the next stamp."""
    marks = list(_STAMP.finditer(text))
    out = []
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        stamp = datetime.strptime(mark[1], "%Y%m%d.%H:%M:%S").replace(tzinfo=UTC)
        out.append((stamp, mark[2], text[mark.end() : end].rstrip("\n")))
    return out


def _uncut(document: str) -> tuple[str, bool]:
    found = _CUT.search(document)
    return (document[: found.start()], True) if found else (document, False)


def parse_qwclog(text: str) -> list[CapturedExchange]:
    """The exchanges of a QWCLog.txt, in order (numbered by update session)."""
    entries = _entries(text)
    if not entries:
        raise CaptureError("no QWCLog.txt lines in it (each starts 'YYYYMMDD.HH:MM:SS UTC\\t: Source() : ')")
    out: list[CapturedExchange] = []
    session = 0
    pending: tuple[str, bool, datetime] | None = None
    for stamp, source, body in entries:
        if source.endswith("instantiateWebService") and body.startswith("Initiated connection"):
            if pending is not None:
                out.append(_lost(pending, session))
                pending = None
            session += 1
        if source.endswith("do_sendRequestXML") and body.startswith("Received from sendRequestXML()"):
            # the document itself holds '">' (attributes): the parameter ends at the entry's last one
            request = body.partition('<sendRequestXMLRet="')[2].removesuffix('">')
            if request.lstrip().startswith("<"):
                cut_request, cut = _uncut(request)
                pending = (cut_request, cut, stamp)
        elif source.endswith("do_receiveResponseXML") and body.startswith("*** Calling receiveResponseXML()"):
            if pending is None:
                continue
            response = body.split('<response="', 1)[1] if '<response="' in body else ""
            response, _, tail = response.rpartition('"><hResult="')
            hresult, _, message = tail.partition('"><message="')
            cut_response, response_cut = _uncut(response)
            out.append(
                CapturedExchange(
                    pending[0],
                    cut_response,
                    pending[2],
                    hresult,
                    message.removesuffix('">'),
                    max(session, 1),
                    pending[1],
                    response_cut,
                )
            )
            pending = None
    if pending is not None:
        out.append(_lost(pending, session))
    return out


def _lost(pending: tuple[str, bool, datetime], session: int) -> CapturedExchange:
    return CapturedExchange(
        pending[0], "", pending[2], session=max(session, 1), request_cut=pending[1], response_lost=True
    )


def read_directory(directory: Path) -> list[CapturedExchange]:
    """``NNN-request.xml`` + ``NNN-response.xml`` pairs (any names with request/response in them), in
    name order."""
    requests = sorted(p for p in directory.iterdir() if p.is_file() and "request" in p.name.lower())
    if not requests:
        raise CaptureError(f"{directory}: no *request*.xml files")
    out = []
    for request in requests:
        response = request.with_name(re.sub("request", "response", request.name, flags=re.I))
        if not response.is_file():
            raise CaptureError(f"{request.name} has no {response.name} beside it")
        out.append(
            CapturedExchange(request.read_text(encoding="utf-8"), response.read_text(encoding="utf-8"))
        )
    return out


@dataclass
class Capture:
    exchanges: list[CapturedExchange]
    #: Update sessions the capture holds (a QWCLog's updates, with or without exchanges).
    sessions: int


def read_capture(path: Path) -> Capture:
    if path.is_dir():
        return Capture(read_directory(path), 1)
    if not path.is_file():
        raise CaptureError(f"{path}: no such file or directory")
    if path.stat().st_size > MAX_BYTES:
        raise CaptureError(f"{path}: {path.stat().st_size} bytes; a capture is at most {MAX_BYTES}")
    text = path.read_text(encoding="utf-8", errors="replace")
    exchanges = parse_qwclog(text)
    started = sum(
        1
        for _, source, body in _entries(text)
        if source.endswith("instantiateWebService") and body.startswith("Initiated connection")
    )
    return Capture(exchanges, max(started, 1))


# -- comparing qbXML ------------------------------------------------------------------------------------
def _tree(document: str) -> etree._Element | None:
    body = document.split("?>", 2)[-1].strip() if "<?qbxml" in document else document.split("?>", 1)[-1]
    try:
        return etree.fromstring(body.strip().encode(), _HARDENED)
    except etree.XMLSyntaxError:
        return None


def _flat(element: etree._Element, path: str = "") -> list[tuple[str, str]]:
    """(path, value) of every attribute and leaf; a path numbers each element among its like siblings."""
    out = [(f"{path}@{k}", v) for k, v in sorted(element.attrib.items())]
    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        out.append((path, (element.text or "").strip()))
    counts: dict[str, int] = {}
    for child in children:
        counts[str(child.tag)] = counts.get(str(child.tag), 0) + 1
        out.extend(_flat(child, f"{path}/{child.tag}[{counts[str(child.tag)]}]"))
    return out


def first_difference(
    captured: str, replayed: str, *, captured_cut: bool = False
) -> tuple[str, str, str] | None:
    """(where, captured value, replayed value) of the first difference, or None when they agree."""
    if captured_cut:
        # Only what the log kept can be compared: the replayed document must begin the same way.
        a, b = re.sub(r">\s+<", "><", captured).strip(), re.sub(r">\s+<", "><", replayed).strip()
        if b.startswith(a):
            return None
        at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        return f"character {at} of the (cut) document", a[at : at + 60], b[at : at + 60]
    left, right = _tree(captured), _tree(replayed)
    if left is None or right is None:
        if captured.strip() == replayed.strip():
            return None
        return "the document", captured.strip()[:80], replayed.strip()[:80]
    a_items, b_items = _flat(left, f"/{left.tag}"), _flat(right, f"/{right.tag}")
    for (path_a, value_a), (path_b, value_b) in zip(a_items, b_items, strict=False):
        if path_a != path_b:
            return path_a, f"{path_a}={value_a}", f"{path_b}={value_b}"
        if value_a != value_b:
            return path_a, value_a, value_b
    if len(a_items) != len(b_items):
        longer = a_items if len(a_items) > len(b_items) else b_items
        path, value = longer[min(len(a_items), len(b_items))]
        return (path, value, "(absent)") if longer is a_items else (path, "(absent)", value)
    return None


# -- replay against a fake company file -----------------------------------------------------------------
def _run_on_company(
    exchanges: list[CapturedExchange], first: int, company: Any, report: ReplayReport
) -> None:
    """Run captured requests on ``company`` (a ``sim.quickbooks_fake.CompanyFile``) in order."""
    from sim.clock import ManualClock

    for n, exchange in enumerate(exchanges, start=first):
        if exchange.request_cut:
            report.notes.append(f"exchange {n}: the log cut the request; QuickBooks cannot run it (skipped)")
            continue
        clock = getattr(company, "clock", None)
        if exchange.at is not None and isinstance(clock, ManualClock) and clock.now() < exchange.at:
            clock.advance((exchange.at - clock.now()).total_seconds())
        try:
            response = company.process_request(exchange.request)
            hresult = ""
        except Exception as exc:
            hresult = str(getattr(exc, "hresult", "")) or type(exc).__name__
            response = ""
        if exchange.response_lost:
            report.notes.append(
                f"exchange {n}: QuickBooks ran it; the Web Connector died before passing the "
                "response on (run, not compared)"
            )
            continue
        if exchange.hresult or hresult:
            if exchange.hresult != hresult:
                report.divergences.append(Divergence(n, "quickbooks", "HRESULT", exchange.hresult, hresult))
            continue
        found = first_difference(exchange.response, response, captured_cut=exchange.response_cut)
        if found is not None:
            report.divergences.append(Divergence(n, "quickbooks", *found))


def replay_quickbooks(
    capture: Capture, report: ReplayReport, scenario: Any = None, base_dir: Path | None = None
) -> None:
    """Each captured request on a fake company file: the scenario's (its QuickBooks steps applied between
    updates, as the accountant worked between them), else a new contractor file with the seeds'
    prerequisites (what the in-process stack and ``qbsim up`` create)."""

    from conformance.procore_stack import prepare_company_file
    from conformance.repro.runner import Runner
    from conformance.repro.schema import Update
    from sim.quickbooks_fake import CompanyFile

    if scenario is None:
        company = CompanyFile.create()
        prepare_company_file(company)
        _run_on_company(capture.exchanges, 1, company, report)
        return
    sessions = iter(range(1, capture.sessions + 1))

    class QuickBooksReplay(Runner):
        def _do_update(self, update: Update) -> None:
            session = next(sessions, None)
            before = [e for e in capture.exchanges if e.session < (session or 0)]
            mine = [e for e in capture.exchanges if e.session == session]
            _run_on_company(mine, len(before) + 1, self.stack.company, report)

    _run_steps(QuickBooksReplay, scenario, base_dir)


def _run_steps(runner_class: Any, scenario: Any, base_dir: Path | None) -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="qbsim-replay-") as work:
        runner = runner_class(scenario, base_dir or Path.cwd(), Path(work))
        try:
            for number, step in enumerate(scenario.steps, start=1):
                runner.step_number = number
                runner._step(step)
        finally:
            runner.stack.side.stop()


class RecordedQuickBooks:
    """QuickBooks as the capture shows it: sessions and QBWC's own HCP query from a real fake company
    file, and each request of the web service answered with the next captured response."""

    def __init__(self, company: Any, exchanges: list[CapturedExchange], report: ReplayReport) -> None:
        self._company = company
        self._exchanges = exchanges
        self._report = report
        self.next = 0

    @property
    def qbw_path(self) -> str:
        return str(self._company.qbw_path)

    def begin_session(self, app_name: str, mode: str = "DoNotCare", *, read_only: bool = False) -> str:
        return str(self._company.begin_session(app_name, mode, read_only=read_only))

    def end_session(self, ticket: str) -> None:
        self._company.end_session(ticket)

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        return list(self._company.qbxml_versions_for_session(ticket))

    def process_request(self, qbxml: str, ticket: str | None = None) -> str:
        if "<HostQueryRq" in qbxml and "<PreferencesQueryRq" in qbxml:  # QBWC's own query, not the service's
            return str(self._company.process_request(qbxml, ticket))
        # The fake company file runs it too, so its state follows the capture's (later steps edit it).
        try:
            live = str(self._company.process_request(qbxml, ticket))
        except Exception:
            live = ""
        self.next += 1
        if self.next > len(self._exchanges):
            self._report.divergences.append(
                Divergence(
                    self.next,
                    "connector",
                    "a request the capture does not have",
                    "(none)",
                    qbxml.strip()[:80],
                )
            )
            raise _NoMore(f"the capture has {len(self._exchanges)} exchanges; the connector asked for more")
        exchange = self._exchanges[self.next - 1]
        found = first_difference(exchange.request, qbxml, captured_cut=exchange.request_cut)
        if found is not None:
            self._report.divergences.append(Divergence(self.next, "connector", *found))
        if exchange.hresult:
            raise _Hresult(exchange.hresult, exchange.message)
        if exchange.response_lost:
            return live
        if exchange.response_cut:
            self._report.notes.append(
                f"exchange {self.next}: the log cut the response; the fake answers instead"
            )
            return live
        return exchange.response


class _Hresult(Exception):
    """A captured HRESULT, raised as QuickBooks raised it (the Web Connector passes it on)."""

    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(message)
        self.hresult = hresult
        self.message = message


class _NoMore(_Hresult):
    def __init__(self, text: str) -> None:
        super().__init__("0x80040400", text)


# -- replay against the connector -----------------------------------------------------------------------
def replay_connector(
    capture: Capture, report: ReplayReport, scenario: Any = None, base_dir: Path | None = None
) -> None:
    """Bring the connector to the capture's state (``scenario``'s steps; none: a new connector with no
    work), then answer its requests at each update with the captured responses of that session."""
    import httpx

    from conformance.procore_stack import CONNECTOR_URL, PASSWORD, USERNAME
    from conformance.repro.runner import Runner
    from conformance.repro.schema import Expectation, Scenario, Step, UpdateExpectation
    from connector.qbwc.qwc import QwcSpec, build_qwc
    from sim.webconnector import WebConnector

    exchanges = capture.exchanges
    sessions = list(range(1, capture.sessions + 1))
    if scenario is None:
        scenario = Scenario(
            name="replay",
            steps=[Step(update={}) for _ in sessions],
            expect=[Expectation(web_connector=UpdateExpectation(outcome="completed"))],
        )
        report.notes.append(
            "no scenario given: the connector starts with no work (give --scenario to set it up)"
        )
    runs = iter(sessions)

    class ReplayRunner(Runner):
        def _run_update(self, kill: Any, password: str) -> Any:
            session = next(runs, None)
            mine = [e for e in exchanges if e.session == session]
            recorded = RecordedQuickBooks(self.stack.company, mine, report)
            qwc = build_qwc(QwcSpec(app_name="Procore", app_url=f"{CONNECTOR_URL}/qbwc", username=USERNAME))
            link = httpx.Client(transport=self.stack.qbwc_link, base_url=CONNECTOR_URL)
            try:
                with WebConnector(
                    qwc,
                    password or PASSWORD,
                    recorded,
                    clock=self.stack.clock,
                    transport=link,
                    on_call=self._on_call,
                ) as wc:
                    result = wc.run_update(kill=kill)
            finally:
                link.close()
                self._flush_call()
            if recorded.next < len(mine):
                first = sum(1 for e in exchanges if e.session < (session or 0)) + recorded.next + 1
                report.divergences.append(
                    Divergence(
                        first,
                        "connector",
                        f"update {session}: the connector sent {recorded.next} of the "
                        f"{len(mine)} captured requests ({result.outcome.value}: {result.status})",
                        mine[recorded.next].request.strip()[:80],
                        "(nothing)",
                    )
                )
            self.stack.results.append(result)
            return result

    _run_steps(ReplayRunner, scenario, base_dir)

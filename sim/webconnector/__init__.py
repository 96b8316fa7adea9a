"""QuickBooks Web Connector emulator: reads a .qwc, drives a QBWC SOAP service, runs its qbXML in QuickBooks.

Public API::

    from sim.webconnector import WebConnector
    wc = WebConnector("app.qwc", "password", company, transport=asgi_app)  # or a CompanyFile URL
    result = wc.run_update()        # UpdateResult: calls, qbXML exchanged, progress, errors, log
    wc.advance(60)                  # Auto-Run on the virtual clock (sim.clock.ManualClock)
"""

from sim.webconnector.company_link import CompanyLink, HttpCompany, InProcessCompany
from sim.webconnector.emulator import DEFAULT_VERSION, SUPPORTED_VERSIONS, WebConnector
from sim.webconnector.errors import CompanyError, QBWCError, QWCFileError, SoapCallError
from sim.webconnector.qwc import QWCFile, load_qwc, parse_qwc
from sim.webconnector.result import CallRecord, Outcome, QBXMLExchange, UpdateError, UpdateResult
from sim.webconnector.scheduler import Scheduler
from sim.webconnector.session import KillSwitch

__all__ = [
    "DEFAULT_VERSION",
    "SUPPORTED_VERSIONS",
    "CallRecord",
    "CompanyError",
    "CompanyLink",
    "HttpCompany",
    "InProcessCompany",
    "KillSwitch",
    "Outcome",
    "QBWCError",
    "QBXMLExchange",
    "QWCFile",
    "QWCFileError",
    "Scheduler",
    "SoapCallError",
    "UpdateError",
    "UpdateResult",
    "WebConnector",
    "load_qwc",
    "parse_qwc",
]

"""A .qwc with IsReadOnly=true: the Web Connector asks QuickBooks for read-only access (QBXMLRP2
AuthPreferences), so the application's reads work and its writes answer 3260."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from sim.quickbooks_fake import CompanyFile
from sim.webconnector import Outcome

ADD_THEN_QUERY = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>'
    '<QBXMLMsgsRq onError="continueOnError">'
    '<VendorAddRq requestID="1"><VendorAdd><Name>Acme Concrete</Name></VendorAdd></VendorAddRq>'
    '<AccountQueryRq requestID="2"><MaxReturned>1</MaxReturned></AccountQueryRq>'
    "</QBXMLMsgsRq></QBXML>"
)


@pytest.mark.parametrize("read_only", [True, False])
def test_is_read_only_reaches_quickbooks(make_wc: Callable[..., Any], qwc: Callable[..., str], script: Any,
                                         read_only: bool) -> None:
    fake = CompanyFile.create()
    script.requests = [ADD_THEN_QUERY]
    flag = f"<IsReadOnly>{str(read_only).lower()}</IsReadOnly>"
    text = qwc().replace("<IsReadOnly>false</IsReadOnly>", flag)
    result = make_wc(qwc=text, company=fake).run_update()
    assert result.outcome is Outcome.COMPLETED
    [received] = script.params("receiveResponseXML")
    added, queried = etree.fromstring(received["response"].encode()).find("QBXMLMsgsRs")
    assert queried.get("statusCode") == "0"
    if read_only:
        assert (added.get("statusCode"), added.get("statusSeverity"), added.get("statusMessage")) == (
            "3260", "Error", "Insufficient permission level to perform this action.")
        assert fake.list_records("Vendor") == []
    else:
        assert added.get("statusCode") == "0"
        assert [v["Name"] for v in fake.list_records("Vendor")] == ["Acme Concrete"]


def test_http_company_asks_the_fake_for_read_only_access() -> None:
    import json

    import httpx

    from sim.webconnector import HttpCompany

    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"ticket": "{T}"})

    link = HttpCompany("http://qb.local", client=httpx.Client(transport=httpx.MockTransport(answer)))
    assert link.begin_session("Procore QBD Connector", "DoNotCare", read_only=True) == "{T}"
    assert link.begin_session("Procore QBD Connector") == "{T}"
    assert seen == [
        {"app_name": "Procore QBD Connector", "mode": "DoNotCare", "read_only": True},
        {"app_name": "Procore QBD Connector", "mode": "DoNotCare"},
    ]

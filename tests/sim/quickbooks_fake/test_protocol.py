"""Protocol core: parse/validate errors, versions, onError modes, requestID, formatting."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from sim.quickbooks_fake.errors import RequestTooLargeError
from tests.sim.quickbooks_fake.helpers import request, rs, status
from tests.sim.quickbooks_fake.helpers.served import in_process_only

PARSE_MSG = "QuickBooks found an error when parsing the provided XML text stream."
VERSION_MSG = "The version of qbXML that was requested is not supported or is unknown."
SERVICE = ("<ItemServiceAddRq requestID=\"{rid}\"><ItemServiceAdd><Name>{name}</Name><SalesOrPurchase>"
           "<AccountRef><FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd>"
           "</ItemServiceAddRq>")


def count(company: CompanyFile, kind: str) -> int:
    return len(company.list_records(kind))


def test_host_query_answers_with_header_and_status_ok(run) -> None:
    root = run('<HostQueryRq requestID="7"/>')
    el = rs(root)
    assert el.tag == "HostQueryRs"
    assert el.get("requestID") == "7"
    assert status(el) == ("0", "Info", "Status OK")


def test_response_formatting_is_quickbooks_style(company) -> None:
    text = company.process_request(request('<HostQueryRq requestID="1"/>'))
    assert text.startswith('<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n<HostQueryRs requestID="1"')
    assert "\n<ProductName>" in text  # one element per line, no indentation


def test_request_id_is_optional(run) -> None:
    el = rs(run("<HostQueryRq/>"))
    assert el.get("requestID") is None
    assert status(el)[0] == "0"


@pytest.mark.parametrize("text", [
    "<QBXML><QBXMLMsgsRq onError='stopOnError'><HostQueryRq></QBXMLMsgsRq></QBXML>",
    "not xml at all",
    "",
])
def test_not_well_formed_raises_parse_hresult(company, text) -> None:
    with pytest.raises(QBXMLError) as info:
        company.process_request('<?qbxml version="13.0"?>' + text)
    assert info.value.hresult == "0x80040400"
    assert info.value.message == PARSE_MSG


def test_schema_invalid_raises_parse_hresult_and_changes_nothing(company) -> None:
    before = count(company, "ItemService")
    # valid first request, then an element in the wrong order: the whole document is refused
    body = SERVICE.format(rid=1, name="Valid") + (
        '<ItemServiceAddRq requestID="2"><ItemServiceAdd><SalesOrPurchase><AccountRef><FullName>'
        "Job Expenses</FullName></AccountRef></SalesOrPurchase><Name>Wrong order</Name></ItemServiceAdd>"
        "</ItemServiceAddRq>")
    with pytest.raises(QBXMLError) as info:
        company.process_request(request(body))
    assert (info.value.hresult, info.value.message) == ("0x80040400", PARSE_MSG)
    assert count(company, "ItemService") == before


def test_unknown_request_element_is_a_parse_error(company) -> None:
    with pytest.raises(QBXMLError) as info:
        company.process_request(request("<FrobnicateRq/>"))
    assert info.value.hresult == "0x80040400"


def test_missing_qbxml_version_is_a_parse_error(company) -> None:
    with pytest.raises(QBXMLError) as info:
        company.process_request(
            "<QBXML><QBXMLMsgsRq onError='stopOnError'><HostQueryRq/></QBXMLMsgsRq></QBXML>")
    assert info.value.hresult == "0x80040400"


def test_name_longer_than_quickbooks_allows_is_3070(run, company) -> None:
    """Item names are at most 31 characters (XSD maxLength): 3070 on that request, not a parse error."""
    body = SERVICE.format(rid=1, name="X" * 32) + SERVICE.format(rid=2, name="Y" * 31)
    answers = run(body, on_error="continueOnError").find("QBXMLMsgsRs")
    too_long = f'The string "{"X" * 32}" in the field "Name" is too long.'
    assert status(answers[0]) == ("3070", "Error", too_long)
    assert status(answers[1])[0] == "0"
    assert [r["Name"] for r in company.list_records("ItemService")] == ["Y" * 31]


def test_too_long_nested_field_and_stop_on_error(run, company) -> None:
    vendor = ("<VendorAddRq><VendorAdd><Name>V</Name><VendorAddress><City>{}</City></VendorAddress>"
              "</VendorAdd></VendorAddRq>")
    answers = run(vendor.format("C" * 32) + SERVICE.format(rid=2, name="Z")).find("QBXMLMsgsRs")
    assert len(answers) == 1
    too_long = f'The string "{"C" * 32}" in the field "City" is too long.'
    assert status(answers[0]) == ("3070", "Error", too_long)
    assert company.list_records("Vendor") == []


@pytest.mark.parametrize("version", ["13.0", "14.0", "15.0", "16.0"])
def test_versions_13_to_16_accepted_by_2024(run, version) -> None:
    assert status(rs(run("<HostQueryRq/>", version=version)))[0] == "0"


@pytest.mark.parametrize("version", ["17.0", "abc", "CA3.0"])
def test_unknown_or_unsupported_version(company, version) -> None:
    with pytest.raises(QBXMLError) as info:
        company.process_request(request("<HostQueryRq/>", version=version))
    assert (info.value.hresult, info.value.message) == ("0x80040423", VERSION_MSG)


def test_old_year_does_not_support_new_versions() -> None:
    old = CompanyFile.create(year=2019)
    with pytest.raises(QBXMLError) as info:
        old.process_request(request("<HostQueryRq/>", version="14.0"))
    assert info.value.hresult == "0x80040423"
    assert 'statusCode="0"' in old.process_request(request("<HostQueryRq/>", version="13.0"))
    older = CompanyFile.create(year=2012)  # SDK 12.0 came with QuickBooks 2013, 13.0 with 2014
    with pytest.raises(QBXMLError) as info:
        older.process_request(request("<HostQueryRq/>", version="13.0"))
    assert (info.value.hresult, info.value.message) == ("0x80040423", VERSION_MSG)
    assert 'statusCode="0"' in older.process_request(request("<HostQueryRq/>", version="11.0"))


def test_16_0_document_may_carry_elements_added_after_13(run, company) -> None:
    """A 16.0 document with a 16.0-only element (ExpirationDateForSerialLotNumber) is accepted."""
    run(SERVICE.format(rid=1, name="Lumber"))
    body = ("<ItemServiceQueryRq><FullName>Lumber</FullName></ItemServiceQueryRq>")
    # the 16.0 element inside a request the fake knows, placed where 16.0 puts it: ignored
    body16 = body.replace("</FullName>", "</FullName><ExpirationDateForSerialLotNumber>2030-01-01"
                          "</ExpirationDateForSerialLotNumber>")
    assert status(rs(run(body16, version="16.0")))[0] == "0"
    with pytest.raises(QBXMLError):
        company.process_request(request(body16, version="13.0"))


def test_stop_on_error_answers_up_to_the_failure(run, company) -> None:
    body = SERVICE.format(rid=1, name="A") + SERVICE.format(rid=2, name="A") + SERVICE.format(rid=3, name="B")
    root = run(body, on_error="stopOnError")
    answers = root.find("QBXMLMsgsRs")
    assert [a.get("requestID") for a in answers] == ["1", "2"]
    assert status(answers[1]) == ("3100", "Error", 'The name "A" of the list element is already in use.')
    assert [r["Name"] for r in company.list_records("ItemService")] == ["A"]


def test_continue_on_error_answers_all(run, company) -> None:
    body = SERVICE.format(rid=1, name="A") + SERVICE.format(rid=2, name="A") + SERVICE.format(rid=3, name="B")
    root = run(body, on_error="continueOnError")
    answers = root.find("QBXMLMsgsRs")
    assert [status(a)[0] for a in answers] == ["0", "3100", "0"]
    assert sorted(r["Name"] for r in company.list_records("ItemService")) == ["A", "B"]


def test_stop_on_error_does_not_stop_on_info_status(run) -> None:
    body = ('<VendorQueryRq requestID="1"><FullName>Nobody</FullName></VendorQueryRq>'
            '<CustomerQueryRq requestID="2"><NameFilter><MatchCriterion>StartsWith</MatchCriterion>'
            "<Name>zzz</Name></NameFilter></CustomerQueryRq>"
            '<HostQueryRq requestID="3"/>')
    answers = run(body).find("QBXMLMsgsRs")
    assert [a.get("statusSeverity") for a in answers] == ["Warn", "Info", "Info"]


def test_rollback_on_error_is_refused_like_quickbooks_desktop(company) -> None:
    with pytest.raises(QBXMLError) as info:
        company.process_request(request(SERVICE.format(rid=1, name="A"), on_error="rollbackOnError"))
    assert (info.value.hresult, info.value.message) == ("0x80040400", PARSE_MSG)
    assert count(company, "ItemService") == 0


def test_unsupported_request_answers_1030(run) -> None:
    el = rs(run('<ClassQueryRq requestID="9"/>'))
    assert el.tag == "ClassQueryRs"
    assert status(el) == ("1030", "Error", "This request is not supported by this implementation.")


def test_empty_message_set(run) -> None:
    assert len(run("").find("QBXMLMsgsRs")) == 0


def test_hostile_xml_entities_and_dtd_refused(company) -> None:
    bomb = ('<?xml version="1.0"?><?qbxml version="13.0"?><!DOCTYPE QBXML [<!ENTITY a "aaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;">]><QBXML><QBXMLMsgsRq onError="stopOnError"><VendorQueryRq>'
            "<FullName>&b;</FullName></VendorQueryRq></QBXMLMsgsRq></QBXML>")
    with pytest.raises(QBXMLError) as info:
        company.process_request(bomb)
    assert info.value.hresult == "0x80040400"
    external = bomb.replace('<!ENTITY a "aaaaaaaa">', '<!ENTITY a SYSTEM "file:///etc/passwd">')
    with pytest.raises(QBXMLError):
        company.process_request(external)


HOSTILE_BODY = ('<QBXML><QBXMLMsgsRq onError="stopOnError"><VendorAddRq><VendorAdd><Name>{name}</Name>'
                "</VendorAdd></VendorAddRq></QBXMLMsgsRq></QBXML>")


@pytest.mark.parametrize(("prolog", "name", "encoding"), [
    ('<!DOCTYPE QBXML [<!ENTITY net SYSTEM "http://127.0.0.1:9/qb.txt">]>', "&net;", "utf-8"),
    ('<!DOCTYPE QBXML SYSTEM "http://127.0.0.1:9/qbxml.dtd">', "Plain", "utf-8"),
    ('<!DOCTYPE QBXML [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>', "Plain", "utf-8"),
    # UTF-16: a byte search for "<!DOCTYPE" cannot see it; the parsed tree's doctype is checked too
    ('<!DOCTYPE QBXML [<!ENTITY a "aaaa">]>', "&a;", "utf-16"),
])
def test_network_entities_and_dtds_are_refused_whatever_the_encoding(company, prolog, name, encoding) -> None:
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?><?qbxml version="13.0"?>{prolog}'
            + HOSTILE_BODY.format(name=name))
    with pytest.raises(QBXMLError) as info:
        company.process_request(text.encode(encoding))
    assert (info.value.hresult, info.value.message) == ("0x80040400", PARSE_MSG)
    assert "DTDs and entity declarations are not accepted" in info.value.detail
    assert company.list_records("Vendor") == []


def test_utf16_request_without_dtd_is_read(company) -> None:
    text = ('<?xml version="1.0" encoding="UTF-16"?><?qbxml version="13.0"?>'
            + HOSTILE_BODY.format(name="Ünal"))
    assert 'statusCode="0"' in company.process_request(text.encode("utf-16"))
    assert [v["Name"] for v in company.list_records("Vendor")] == ["Ünal"]


@in_process_only("RequestTooLargeError's class; its HRESULT, message and reason cross the wire")
def test_size_cap_has_a_named_error(company) -> None:
    company.max_request_bytes = 2000
    big = request("<HostQueryRq/>" * 200)
    with pytest.raises(RequestTooLargeError) as info:
        company.process_request(big)
    assert info.value.hresult == "0x80040400"
    assert info.value.message == PARSE_MSG
    assert "size cap is 2000 bytes" in info.value.detail


def test_http_face_qbxml_and_error_shape(client, http_run) -> None:
    assert status(rs(http_run('<HostQueryRq requestID="1"/>')))[0] == "0"
    resp = client.post("/qbxml", content=b"<garbage", headers={"Content-Type": "text/xml"})
    assert resp.status_code == 422
    body = resp.json()
    assert {k: body[k] for k in ("error", "hresult", "message")} == {
        "error": "QBXMLError", "hresult": "0x80040400", "message": PARSE_MSG}
    assert body["reason"].startswith("not well-formed")
    resp = client.post("/qbxml", content=request("<HostQueryRq/>", version="99.0").encode())
    assert resp.status_code == 422
    assert resp.json()["hresult"] == "0x80040423"


def test_response_data_include_none_returns_statuses_only(company) -> None:
    from tests.sim.quickbooks_fake.helpers import check

    text = company.process_request(request(SERVICE.format(rid=1, name="Quiet")).replace(
        'onError="stopOnError"', 'onError="stopOnError" responseData="includeNone"'))
    el = rs(check(text))
    assert status(el) == ("0", "Info", "Status OK")
    assert len(el) == 0
    assert [r["Name"] for r in company.list_records("ItemService")] == ["Quiet"]


def test_request_id_longer_than_50_is_1060(run) -> None:
    rid = "r" * 51
    el = rs(run(f'<HostQueryRq requestID="{rid}"/>'))
    assert el.get("requestID") == rid
    assert status(el) == ("1060", "Error", f'The request ID "{rid}" is invalid, possibly too long. '
                          "(The maximum is 50 characters.)")


def test_unsupported_request_names_the_closest_supported_in_state(run, client) -> None:
    run("<ItemGroupQueryRq/>")
    hints = client.get("/_sim/state").json()["unsupported_requests"]
    assert hints[-1]["request"] == "ItemGroupQueryRq"
    assert "ItemQueryRq" in hints[-1]["closest_supported"]


def test_coverage_is_computed_from_the_schema_and_registry() -> None:
    from sim.quickbooks_fake.tools.coverage import render

    text = render()
    assert "| VendorAddRq | ✓ `lists.vendor.vendor_add` |" in text
    assert "| ClassQueryRq | | |" in text


def test_absurdly_deep_nesting_is_refused(company) -> None:
    deep = "<a>" * 5000 + "</a>" * 5000
    with pytest.raises(QBXMLError) as info:
        company.process_request(request(f"<HostQueryRq>{deep}</HostQueryRq>"))
    assert info.value.hresult == "0x80040400"


def test_str_with_encoding_declaration_and_bytes_both_work(company) -> None:
    text = request("<VendorAddRq><VendorAdd><Name>Café Ñandú</Name></VendorAdd></VendorAddRq>")
    assert 'statusCode="0"' in company.process_request(text)
    assert "Café Ñandú" in company.list_records("Vendor")[0]["Name"]
    latin1 = request("<VendorQueryRq><FullName>Café Ñandú</FullName></VendorQueryRq>").replace(
        'encoding="utf-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    assert "<Name>Café Ñandú</Name>" in company.process_request(latin1)

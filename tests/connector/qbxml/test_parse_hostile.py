"""Responses come from outside: entity expansion, external entities, DTDs, depth bombs, oversize documents
and garbage are refused with named errors before any of it reaches the connector."""

from __future__ import annotations

import pytest

from connector.qbxml import QBXMLParseError, ResponseTooLargeError, parse_response

OK_BODY = '<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info"/></QBXMLMsgsRs></QBXML>'

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="&lol3;"/>'
    "</QBXMLMsgsRs></QBXML>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info"><HostRet>'
    "<ProductName>&xxe;</ProductName></HostRet></HostQueryRs></QBXMLMsgsRs></QBXML>"
)


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe-file"])
def test_doctype_with_entities_is_refused(xml: str) -> None:
    with pytest.raises(QBXMLParseError) as caught:
        parse_response(xml)
    assert str(caught.value) == "response has a DOCTYPE; refused (qbXML responses never carry one)"


def test_external_dtd_is_never_fetched() -> None:
    xml = '<?xml version="1.0"?><!DOCTYPE QBXML SYSTEM "http://127.0.0.1:9/x.dtd">' + OK_BODY
    with pytest.raises(QBXMLParseError) as caught:
        parse_response(xml)
    assert "Attempt to load network entity" in str(caught.value)


@pytest.mark.parametrize(("xml", "detail"), [
    ('<QBXML><QBXMLMsgsRs><HostQueryRs statusCode="0" statusSeverity="Info" statusMessage="&foo;"/>'
     "</QBXMLMsgsRs></QBXML>", "Entity 'foo' not defined"),
    ("<QBXML>" + "<a>" * 5000 + "</a>" * 5000 + "</QBXML>", "Excessive depth in document: 256"),
    ("", "Document is empty"),
    ("<QBXML><QBXMLMsgsRs>", "Premature end of data in tag QBXMLMsgsRs"),
    ("not xml at all", "Start tag expected, '<' not found"),
], ids=["undefined-entity", "depth-bomb", "empty", "truncated", "garbage"])
def test_malformed_documents_are_refused(xml: str, detail: str) -> None:
    with pytest.raises(QBXMLParseError) as caught:
        parse_response(xml)
    assert str(caught.value).startswith("response rejected by the XML parser: ")
    assert detail in str(caught.value)


def test_size_cap_is_checked_before_parsing() -> None:
    xml = "<QBXML>" + " " * 200 + "</QBXML>"
    with pytest.raises(ResponseTooLargeError) as caught:
        parse_response(xml, max_bytes=100)
    assert str(caught.value) == "response of 215 bytes exceeds the 100-byte limit"
    assert (caught.value.size, caught.value.limit) == (215, 100)


def test_size_cap_counts_utf8_bytes_not_characters() -> None:
    body = OK_BODY.replace('statusSeverity="Info"', 'statusSeverity="Info" statusMessage="' + "é" * 60 + '"')
    assert len(body) < 200 < len(body.encode("utf-8"))
    with pytest.raises(ResponseTooLargeError):
        parse_response(body, max_bytes=200)
    assert parse_response(body, max_bytes=400)[0].status_message == "é" * 60


def test_comments_and_processing_instructions_are_ignored() -> None:
    xml = ('<?xml version="1.0" ?><?qbxml version="13.0"?><QBXML><!-- hi --><QBXMLMsgsRs><?pi x?>'
           '<HostQueryRs statusCode="0" statusSeverity="Info"><!-- c --><HostRet><ProductName>QB<!-- x -->'
           "</ProductName></HostRet></HostQueryRs></QBXMLMsgsRs></QBXML>")
    response = parse_response(xml)[0]
    assert response.records[0]["ProductName"] == "QB"
    assert response.unknown == []

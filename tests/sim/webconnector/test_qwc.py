"""Loading .qwc files: fields, Scheduler, and what QBWC refuses (QBWC1039/1010/1001/1000)."""

from __future__ import annotations

import pytest

from sim.webconnector import QWCFileError, load_qwc, parse_qwc


def test_fields(qwc, tmp_path):
    path = tmp_path / "procore.qwc"
    path.write_text(qwc(scheduler="<Scheduler><RunEveryNMinutes>60</RunEveryNMinutes></Scheduler>"))
    parsed = load_qwc(path)
    assert parsed.app_name == "Procore QBD Connector"
    assert parsed.app_url == "http://localhost:8000/qbwc"
    assert parsed.user_name == "procore"
    assert parsed.owner_id == "{57F3B9B6-86F1-4FCD-B1EF-166DE1813D20}"
    assert parsed.file_id == "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"
    assert parsed.qb_type == "QBFS"
    assert parsed.style == "Document"
    assert parsed.is_read_only is False
    assert parsed.run_every_seconds == 3600
    assert parsed.run_every_minutes == 60
    assert load_qwc(str(path)) == parsed == load_qwc(parsed) == parse_qwc(path.read_bytes())


def test_seconds_scheduler(qwc):
    assert (
        parse_qwc(
            qwc(scheduler="<Scheduler><RunEveryNSeconds>45</RunEveryNSeconds></Scheduler>")
        ).run_every_seconds
        == 45
    )


def test_https_remote_host_is_accepted(qwc):
    parsed = parse_qwc(qwc(app_url="https://qb.example.com/qbwc", support="https://www.example.com/help"))
    assert parsed.app_url == "https://qb.example.com/qbwc"


def _error(text: str) -> tuple[str, str]:
    with pytest.raises(QWCFileError) as info:
        parse_qwc(text)
    return info.value.code, info.value.message


def test_missing_element_is_qbwc1039(qwc):
    text = qwc().replace("<UserName>procore</UserName>\n", "")
    assert _error(text) == (
        "QBWC1039",
        "There was a problem adding the application to registry. Check QWCLog.txt for details.",
    )
    with pytest.raises(QWCFileError, match="missing UserName"):
        parse_qwc(text)


def test_not_xml_or_wrong_root_is_qbwc1039():
    assert _error("<QBWCXML><AppName>")[0] == "QBWC1039"
    assert _error("<QBWC/>")[0] == "QBWC1039"


def test_http_to_a_remote_host_is_qbwc1010(qwc):
    assert _error(qwc(app_url="http://qb.example.com/qbwc", support="http://qb.example.com/")) == (
        "QBWC1010",
        "Application Procore QBD Connector cannot be loaded. For security reasons only SSL (https) based "
        "applications are allowed.",
    )


def test_ip_address_is_qbwc1001(qwc):
    assert _error(qwc(app_url="https://10.0.0.5/qbwc", support="https://10.0.0.5/")) == (
        "QBWC1001",
        "The application Procore QBD Connector's service URL is an IP Address, it will not be loaded.",
    )


def test_support_on_another_domain_is_qbwc1000(qwc):
    assert _error(qwc(app_url="https://qb.example.com/qbwc", support="https://help.other.org/")) == (
        "QBWC1000",
        "The domain names for Procore QBD Connector's service and support URLs do not match.",
    )


def test_bad_scheduler_value_is_qbwc1039(qwc):
    assert (
        _error(qwc(scheduler="<Scheduler><RunEveryNMinutes>soon</RunEveryNMinutes></Scheduler>"))[0]
        == "QBWC1039"
    )


def test_doctype_is_refused(qwc):
    text = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>' + qwc().split("?>", 1)[1]
    assert _error(text)[0] == "QBWC1039"

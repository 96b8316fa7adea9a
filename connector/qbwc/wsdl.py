"""The official QBWC WSDL (Intuit's "TroubleshootWebServiceFS", see wsdl/PROVENANCE.md), served with
its soap:address / soap12:address pointing at this service instead of test.developer.intuit.com."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lxml import etree

WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"


@lru_cache(maxsize=1)
def official_wsdl() -> bytes:
    """The vendored WSDL, byte for byte."""
    return (resources.files("connector.qbwc") / "wsdl" / "QBWebConnectorSvc.wsdl").read_bytes()


@lru_cache(maxsize=64)
def wsdl_for(service_url: str) -> bytes:
    """The WSDL with every port address rewritten to ``service_url``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(official_wsdl(), parser)
    for ns in (WSDL_SOAP_NS, WSDL_SOAP12_NS):
        for address in root.iter(f"{{{ns}}}address"):
            address.set("location", service_url)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")

"""Fake QuickBooks Desktop company file: qbXML request processor, lists, UI actions, faults, HTTP face.

Public API (DESIGN.md): ``CompanyFile`` and ``QBXMLError``.
"""

from .company import CompanyFile
from .errors import QBXMLError

__all__ = ["CompanyFile", "QBXMLError"]

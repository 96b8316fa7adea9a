"""Reports of the fake company file, computed from its transactions in QuickBooks' ReportRet shape."""

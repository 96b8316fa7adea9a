"""The connector's QuickBooks Web Connector SOAP service (see README.md)."""

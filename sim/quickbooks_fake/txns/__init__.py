"""Transactions of the fake company file: estimates, purchase orders, bills, bill payments, checks,
journal entries and TxnDel. Every module here is imported by the registry on first use."""

"""List families (Account, items, Customer/Vendor/Employee/OtherName) and ListDel.

Each module registers its qbXML handlers with :mod:`registry`; the shared rules live in ``common``.
"""

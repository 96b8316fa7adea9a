"""The connector's Procore API client (OAuth refresh, Procore-Company-Id, pagination, 429 backoff, webhooks).

Not written yet: today the sync engine stages what it reads from QuickBooks (``connector.sync.staging``)
and records results on its work items, but nothing is pushed to Procore. DESIGN.md reserves this package
for that client; ``sim.procore_fake`` is the API it will be tested against.
"""

"""Sync modules: one per synced object, each a :class:`~connector.work.SyncHandler` per work kind.

* ``cost_codes`` — Procore cost codes → Service items (``cost_code.export``, ``cost_code.update``)
* ``projects`` — Procore projects → customers or jobs (``project.export``, ``project.update``)
* ``vendor_exports`` — Procore companies → vendors (``vendor.export``)
* ``vendors`` — QuickBooks vendors → staged Procore companies (``vendor.import``)
* ``jobs`` — QuickBooks customers/jobs → staged Procore projects (``job.import``)
* ``service_items`` / ``accounts`` — Service items and the chart of accounts → staged choices
  (``service_item.import``, ``account.import``)

``connector.sync.registry.install(service)`` registers them with the QBWC service. This package
init imports nothing, so ``connector.work`` stays importable from ``connector.qbwc``.
"""

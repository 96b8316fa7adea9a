"""The embedded default connector app (`connector.app:app`) has a handler for every work kind."""

from __future__ import annotations

from connector.app import app, create_app, create_default_app


def test_embedded_default_installs_every_sync_handler() -> None:
    kinds = set(app.state.qbwc.handlers)
    assert {"cost_code.export", "cost_code.update", "vendor.import", "job.import"} <= kinds


def test_create_app_alone_installs_only_the_handlers_it_is_given() -> None:
    assert create_app().state.qbwc.handlers == {}
    assert create_default_app().state.qbwc is not app.state.qbwc

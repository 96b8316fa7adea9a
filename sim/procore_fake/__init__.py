"""The fake Procore REST API (``sim.procore_fake.app:app``, ``create_app``). See README.md."""

"""Scenario files, ``qbsim repro`` and ``qbsim replay``: a customer's failed sync, run again on a laptop.

``load_scenario(path)`` reads and validates a scenario file; ``run_scenario(scenario, base_dir)`` runs it
on the in-process stack and returns the trace and each expectation's result; ``replay`` compares a
captured Web Connector exchange (QWCLog.txt or request/response files) with a fake company file and with
the connector.
"""

"""The conformance cases: each names the behaviour it checks and the requirements it proves
(``@pytest.mark.qbsim_requirement``). They use only the ``qbsim`` fixture (``conformance.pytest_plugin``)."""

"""QBSIM_CONFORMANCE_TARGET: an unknown target fails the run loudly instead of skipping every scenario."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_an_unknown_target_fails_instead_of_skipping(pytester: pytest.Pytester,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest('pytest_plugins = ["conformance.plugin"]')
    pytester.makepyfile(test_one="def test_uses_a_stack(make_stack):\n    make_stack()\n")
    monkeypatch.setenv("QBSIM_CONFORMANCE_TARGET", "https://connector.example.com/qbwc")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*QBSIM_CONFORMANCE_TARGET='https://connector.example.com/qbwc': only the "
                                 "in-process connector target is implemented*"])

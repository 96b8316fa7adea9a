"""The conformance fixtures (``conformance.plugin``)."""

from conformance.plugin import assert_schema_valid, make_stack, scenario, stack

__all__ = ["assert_schema_valid", "make_stack", "scenario", "stack"]

"""Per-target expectation files: known deviations from the conformance requirements (conformance.matrix)."""

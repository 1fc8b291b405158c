"""Conformance suites against live implementations, and the spec linter."""

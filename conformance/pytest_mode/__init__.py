"""The conformance suite as plain pytest tests (pytest mode).

The same checks, request gate, coverage and verdict as `contract conform`.
"""

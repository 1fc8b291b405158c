"""The conformance suite as plain pytest tests (pytest mode).

The same checks, request gate, coverage and verdict as `contract conform`:
`pytest --pyargs conformance.pytest_mode.suite --contract-base-url URL` (plugin.py has the options).
"""

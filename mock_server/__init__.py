"""Fixture engine and mock server built on the shared core (`contract_core`)."""

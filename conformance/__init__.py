"""Conformance: live implementations and their traffic held to the contract."""

"""Spectral rulesets read as they are: the loader, JSONPath, the rule runner (and the core functions)."""

"""What a run found and how it is told, for conform, pytest mode and verify.

Findings, fingerprints, the baseline, coverage, the verdict and the report formats.
"""

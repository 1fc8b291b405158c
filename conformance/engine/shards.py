"""`--shard I/N`: a stable, disjoint share of the operations, so N CI jobs together cover the spec once.

Operations are dealt round-robin in label order rather than by hash: shards differ in size by at
most one operation (a hash leaves some CI jobs idle on small specs), and the share depends only on
the spec, never on the machine, the seed or the order Schemathesis lists operations in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conformance.errors import InvalidOption


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as CI matrices count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise InvalidOption("--shard", text, "I/N with 1 <= I <= N (for example 2/4)")
    return Shard(int(match[1]), int(match[2]))


def shard_labels(labels: list[str], shard: Shard) -> list[str]:
    """The labels shard `shard` runs; the shards 1..N partition `labels`."""
    return sorted(set(labels))[shard.index - 1 :: shard.count]

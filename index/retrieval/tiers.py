"""Which segments a run merges: a log-structured (tiered) policy over row counts.

Segments are laid end to end in the order they were written, so a merge joins a run of
neighbours (rows keep their numbers; see :func:`~saksfinn.index.retrieval.updating.append_segments`).
A segment's *level* is ``⌊log_F(rows / MIN_TIER_ROWS)⌋`` (at least 0). The policy keeps
levels non-increasing from the oldest segment to the newest and merges the newest
``F`` segments whenever they share a level, so

* a run's own delta is merged with other small deltas (cost ∝ their size), and the big
  base segment takes part only when the deltas together have grown to its level;
* a row is merged about once per level: ``log_F(N / MIN_TIER_ROWS)`` times over the
  index's life, so merging costs a constant share of what was added;
* there are at most ``(F − 1)`` segments per level, ``(F − 1)·(levels + 1)`` in all
  (:func:`max_segments`), so the number of segments a query reads stays bounded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MERGE_FACTOR = 4  # F: segments of one level merged together
MIN_TIER_ROWS = 1_000  # every segment up to this size is on level 0


def level(rows: int, factor: int = MERGE_FACTOR, min_rows: int = MIN_TIER_ROWS) -> int:
    if rows <= min_rows:
        return 0
    return int(math.floor(math.log(rows / min_rows, factor) + 1e-12))


def plan_merges(sizes: Sequence[int], factor: int = MERGE_FACTOR, min_rows: int = MIN_TIER_ROWS) -> list[list[int]]:
    """Groups of consecutive positions of ``sizes`` (rows per segment, oldest first) that
    become one segment each, in order: a group of one is kept as it is.

    The newest segment is merged into its predecessor while its level is higher, and the
    newest ``factor`` segments while they share a level, until neither holds."""
    if factor < 2:
        raise ValueError(f"merge factor must be at least 2, got {factor}")
    groups = [[i] for i in range(len(sizes))]
    rows = [int(s) for s in sizes]
    while len(groups) > 1:
        levels = [level(r, factor, min_rows) for r in rows]
        if levels[-1] > levels[-2]:
            take = 2
        elif len(groups) >= factor and len(set(levels[-factor:])) == 1:
            take = factor
        else:
            break
        groups[-take:] = [[i for g in groups[-take:] for i in g]]
        rows[-take:] = [sum(rows[-take:])]
    return groups


def max_segments(rows: int, factor: int = MERGE_FACTOR, min_rows: int = MIN_TIER_ROWS) -> int:
    """The most segments :func:`plan_merges` leaves for ``rows`` rows in all."""
    return (factor - 1) * (level(rows, factor, min_rows) + 1)

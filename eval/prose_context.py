"""Context features of the prose classifiers' second stage (experiment, not shipped): a unit's
first-stage scores read together with its neighbours', its section's and its heading's.

Whether a sentence reports an observed result or states a plan or background often depends on
what stands around it: the heading it sits under ("Erfaringer", "Vurdering", "Forslag til
vedtak") and what the sentences before and after it are. The first stage (per unit, one
classifier per type) scores every unit of a document; :func:`context_features` turns those
scores into one row per unit for the second stage (``eval/prose_stack.py``; measured in
docs/prose_models.md, "Context-stacked second stage": it does not beat the first stage, so the
extractor does not use it). Pure numpy and regular expressions: no model, no files — written so
that an extractor could call it on one document's units.

A *section* here is a run of consecutive units with the same heading (``None`` included), so
the features depend only on the unit sequence (text order) and not on how the document's
sections are indexed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

HEADING_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("experience", r"erfaring|lærdom|læring|fungert|suksess"),
        ("result", r"resultat|effekt|måloppnå|gevinst|oppnådd|oppnådde"),
        ("evaluation", r"evaluer|gjennomgang|status|rapport|oppsummer|samandrag|sammendrag"),
        ("goal", r"\bmål|formål|føremål|hensikt|visjon|ambisjon"),
        ("background", r"bakgrunn|innledning|innleiing|saksopplysning|fakta|historikk|beskrivelse|skildring"),
        ("assessment", r"vurdering|drøfting|konklusjon|administrasjonens|kommunedirektørens|rådmannens"),
        ("decision", r"innstilling|vedtak|tilråding|forslag|behandling|votering"),
        ("measures", r"tiltak|handling|oppfølging|oppfølgjing"),
        ("next", r"videre|framover|fremover|neste|anbefal|råd\b|råd for|plan\b|planer|veien"),
        ("project", r"prosjekt|program|pilot|satsing|nettverk"),
        ("problem", r"utfordring|problem|risiko|svakhet|barriere"),
        ("economy", r"økonomi|budsjett|kostnad|finansiering|ressurs"),
    )
)
"""(name, pattern) of the heading's cue-word groups (Bokmål and Nynorsk); each is one 0/1 feature."""
OFFSETS = (-2, -1, 1, 2)
"""Neighbours read: up to two units before and after, in the same document."""
_EPS = 1e-4


def heading_groups(heading: str | None) -> list[float]:
    """0/1 per :data:`HEADING_GROUPS` entry, then 1.0 for no heading."""
    if not heading:
        return [0.0] * len(HEADING_GROUPS) + [1.0]
    return [1.0 if rx.search(heading) else 0.0 for _, rx in HEADING_GROUPS] + [0.0]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _runs(headings: Sequence[str | None]) -> np.ndarray:
    """Section id per unit: a new id wherever the heading changes."""
    ids = np.zeros(len(headings), dtype=np.int64)
    for i in range(1, len(headings)):
        ids[i] = ids[i - 1] + (headings[i] != headings[i - 1])
    return ids


def _others(values: np.ndarray, members: np.ndarray, reduce: str) -> np.ndarray:
    """Per member row: mean / max / count of ``values`` (rows × types) over the *other* members
    (0 when there are none)."""
    sub = values[members]
    k = len(members)
    if k == 1:
        return np.zeros_like(sub)
    if reduce == "mean":
        return (sub.sum(0, keepdims=True) - sub) / (k - 1)
    # max over the others: the largest, or the second largest where the row holds the largest
    order = np.sort(sub, axis=0)
    top, second = order[-1], order[-2]
    return np.where(sub >= top, second, top)


def feature_names(n_types: int = 3) -> list[str]:
    """Column names of :func:`context_features`' rows (for the metadata and the docs)."""
    t = [f"t{k}" for k in range(n_types)]
    names = [f"logit_{x}" for x in t]
    for d in OFFSETS:
        names += [f"logit_{x}_{d:+d}" for x in t] + [f"has_{d:+d}", f"same_section_{d:+d}", f"item_{d:+d}"]
    names += [f"section_mean_{x}" for x in t] + [f"section_max_{x}" for x in t] + [f"section_share_{x}" for x in t]
    names += ["section_size", "section_position", "section_first"]
    names += [f"doc_mean_{x}" for x in t] + [f"doc_share_{x}" for x in t]
    names += [f"heading_{name}" for name, _ in HEADING_GROUPS] + ["heading_none"]
    names += ["is_item", "doc_position", "length"]
    return names


def context_features(
    scores: np.ndarray,
    texts: Sequence[str],
    headings: Sequence[str | None],
    items: Sequence[bool],
) -> np.ndarray:
    """One row per unit of one document (units in text order) for the second stage.

    ``scores``: the first stage's probabilities, units × types (experience, goal, project).
    A row holds, per :func:`feature_names`: the unit's own logits; for each neighbour at
    :data:`OFFSETS` its logits (0 when absent), whether it exists, shares the unit's section
    and is a list item; over the *other* units of the section the mean and max logit and the
    share with probability ≥ 0.5, the section's size (log), the unit's relative position in it
    and whether it opens it; over the other units of the document the mean logit and share ≥
    0.5; the heading's cue-word groups; the unit's list-item flag, relative position in the
    document and length (log characters).
    """
    scores = np.asarray(scores, dtype=np.float64)
    n, k = scores.shape if scores.ndim == 2 else (0, 3)
    width = len(feature_names(k))
    if n == 0:
        return np.zeros((0, width), dtype=np.float32)
    logits = _logit(scores)
    positive = (scores >= 0.5).astype(np.float64)
    sections = _runs(headings)
    item = np.asarray(items, dtype=np.float64)
    cols: list[np.ndarray] = [logits]
    for d in OFFSETS:
        j = np.arange(n) + d
        has = (j >= 0) & (j < n)
        jj = np.clip(j, 0, n - 1)
        cols += [np.where(has[:, None], logits[jj], 0.0), has[:, None].astype(np.float64),
                 (has & (sections[jj] == sections))[:, None].astype(np.float64),
                 np.where(has, item[jj], 0.0)[:, None]]
    sec_mean, sec_max, sec_share = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
    sec_size, sec_pos, sec_first = np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((n, 1))
    for s in np.unique(sections):
        members = np.flatnonzero(sections == s)
        sec_mean[members] = _others(logits, members, "mean")
        sec_max[members] = _others(logits, members, "max")
        sec_share[members] = _others(positive, members, "mean")
        sec_size[members] = np.log1p(len(members))
        sec_pos[members, 0] = np.arange(len(members)) / max(len(members) - 1, 1)
        sec_first[members[0]] = 1.0
    all_rows = np.arange(n)
    cols += [sec_mean, sec_max, sec_share, sec_size, sec_pos, sec_first,
             _others(logits, all_rows, "mean"), _others(positive, all_rows, "mean")]
    cols.append(np.array([heading_groups(h) for h in headings], dtype=np.float64))
    cols += [item[:, None], (np.arange(n) / max(n - 1, 1))[:, None],
             np.log1p(np.array([len(t) for t in texts], dtype=np.float64))[:, None]]
    out = np.hstack(cols).astype(np.float32)
    assert out.shape[1] == width
    return out

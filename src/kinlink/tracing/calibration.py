"""Recalibrating the matcher from caseworkers' decisions (confirmed and rejected matches)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction

from kinlink.core import audit
from kinlink.matching import FellegiSunterModel

from . import choices as t
from . import engine
from .models import MatcherModel, PotentialMatch


@dataclass
class Figures:
    labels: int
    confirmed: int
    precision: float
    recall: float
    log_loss: float

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def evaluate(model: FellegiSunterModel, rows: list[tuple[tuple[int, ...], bool]]) -> Figures:
    tp = fp = fn = 0
    loss = 0.0
    for levels, label in rows:
        p = min(max(model.probability(levels), 1e-9), 1 - 1e-9)
        called = model.is_match(p)
        tp += called and label
        fp += called and not label
        fn += (not called) and label
        loss -= math.log(p) if label else math.log(1 - p)
    n = max(len(rows), 1)
    return Figures(
        labels=len(rows),
        confirmed=sum(1 for _levels, lab in rows if lab),
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        log_loss=loss / n,
    )


def labelled_pairs():
    """Reviewed matches with their current records (names may have been corrected since)."""
    rows = (
        PotentialMatch.objects.system("recalibration")
        .exclude(state=t.MatchState.PENDING)
        .select_related("trace", "trace__request", "case", "case__child")
        .prefetch_related(
            "case__child__family", "case__child__other_names", "case__child__documents"
        )
    )
    pairs, labels, levels = [], [], []
    for m in rows:
        pairs.append((engine.trace_record(m.trace), engine.case_record(m.case)))
        labels.append(m.state == t.MatchState.CONFIRMED)
        levels.append(tuple(m.comparison_levels))
    return pairs, labels, levels


@dataclass
class Result:
    before: Figures
    after: Figures
    saved: bool
    model_id: str | None


MIN_LABELS = 20


def recalibrate(*, dry_run: bool = False, min_labels: int = MIN_LABELS) -> Result:
    current, _version = engine.active_model()
    pairs, labels, _stored = labelled_pairs()
    from kinlink.matching import compare_records

    rows_before = [
        (compare_records(a, b).levels, lab) for (a, b), lab in zip(pairs, labels, strict=True)
    ]
    before = evaluate(current, rows_before)
    if len(labels) < min_labels or all(labels) or not any(labels):
        return Result(before, before, False, None)
    new = FellegiSunterModel.from_dict(current.to_dict()).fit_from_labels(pairs, labels)
    after = evaluate(new, rows_before)
    if dry_run:
        return Result(before, after, False, None)
    with transaction.atomic():
        MatcherModel.objects.filter(active=True).update(active=False)
        row = MatcherModel.objects.create(
            parameters=new.to_dict(),
            active=True,
            trained_on=len(labels),
            report={"before": before.as_dict(), "after": after.as_dict()},
        )
        audit.record(actor=None, action="change", obj=row, detail={"labels": len(labels)})
    engine.reset()
    return Result(before, after, True, str(row.pk))

"""Computing and storing potential matches and duplicate candidates (run by tasks)."""

from __future__ import annotations

from django.db import transaction

from kinlink.cases import choices as cc
from kinlink.cases.models import Case
from kinlink.core import audit
from kinlink.matching import FIELDS

from . import choices as t
from . import engine
from .models import DuplicateCandidate, PotentialMatch, Trace

DUPLICATE_PROBABILITY = 0.9


def _explanation(result) -> list[dict]:
    names = result.comparison.level_names()
    return [{"field": f, "level": names[f]} for f in FIELDS]


def _store(trace: Trace, case_id: str, result, version: str) -> bool:
    """Create or refresh one pending potential match; reviewed ones are never touched."""
    existing = PotentialMatch.objects.system("matching").filter(trace=trace, case_id=case_id)
    match = existing.first()
    if match is not None and match.state != t.MatchState.PENDING:
        return False
    fields = dict(
        score=result.score,
        probability=result.probability,
        likelihood=t.Likelihood.LIKELY if result.is_match else t.Likelihood.POSSIBLE,
        rank=result.rank,
        explanation=_explanation(result),
        comparison_levels=list(result.comparison.levels),
        model_version=version,
    )
    if match is None:
        PotentialMatch.objects.create(trace=trace, case_id=case_id, **fields)
        return True
    PotentialMatch.objects.system("matching").filter(pk=match.pk).update(**fields)
    return False


def match_trace(trace_id) -> int:
    trace = engine.refresh_trace(trace_id)
    if trace is None:
        return 0
    index = engine.children_index()
    results = index.search(engine.trace_record(trace), top_k=engine.TOP_K)
    kept = [r for r in results if engine.worth_review(r, index.model)]
    version = engine.model_version()
    created = 0
    with transaction.atomic():
        for r in kept:
            created += _store(trace, r.record_id, r, version)
        # pending matches that no longer come up are withdrawn; decisions stay
        PotentialMatch.objects.system("matching").filter(
            trace=trace, state=t.MatchState.PENDING
        ).exclude(case_id__in=[r.record_id for r in kept]).delete()
        if created:
            audit.record(
                actor=None,
                action="create",
                object_type="tracing.potentialmatch",
                object_id=str(trace.pk),
                detail={"new_matches": created},
            )
    return created


def match_case(case_id) -> int:
    case = engine.refresh_case(case_id)
    if case is None:
        # not matchable (no consent, closed): pending matches to it are withdrawn
        PotentialMatch.objects.system("matching").filter(
            case_id=case_id, state=t.MatchState.PENDING
        ).delete()
        return 0
    record = engine.case_record(case)
    created = 0
    version = engine.model_version()
    with transaction.atomic():
        traces = engine.traces_index()
        for r in traces.search(record, top_k=engine.TOP_K):
            if not engine.worth_review(r, traces.model):
                continue
            trace = Trace.objects.system("matching").filter(pk=r.record_id).first()
            if trace is None:
                continue
            # the search ran trace-side; store it the same way a trace search would
            created += _store(trace, str(case.pk), r, version)
        created += _duplicates(case, record)
    return created


def _duplicates(case: Case, record) -> int:
    n = 0
    for r in engine.children_index().search(record, top_k=5, exclude_self=True):
        if r.probability < DUPLICATE_PROBABILITY:
            continue
        a, b = sorted([str(case.pk), r.record_id])
        other = (
            Case.objects.system("duplicates")
            .filter(pk=r.record_id, status=cc.CaseStatus.OPEN)
            .first()
        )
        if other is None:
            continue
        _obj, made = DuplicateCandidate.objects.system("duplicates").get_or_create(
            case_a_id=a,
            case_b_id=b,
            defaults={"probability": r.probability, "explanation": _explanation(r)},
        )
        n += made
    return n

"""Reads of tracing data, scoped and audited. A potential match shows the requesting side
only minimal facts about the child until the child's case owner agrees to disclose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kinlink.accounts.models import User
from kinlink.cases.models import Case
from kinlink.core import audit

from . import choices as t
from .models import DuplicateCandidate, PotentialMatch, Trace, TracingRequest


def requests_list(*, user: User) -> QuerySet[TracingRequest]:
    return (
        TracingRequest.objects.restrict(user, "view")
        .prefetch_related("traces")
        .order_by("-inquiry_date")
    )


def request_get(*, user: User, request_id) -> TracingRequest:
    req = TracingRequest.objects.restrict(user, "view").filter(pk=request_id).first()
    if req is None:
        raise PermissionDenied("no such tracing request in your scope")
    audit.record(actor=user, action="view", obj=req)
    return req


@dataclass
class MatchView:
    match: PotentialMatch
    side: str  # "request" (the enquirer's caseworker) or "case" (the child's caseworker)
    full: bool  # the child's identity may be shown
    child_summary: dict


def _age_band(case: Case) -> str:
    age = case.child.age_on(date.today())
    if age is None:
        return "?"
    lo = (age // 5) * 5
    return f"{lo}–{lo + 4}"


def match_view(*, user: User, match: PotentialMatch) -> MatchView:
    on_case_side = Case.objects.restrict(user, "view").filter(pk=match.case_id).exists()
    on_request_side = Trace.objects.restrict(user, "view").filter(pk=match.trace_id).exists()
    if not (on_case_side or on_request_side):
        raise PermissionDenied("no such match in your scope")
    full = on_case_side or match.disclosure == t.DisclosureState.AGREED
    case = Case.objects.system("match view").select_related("child", "office").get(pk=match.case_id)
    if full:
        summary = {
            "name": case.child.full_name,
            "case_number": case.number,
            "office": case.office.name,
            "sex": case.child.get_sex_display(),
            "age_band": _age_band(case),
            "date_of_birth": case.child.date_of_birth,
        }
        audit.record(
            actor=user,
            action="view",
            obj=case,
            case_id=case.pk,
            detail={"via_match": str(match.pk)},
        )
    else:
        summary = {
            "sex": case.child.get_sex_display(),
            "age_band": _age_band(case),
            "office": case.office.name,
        }
        audit.record(
            actor=user, action="view", obj=match, case_id=case.pk, detail={"minimal": True}
        )
    return MatchView(match, "case" if on_case_side else "request", full, summary)


def matches_for_trace(*, user: User, trace_id) -> list[MatchView]:
    trace = Trace.objects.restrict(user, "view").filter(pk=trace_id).first()
    if trace is None:
        raise PermissionDenied("no such trace in your scope")
    rows = PotentialMatch.objects.system("scoped through the trace").filter(trace=trace)
    return [match_view(user=user, match=m) for m in rows.order_by("rank")]


def matches_to_review(*, user: User) -> QuerySet[PotentialMatch]:
    """Pending matches of the requests the user may work on, likely first."""
    return (
        PotentialMatch.objects.system("scoped through the trace")
        .filter(trace__in=Trace.objects.restrict(user, "change"), state=t.MatchState.PENDING)
        .select_related("trace", "trace__request")
        .order_by("-probability")
    )


def duplicates_to_review(*, user: User) -> QuerySet[DuplicateCandidate]:
    return (
        DuplicateCandidate.objects.restrict(user, "change")
        .filter(state=t.DuplicateState.PENDING)
        .order_by("-probability")
    )

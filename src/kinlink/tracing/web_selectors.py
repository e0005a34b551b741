"""Reads for the tracing pages, built on ``selectors`` (which scope and audit every read).

A match card is what a page shows of one potential match: the ``MatchView`` (minimal child
summary until disclosure), the explanation in words, and which buttons the user gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from kinlink.accounts.models import User
from kinlink.accounts.roles import can
from kinlink.cases import choices as cc
from kinlink.cases.models import Case
from kinlink.core import audit

from . import choices as t
from . import selectors
from .explain import ExplainedField, explain_match
from .models import CaseTracing, PotentialMatch, Trace

REUNIFY = (t.Recommendation.REUNIFY, t.Recommendation.REUNIFY_WITH_SUPPORT)


@dataclass
class MatchCard:
    view: selectors.MatchView
    rows: list[ExplainedField]
    trace: Trace
    sees_request: bool = False  # the user may read the tracing request (the enquirer's side)
    can_review: bool = False
    can_request_disclosure: bool = False
    can_decide_disclosure: bool = False
    forms: dict = field(default_factory=dict)

    @property
    def match(self) -> PotentialMatch:
        return self.view.match

    @property
    def pk(self):
        return self.view.match.pk


def match_card(*, user: User, match: PotentialMatch, view=None) -> MatchCard:
    """PermissionDenied when the match is on neither of the user's sides."""
    view = view or selectors.match_view(user=user, match=match)
    trace = (
        Trace.objects.system("the match view was scoped")
        .select_related("request", "request__office")
        .get(pk=match.trace_id)
    )
    works = can(user, "work_case")
    sees_request = Trace.objects.restrict(user, "view").filter(pk=trace.pk).exists()
    on_trace = works and Trace.objects.restrict(user, "change").filter(pk=trace.pk).exists()
    on_case = works and Case.objects.restrict(user, "change").filter(pk=match.case_id).exists()
    pending = match.state == t.MatchState.PENDING
    return MatchCard(
        view=view,
        rows=explain_match(match.explanation, age_estimated=trace.age_estimated),
        trace=trace,
        sees_request=sees_request,
        can_review=on_trace and pending,
        can_request_disclosure=on_trace and not view.full and not match.disclosure,
        can_decide_disclosure=on_case and match.disclosure == t.DisclosureState.REQUESTED,
    )


def audit_requests_listed(*, user: User, requests) -> None:
    """Record that a list showing these tracing requests (sought children's names) was shown."""
    ids = [str(r.pk) for r in requests]
    if ids:
        audit.record(
            actor=user,
            action="search",
            object_type="tracing.tracingrequest",
            detail={"request_ids": ids},
        )


def match_get(*, user: User, match_id) -> PotentialMatch:
    match = PotentialMatch.objects.restrict(user, "view").filter(pk=match_id).first()
    if match is None:
        raise PermissionDenied("no such match in your scope")
    return match


def cards_for_trace(*, user: User, trace_id) -> list[MatchCard]:
    return [
        match_card(user=user, match=v.match, view=v)
        for v in selectors.matches_for_trace(user=user, trace_id=trace_id)
    ]


def review_cards(*, user: User) -> list[MatchCard]:
    return [match_card(user=user, match=m) for m in selectors.matches_to_review(user=user)]


def disclosure_requests_to_decide(*, user: User) -> list[MatchCard]:
    """Requests to disclose a child the user works on to the requesting caseworker."""
    rows = (
        PotentialMatch.objects.system("scoped through the case")
        .filter(
            case__in=Case.objects.restrict(user, "change"),
            disclosure=t.DisclosureState.REQUESTED,
        )
        .order_by("-probability")
    )
    return [match_card(user=user, match=m) for m in rows]


def case_tracing_overview(*, user: User, case: Case) -> dict:
    """The child's side of tracing on the case page (``case`` was read through its scope)."""
    tracing = CaseTracing.objects.restrict(user, "view").filter(case=case).first()
    actions = list(case.tracing_actions.select_related("author"))
    verifications = list(case.verifications.select_related("author", "trace"))
    reunifications = list(case.reunifications.select_related("verification", "author"))
    matched_traces = list(
        Trace.objects.system("traces matched to a case in scope")
        .filter(matched_case=case)
        .select_related("request", "request__office")
    )
    disclosures = [
        match_card(user=user, match=m)
        for m in PotentialMatch.objects.system("scoped through the case").filter(
            case=case, disclosure=t.DisclosureState.REQUESTED
        )
    ]
    reunifiable = [
        v
        for v in verifications
        if v.status == t.VerificationStatus.VERIFIED
        and v.approval_state == cc.ApprovalState.APPROVED
        and v.recommendation in REUNIFY
    ]
    return {
        "record": tracing,
        "actions": actions,
        "verifications": verifications,
        "reunifications": reunifications,
        "matched_traces": matched_traces,
        "disclosures": disclosures,
        "reunifiable": reunifiable,
        "submittable": [
            v
            for v in verifications
            if v.approval_state in (cc.ApprovalState.DRAFT, cc.ApprovalState.REJECTED)
        ],
    }


def on_child_side(*, user, match_id) -> bool:
    """Whether ``user`` may change the case of the child a match points to."""
    from kinlink.cases.models import Case

    return (
        PotentialMatch.objects.system("scoped through the case")
        .filter(pk=match_id, case__in=Case.objects.restrict(user, "change"))
        .exists()
    )


def on_request_side(*, user, match_id) -> bool:
    """Whether ``user`` may change the tracing request a match belongs to."""
    return (
        PotentialMatch.objects.system("scoped through the trace")
        .filter(pk=match_id, trace__in=Trace.objects.restrict(user, "change"))
        .exists()
    )

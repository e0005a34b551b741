"""Adapts the matching library (kinlink.matching) to the case and tracing models.

The engine runs as the system, over every child whose tracing consent allows matching
(DOMAIN.md rule 13), not within a caseworker's scope. Each process keeps two incremental
indexes — registered children and open traces — built from the database on first use and
updated as records change; a new record is searchable at once.
"""

from __future__ import annotations

import threading
from datetime import date

from django.db.models import Q

from kinlink.cases import choices as cc
from kinlink.cases.models import Case, Consent
from kinlink.core.crypto import blind_index
from kinlink.matching import FellegiSunterModel, MatchIndex, PersonRecord
from kinlink.matching.records import normalise_document

from . import choices as t
from .models import MatcherModel, Trace

_lock = threading.RLock()
_state: dict[str, object] = {}

SEX = {cc.Sex.FEMALE: "f", cc.Sex.MALE: "m"}
MIN_PROBABILITY = 0.05  # below this a candidate is not worth a caseworker's time
# ... unless it is a strong match on its own: the probability is shared among a query's
# candidates (at most one is the child), so a child registered twice splits it between its
# two records, and either could fall below MIN_PROBABILITY although both are the child.
STANDALONE_PROBABILITY = 0.5
TOP_K = 20


def worth_review(result, model: FellegiSunterModel) -> bool:
    """Whether a search result is kept as a potential match for a caseworker."""
    return (
        result.probability >= MIN_PROBABILITY
        or model.probability_from_score(result.score) >= STANDALONE_PROBABILITY
    )


def active_model() -> tuple[FellegiSunterModel, str]:
    row = MatcherModel.objects.filter(active=True).order_by("-created_at").first()
    if row is None:
        return FellegiSunterModel(), "default"
    return FellegiSunterModel.from_dict(row.parameters), str(row.pk)


def _parent_names(case: Case) -> tuple[str, str]:
    mother = father = ""
    for fm in case.child.family.all():
        if fm.relationship == cc.Relationship.MOTHER and not mother:
            mother = fm.full_name
        elif fm.relationship == cc.Relationship.FATHER and not father:
            father = fm.full_name
    return mother, father


def document_key(number: str) -> str:
    """What the index holds of a document number: a keyed digest of its normalised form
    (so 'АВ 123456' and 'ab-123456' meet), never the number itself. Digests compare only as
    same or different."""
    norm = normalise_document(number)
    return blind_index(norm, purpose="matching-document") if norm else ""


def case_record(case: Case) -> PersonRecord:
    child = case.child
    mother, father = _parent_names(case)
    return PersonRecord(
        id=str(case.pk),
        given_name=child.given_name,
        family_name=child.family_name,
        middle_name=child.middle_name,
        sex=SEX.get(child.sex, ""),
        date_of_birth=child.date_of_birth,
        age=float(child.age_years) if child.age_years is not None else None,
        age_estimated=child.age_estimated or child.date_of_birth_estimated,
        place_of_origin=child.place_of_origin,
        mother_name=mother,
        father_name=father,
        other_names=tuple(n.name for n in child.other_names.all()),
        recorded_on=child.age_recorded_on,
        document_numbers=tuple(
            k for k in (document_key(d.number) for d in child.documents.all()) if k
        ),
    )


def trace_record(trace: Trace) -> PersonRecord:
    others = tuple(n.strip() for n in trace.other_names.split(",") if n.strip())
    return PersonRecord(
        id=str(trace.pk),
        given_name=trace.given_name,
        family_name=trace.family_name,
        middle_name=trace.middle_name,
        sex=SEX.get(trace.sex, ""),
        date_of_birth=trace.date_of_birth,
        age=float(trace.age_years) if trace.age_years is not None else None,
        age_estimated=trace.age_estimated,
        place_of_origin=trace.place_of_origin,
        mother_name=trace.mother_name,
        father_name=trace.father_name,
        other_names=others,
        recorded_on=trace.request.inquiry_date,
        document_numbers=tuple(k for k in (document_key(trace.document_number),) if k),
    )


def matchable_cases():
    """Open cases whose child may be matched (rule 13): a tracing consent that was not
    withdrawn — given by the child or caregiver, or recorded on a vital-interest or
    best-interests basis that a supervisor approved."""
    consented = (
        Consent.objects.system("tracing consent")
        .filter(for_tracing=True, withdrawn_at__isnull=True)
        .filter(Q(override_basis="") | Q(override_state=cc.ApprovalState.APPROVED))
    )
    return (
        Case.objects.system("matching runs over all consented children")
        .filter(status=cc.CaseStatus.OPEN, pk__in=consented.values("case_id"))
        .select_related("child")
        .prefetch_related("child__family", "child__other_names", "child__documents")
    )


def is_matchable(case_id) -> bool:
    return matchable_cases().filter(pk=case_id).exists()


def open_traces():
    return (
        Trace.objects.system("matching runs over all open traces")
        .filter(request__status=t.RequestStatus.OPEN)
        .exclude(status__in=[t.TraceStatus.REUNIFIED, t.TraceStatus.CLOSED])
        .select_related("request")
    )


def _build() -> None:
    model, version = active_model()
    children = MatchIndex(model)
    children.add_many(case_record(c) for c in matchable_cases())
    traces = MatchIndex(model)
    traces.add_many(trace_record(tr) for tr in open_traces())
    _state.update(children=children, traces=traces, version=version, built_on=date.today())


def _ensure() -> None:
    if "children" not in _state or _state.get("built_on") != date.today():
        _build()  # ages move with the calendar: rebuild daily


def reset() -> None:
    """Forget the indexes (after recalibration, in tests); the next use rebuilds them."""
    with _lock:
        _state.clear()


def children_index() -> MatchIndex:
    with _lock:
        _ensure()
        return _state["children"]  # type: ignore[return-value]


def traces_index() -> MatchIndex:
    with _lock:
        _ensure()
        return _state["traces"]  # type: ignore[return-value]


def model_version() -> str:
    with _lock:
        _ensure()
        return str(_state["version"])


def refresh_case(case_id) -> Case | None:
    """Put a case's current record in the children index, or take it out."""
    case = matchable_cases().filter(pk=case_id).first()
    with _lock:
        index = children_index()
        if case is None:
            if str(case_id) in index:
                index.remove(str(case_id))
            return None
        index.add(case_record(case))  # replaces an older version of the record
    return case


def refresh_trace(trace_id) -> Trace | None:
    trace = open_traces().filter(pk=trace_id).first()
    with _lock:
        index = traces_index()
        if trace is None:
            if str(trace_id) in index:
                index.remove(str(trace_id))
            return None
        index.add(trace_record(trace))
    return trace

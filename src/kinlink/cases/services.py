"""Writes of the case workflow. Each is atomic, validates first and changes nothing on error.

Errors are ``django.core.exceptions.ValidationError`` (bad input, a rule refused) or
``PermissionDenied`` (the actor may not do this to this case).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role, can
from kinlink.core import audit, crypto
from kinlink.core.models import SopProfile
from kinlink.core.validation import check_choice, check_codes, require_choice

from . import choices as c
from . import hooks, rules
from .models import (
    Approval,
    Assessment,
    Attachment,
    Case,
    CasePlan,
    Child,
    ChildName,
    Consent,
    Document,
    FamilyMember,
    FollowUp,
    Note,
    PlanAction,
    PlanGoal,
)
from .search import name_keys

MAX_CHILD_AGE_ESTIMATED = 21  # benefit of the doubt in age disputes (DOMAIN.md rule 49)


# --------------------------------------------------------------------------- helpers


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(_("Your role may not do this."))


def lock_case_for_change(user, case_id) -> Case:
    """The case, locked, if ``user`` may change it; 404-like PermissionDenied otherwise."""
    case = Case.objects.restrict(user, "change").select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("You may not change this case."))
    return case


def _require_open(case: Case) -> None:
    if case.status != c.CaseStatus.OPEN:
        raise ValidationError(_("The case is not open."))


def age_from_dob(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def validate_age(
    *, date_of_birth: date | None, age_years: int | None, age_estimated: bool, today: date
) -> dict[str, list[str]]:
    """Rule 49: a date of birth in the past, an age that fits it, and a child's age."""
    errors: dict[str, list[str]] = {}
    if date_of_birth is not None:
        if date_of_birth > today:
            errors.setdefault("date_of_birth", []).append(_("The date of birth is in the future."))
        else:
            computed = age_from_dob(date_of_birth, today)
            if age_years is not None and abs(computed - age_years) > 1:
                errors.setdefault("age_years", []).append(
                    _("An age of %(age)s contradicts the date of birth (age %(computed)s).")
                    % {"age": age_years, "computed": computed}
                )
            limit = MAX_CHILD_AGE_ESTIMATED if age_estimated else 17
            if computed > limit:
                errors.setdefault("date_of_birth", []).append(
                    _("The date of birth gives an age of %(computed)s: not a child.")
                    % {"computed": computed}
                )
    if age_years is not None:
        limit = MAX_CHILD_AGE_ESTIMATED if age_estimated else 17
        if age_years > limit:
            errors.setdefault("age_years", []).append(
                _("An age of %(age)s is not a child's age.") % {"age": age_years}
            )
    return errors


def _next_case_number(agency, office) -> str:
    year = timezone.now().year
    prefix = f"{agency.country}-{office.code}-{year}-".upper()
    last = (
        Case.objects.system("case numbering")
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def child_refresh_search_keys(child: Child) -> None:
    names = [child.given_name, child.family_name, child.middle_name]
    names += [n.name for n in child.other_names.all()]
    child.search_keys = " ".join(sorted(name_keys(*names)))
    Child.objects.filter(pk=child.pk).update(search_keys=child.search_keys)


def case_refresh_deadlines(case: Case) -> None:
    items = rules.due_items(case)
    first = items[0] if items else None
    case.next_due_at = first.due_at if first else None
    case.next_due_kind = first.kind if first else ""
    Case.objects.filter(pk=case.pk).update(
        next_due_at=case.next_due_at, next_due_kind=case.next_due_kind
    )


# --------------------------------------------------------------------------- registration


@dataclass
class ChildInput:
    given_name: str
    sex: str
    protection_status: str
    family_name: str = ""
    middle_name: str = ""
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    age_years: int | None = None
    age_estimated: bool = False
    nationalities: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    migratory_status: str = c.MigratoryStatus.UNKNOWN
    disability: str = c.Disability.UNKNOWN
    birth_registration: str = c.BirthRegistration.UNKNOWN
    statelessness_risk: bool = False
    place_of_origin: str = ""
    current_country: str = ""  # ISO code when the child is now abroad
    health_notes: str = ""
    distinguishing_marks: str = ""
    other_names: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)


@dataclass
class CaseInput:
    risk_level: str = c.RiskLevel.NOT_ASSESSED
    identified_at: datetime | None = None
    identification_source: str = c.IdentificationSource.OTHER
    registration_place: str = ""
    separation_date: date | None = None
    separation_place: str = ""
    protection_concerns: str = ""
    urgent_needs: str = ""
    summary: str = ""
    owner: User | None = None


@dataclass
class FamilyInput:
    relationship: str
    given_name: str = ""
    family_name: str = ""
    age_years: int | None = None
    alive: str = c.AliveStatus.UNKNOWN
    is_caregiver: bool = False
    lives_with_child: bool = False
    country: str = ""
    phone: str = ""
    address: str = ""
    do_not_contact: bool = False


@dataclass
class DocumentInput:
    kind: str
    number: str = ""
    issuing_country: str = ""
    held: bool = True


def validate_child_input(data: ChildInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (data.given_name or "").strip():
        errors["given_name"] = [_("A given name is needed (write 'unknown' if it is).")]
    check_choice(errors, "sex", data.sex, c.Sex)
    check_choice(errors, "protection_status", data.protection_status, c.ProtectionStatus)
    check_choice(errors, "migratory_status", data.migratory_status, c.MigratoryStatus)
    check_choice(errors, "disability", data.disability, c.Disability)
    check_choice(errors, "birth_registration", data.birth_registration, c.BirthRegistration)
    check_codes(errors, "nationalities", data.nationalities, 2)
    check_codes(errors, "languages", data.languages, 2)
    if data.current_country:
        check_codes(errors, "current_country", [data.current_country], 2)
    for name, kind in data.other_names:
        if not name.strip():
            errors.setdefault("other_names", []).append(_("An empty name was given."))
        check_choice(errors, "other_names", kind, c.NameKind)
    for key, msgs in validate_age(
        date_of_birth=data.date_of_birth,
        age_years=data.age_years,
        age_estimated=data.age_estimated or data.date_of_birth_estimated,
        today=today,
    ).items():
        errors.setdefault(key, []).extend(msgs)
    return errors


def child_register(
    *,
    actor: User,
    child: ChildInput,
    case: CaseInput,
    family: list[FamilyInput] = (),
    documents: list[DocumentInput] = (),
) -> Case:
    """Register a child and open its case (identification and registration, step 1)."""
    _require(actor, "register_child")
    now = timezone.now()
    errors = validate_child_input(child, now.date())
    check_choice(errors, "risk_level", case.risk_level, c.RiskLevel)
    check_choice(
        errors, "identification_source", case.identification_source, c.IdentificationSource
    )
    if case.identified_at and case.identified_at > now + timedelta(minutes=5):
        errors.setdefault("identified_at", []).append(_("This date is in the future."))
    if case.separation_date and case.separation_date > now.date():
        errors.setdefault("separation_date", []).append(_("This date is in the future."))
    for i, fm in enumerate(family):
        check_choice(errors, f"family[{i}].relationship", fm.relationship, c.Relationship)
        check_choice(errors, f"family[{i}].alive", fm.alive, c.AliveStatus)
    for i, doc in enumerate(documents):
        check_choice(errors, f"documents[{i}].kind", doc.kind, c.DocumentKind)
    owner = case.owner or actor
    if owner.role not in (Role.CASEWORKER, Role.SUPERVISOR) or not owner.office_id:
        errors.setdefault("owner", []).append(
            _("The case owner must be a caseworker or supervisor.")
        )
    elif (
        case.owner is not None
        and case.owner != actor
        and (not can(actor, "reassign") or owner.agency_id != actor.agency_id)
    ):
        errors.setdefault("owner", []).append(_("You may not assign cases to this person."))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        kid = Child.objects.create(
            given_name=child.given_name.strip(),
            family_name=child.family_name.strip(),
            middle_name=child.middle_name.strip(),
            sex=child.sex,
            date_of_birth=child.date_of_birth,
            date_of_birth_estimated=child.date_of_birth_estimated,
            age_years=child.age_years,
            age_recorded_on=now.date() if child.age_years is not None else None,
            # Without a date of birth an age is an estimate, whatever the form said.
            age_estimated=child.age_estimated
            or (child.date_of_birth is None and child.age_years is not None),
            nationalities=[n.upper() for n in child.nationalities],
            languages=[x.lower() for x in child.languages],
            protection_status=child.protection_status,
            migratory_status=child.migratory_status,
            disability=child.disability,
            birth_registration=child.birth_registration,
            statelessness_risk=child.statelessness_risk,
            place_of_origin=child.place_of_origin.strip(),
            current_country=child.current_country.upper(),
            health_notes=child.health_notes,
            distinguishing_marks=child.distinguishing_marks,
        )
        for name, kind in child.other_names:
            ChildName.objects.create(child=kid, name=name.strip(), kind=kind)
        for fm in family:
            FamilyMember.objects.create(child=kid, **fm.__dict__)
        for doc in documents:
            Document.objects.create(
                child=kid,
                kind=doc.kind,
                number=doc.number,
                issuing_country=doc.issuing_country,
                held=doc.held,
                number_index=(
                    crypto.blind_index(doc.number, purpose="document") if doc.number else ""
                ),
            )
        new_case = Case.objects.create(
            child=kid,
            number=_next_case_number(owner.agency, owner.office),
            agency=owner.agency,
            office=owner.office,
            owner=owner,
            risk_level=case.risk_level,
            identified_at=case.identified_at or now,
            registered_at=now,
            assigned_at=now,
            identification_source=case.identification_source,
            registration_place=case.registration_place,
            separation_date=case.separation_date,
            separation_place=case.separation_place,
            protection_concerns=case.protection_concerns,
            urgent_needs=case.urgent_needs,
            summary=case.summary,
        )
        sop = SopProfile.current()
        Assessment.objects.create(
            case=new_case,
            kind=c.AssessmentKind.INITIAL,
            due_at=rules.initial_assessment_due(sop, new_case.identified_at, case.risk_level),
            author=owner,
        )
        child_refresh_search_keys(kid)
        case_refresh_deadlines(new_case)
        hooks.notify_case_changed(new_case.pk, "registered")
        audit.record(
            actor=actor,
            action="create",
            obj=new_case,
            case_id=new_case.pk,
            detail={"child": str(kid.pk), "number": new_case.number},
        )
    return new_case


CHILD_EDITABLE = [
    "given_name",
    "family_name",
    "middle_name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "age_years",
    "age_estimated",
    "nationalities",
    "languages",
    "protection_status",
    "migratory_status",
    "disability",
    "birth_registration",
    "statelessness_risk",
    "place_of_origin",
    "current_country",
    "health_notes",
    "distinguishing_marks",
]


def child_update(*, actor: User, case_id, changes: dict) -> Child:
    unknown = set(changes) - set(CHILD_EDITABLE)
    if unknown:
        raise ValidationError({k: [_("This field cannot be changed here.")] for k in unknown})
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        kid = case.child
        current = ChildInput(
            **{k: getattr(kid, k) for k in ChildInput.__dataclass_fields__ if k != "other_names"}
        )
        for k, v in changes.items():
            setattr(current, k, v)
        errors = validate_child_input(current, timezone.now().date())
        if errors:
            raise ValidationError(errors)
        changed = [k for k, v in changes.items() if getattr(kid, k) != v]
        for k in changed:
            setattr(kid, k, changes[k])
        if "age_years" in changed:
            kid.age_recorded_on = timezone.now().date()
        kid.save()
        child_refresh_search_keys(kid)
        hooks.notify_case_changed(case.pk, "child")
        audit.record(
            actor=actor,
            action="change",
            obj=kid,
            case_id=case.pk,
            detail={"fields": sorted(changed)},
        )
    return kid


def other_name_add(*, actor: User, case_id, name: str, kind: str) -> ChildName:
    if not name.strip():
        raise ValidationError({"name": [_("This field is required.")]})
    require_choice("kind", kind, c.NameKind)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        obj = ChildName.objects.create(child=case.child, name=name.strip(), kind=kind)
        child_refresh_search_keys(case.child)
        hooks.notify_case_changed(case.pk, "child")
        audit.record(actor=actor, action="create", obj=obj, case_id=case.pk)
    return obj


def family_member_add(*, actor: User, case_id, data: FamilyInput) -> FamilyMember:
    errors: dict[str, list[str]] = {}
    check_choice(errors, "relationship", data.relationship, c.Relationship)
    check_choice(errors, "alive", data.alive, c.AliveStatus)
    if data.country:
        check_codes(errors, "country", [data.country], 2)
    if not (data.given_name or data.family_name):
        errors["given_name"] = [_("Give at least one name (or 'unknown').")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        obj = FamilyMember.objects.create(child=case.child, **data.__dict__)
        hooks.notify_case_changed(case.pk, "family")
        audit.record(actor=actor, action="create", obj=obj, case_id=case.pk)
    return obj


def document_add(*, actor: User, case_id, data: DocumentInput) -> Document:
    errors: dict[str, list[str]] = {}
    check_choice(errors, "kind", data.kind, c.DocumentKind)
    if data.issuing_country:
        check_codes(errors, "issuing_country", [data.issuing_country], 2)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        obj = Document.objects.create(
            child=case.child,
            kind=data.kind,
            number=data.number,
            issuing_country=data.issuing_country.upper(),
            held=data.held,
            number_index=crypto.blind_index(data.number, purpose="document") if data.number else "",
        )
        audit.record(actor=actor, action="create", obj=obj, case_id=case.pk)
        hooks.notify_case_changed(case.pk, "documents")  # matching, duplicates, alerts
    return obj


# --------------------------------------------------------------------------- risk, consent


def case_set_risk(*, actor: User, case_id, risk_level: str, reason: str) -> Case:
    require_choice("risk_level", risk_level, c.RiskLevel)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the risk level changes.")]})
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        old = case.risk_level
        case.risk_level = risk_level
        case.save(update_fields=["risk_level", "updated_at"])
        sop = SopProfile.current()
        for a in case.assessments.all():
            if a.state in (c.ApprovalState.DRAFT, c.ApprovalState.REJECTED):
                if a.kind == c.AssessmentKind.INITIAL:
                    a.due_at = rules.initial_assessment_due(sop, case.identified_at, risk_level)
                a.save(update_fields=["due_at", "updated_at"])
        case_refresh_deadlines(case)
        hooks.notify_case_changed(case.pk, "risk")  # deadlines, caseload, rule 42
        audit.record(
            actor=actor,
            action="change",
            obj=case,
            case_id=case.pk,
            detail={"risk_level": [old, risk_level], "reason": "recorded"},
        )
    return case


@dataclass
class ConsentInput:
    given_by: str
    kind: str
    given_on: date
    given_by_name: str = ""
    for_services: bool = False
    for_tracing: bool = False
    for_photo: bool = False
    for_reporting: bool = False
    share_with: list[str] = field(default_factory=list)
    withhold_from: str = ""
    withhold_reason: str = ""
    override_basis: str = ""
    override_reason: str = ""


def consent_validate(data: ConsentInput, child_age: int | None, sop: SopProfile, today: date):
    """Rule 12: consent and assent by age band; an override needs a basis and a reason."""
    errors: dict[str, list[str]] = {}
    check_choice(errors, "given_by", data.given_by, c.ConsentGiver)
    check_choice(errors, "kind", data.kind, c.ConsentKind)
    check_choice(errors, "override_basis", data.override_basis, c.OverrideBasis, blank=True)
    for s in data.share_with:
        check_choice(errors, "share_with", s, c.ShareWith)
    if data.given_on > today:
        errors.setdefault("given_on", []).append(_("This date is in the future."))
    if data.override_basis and not data.override_reason.strip():
        errors.setdefault("override_reason", []).append(
            _("Record why consent could not be obtained.")
        )
    if data.withhold_from and not data.withhold_reason.strip():
        errors.setdefault("withhold_reason", []).append(_("Give the reason for withholding."))
    if errors:
        return errors
    if data.given_by == c.ConsentGiver.CHILD and child_age is not None:
        if child_age < sop.assent_from_age:
            errors.setdefault("given_by", []).append(
                _("A child under %(age)s cannot give consent or assent; a caregiver consents.")
                % {"age": sop.assent_from_age}
            )
        elif child_age < sop.joint_consent_from_age and data.kind == c.ConsentKind.CONSENT:
            errors.setdefault("kind", []).append(
                _("A child under %(age)s gives assent; consent comes from a caregiver.")
                % {"age": sop.joint_consent_from_age}
            )
    if data.given_by == c.ConsentGiver.CASEWORKER and not data.override_basis:
        errors.setdefault("override_basis", []).append(
            _("A caseworker can act without consent only on a recorded basis.")
        )
    if data.given_by != c.ConsentGiver.CHILD and data.kind == c.ConsentKind.ASSENT:
        errors.setdefault("kind", []).append(_("Only a child gives assent."))
    return errors


def consent_record(*, actor: User, case_id, data: ConsentInput) -> Consent:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        sop = SopProfile.current()
        today = timezone.now().date()
        age = case.child.age_on(data.given_on if data.given_on <= today else today)
        errors = consent_validate(data, age, sop, today)
        dob = case.child.date_of_birth
        if dob and data.given_on < dob:
            errors.setdefault("given_on", []).append(_("This date is before the child's birth."))
        if errors:
            raise ValidationError(errors)
        consent = Consent.objects.create(
            case=case,
            child_age=age,
            recorded_by=actor,
            override_state=c.ApprovalState.PENDING if data.override_basis else "",
            **data.__dict__,
        )
        if data.override_basis:
            Approval.objects.create(
                case=case,
                subject=Approval.Subject.CONSENT_OVERRIDE,
                subject_id=consent.pk,
                requested_by=actor,
            )
        case_refresh_deadlines(case)
        hooks.notify_case_changed(case.pk, "consent")
        audit.record(
            actor=actor,
            action="create",
            obj=consent,
            case_id=case.pk,
            detail={"kind": data.kind, "given_by": data.given_by, "override": data.override_basis},
        )
    return consent


def consent_withdraw(*, actor: User, case_id, consent_id) -> Consent:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        consent = case.consents.filter(pk=consent_id).first()
        if consent is None:
            raise PermissionDenied(_("No such consent on this case."))
        if consent.withdrawn_at:
            raise ValidationError(_("This consent was already withdrawn."))
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at", "updated_at"])
        hooks.notify_case_changed(case.pk, "consent")
        audit.record(
            actor=actor, action="change", obj=consent, case_id=case.pk, detail={"withdrawn": True}
        )
    return consent


# --------------------------------------------------------------------------- assessments


def assessment_save(
    *,
    actor: User,
    case_id,
    assessment_id,
    findings: dict,
    child_views: str,
    proposed_risk_level: str,
) -> Assessment:
    require_choice("proposed_risk_level", proposed_risk_level, c.RiskLevel)
    known = {k for k, _label in Assessment.DOMAINS}
    bad = set(findings) - known
    if bad:
        raise ValidationError(
            {"findings": [_("Unknown domain: %(d)s") % {"d": d} for d in sorted(bad)]}
        )
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        a = case.assessments.filter(pk=assessment_id).first()
        if a is None:
            raise PermissionDenied(_("No such assessment on this case."))
        if a.state in (c.ApprovalState.PENDING, c.ApprovalState.APPROVED):
            raise ValidationError(_("This assessment is submitted and can no longer be edited."))
        a.findings = {k: str(v) for k, v in findings.items()}
        a.child_views = child_views
        a.proposed_risk_level = proposed_risk_level
        a.save()
        audit.record(actor=actor, action="change", obj=a, case_id=case.pk)
    return a


def _request_approval(*, actor, case, subject, subject_id) -> Approval:
    return Approval.objects.create(
        case=case, subject=subject, subject_id=subject_id, requested_by=actor
    )


def assessment_submit(*, actor: User, case_id, assessment_id) -> Assessment:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        a = case.assessments.filter(pk=assessment_id).first()
        if a is None:
            raise PermissionDenied(_("No such assessment on this case."))
        if a.state not in (c.ApprovalState.DRAFT, c.ApprovalState.REJECTED):
            raise ValidationError(_("This assessment was already submitted."))
        errors = {}
        if not a.findings:
            errors["findings"] = [_("Record the findings before submitting.")]
        if a.proposed_risk_level == c.RiskLevel.NOT_ASSESSED:
            errors["proposed_risk_level"] = [_("Rate the risk level before submitting.")]
        if errors:
            raise ValidationError(errors)
        sop = SopProfile.current()
        if sop.approve_assessments:
            a.state = c.ApprovalState.PENDING
            a.save(update_fields=["state", "updated_at"])
            _request_approval(
                actor=actor, case=case, subject=Approval.Subject.ASSESSMENT, subject_id=a.pk
            )
        else:
            _assessment_approved(case, a, sop)
        if case.stage == c.Stage.REGISTERED:
            case.stage = c.Stage.ASSESSMENT
            case.save(update_fields=["stage", "updated_at"])
        case_refresh_deadlines(case)
        audit.record(
            actor=actor, action="change", obj=a, case_id=case.pk, detail={"submitted": True}
        )
    return a


def _assessment_approved(case: Case, a: Assessment, sop: SopProfile) -> None:
    now = timezone.now()
    a.state = c.ApprovalState.APPROVED
    a.completed_at = now
    a.save(update_fields=["state", "completed_at", "updated_at"])
    case.risk_level = a.proposed_risk_level
    if a.kind == c.AssessmentKind.INITIAL:
        if not case.assessments.filter(kind=c.AssessmentKind.COMPREHENSIVE).exists():
            Assessment.objects.create(
                case=case,
                kind=c.AssessmentKind.COMPREHENSIVE,
                author=case.owner,
                due_at=rules.comprehensive_assessment_due(sop, now, case.risk_level),
            )
        case.stage = c.Stage.ASSESSMENT
    else:
        case.stage = c.Stage.CASE_PLAN
    case.save(update_fields=["risk_level", "stage", "updated_at"])


# --------------------------------------------------------------------------- case plan


@dataclass
class GoalInput:
    description: str
    domain: str = ""
    actions: list[tuple[str, str, date | None]] = field(default_factory=list)


def case_plan_create(*, actor: User, case_id, goals: list[GoalInput]) -> CasePlan:
    errors: dict[str, list[str]] = {}
    if not goals:
        errors["goals"] = [_("A case plan needs at least one goal.")]
    known = {k for k, _label in Assessment.DOMAINS}
    for i, g in enumerate(goals):
        if not g.description.strip():
            errors.setdefault(f"goals[{i}].description", []).append(_("Describe the goal."))
        if g.domain and g.domain not in known:
            errors.setdefault(f"goals[{i}].domain", []).append(_("Unknown domain."))
        for j, (what, who, _when) in enumerate(g.actions):
            if not what.strip() or not who.strip():
                errors.setdefault(f"goals[{i}].actions[{j}]", []).append(
                    _("Each action needs what will be done and who is responsible.")
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        if not case.assessments.filter(
            kind=c.AssessmentKind.COMPREHENSIVE, state=c.ApprovalState.APPROVED
        ).exists():
            raise ValidationError(_("A case plan follows an approved comprehensive assessment."))
        if case.plans.filter(state__in=[c.ApprovalState.DRAFT, c.ApprovalState.PENDING]).exists():
            raise ValidationError(_("This case already has a case plan in preparation."))
        version = (
            case.plans.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        plan = CasePlan.objects.create(case=case, version=version, author=actor)
        for g in goals:
            goal = PlanGoal.objects.create(plan=plan, domain=g.domain, description=g.description)
            for what, who, when in g.actions:
                PlanAction.objects.create(goal=goal, description=what, responsible=who, due_on=when)
        audit.record(
            actor=actor, action="create", obj=plan, case_id=case.pk, detail={"version": version}
        )
    return plan


def case_plan_submit(*, actor: User, case_id, plan_id) -> CasePlan:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        plan = case.plans.filter(pk=plan_id).first()
        if plan is None:
            raise PermissionDenied(_("No such case plan on this case."))
        if plan.state not in (c.ApprovalState.DRAFT, c.ApprovalState.REJECTED):
            raise ValidationError(_("This case plan was already submitted."))
        sop = SopProfile.current()
        if sop.approve_case_plans:
            plan.state = c.ApprovalState.PENDING
            plan.save(update_fields=["state", "updated_at"])
            _request_approval(
                actor=actor, case=case, subject=Approval.Subject.CASE_PLAN, subject_id=plan.pk
            )
        else:
            _plan_approved(case, plan, sop)
        case_refresh_deadlines(case)
        audit.record(
            actor=actor, action="change", obj=plan, case_id=case.pk, detail={"submitted": True}
        )
    return plan


def _plan_approved(case: Case, plan: CasePlan, sop: SopProfile) -> None:
    now = timezone.now()
    plan.state = c.ApprovalState.APPROVED
    plan.approved_at = now
    plan.review_due_at = rules.plan_review_due(sop, now, case.risk_level)
    plan.save(update_fields=["state", "approved_at", "review_due_at", "updated_at"])
    if case.stage in (c.Stage.CASE_PLAN, c.Stage.ASSESSMENT, c.Stage.REGISTERED):
        case.stage = c.Stage.IMPLEMENTATION
        case.save(update_fields=["stage", "updated_at"])
    if not case.followups.filter(done_on__isnull=True).exists():
        FollowUp.objects.create(
            case=case,
            kind=c.FollowUpKind.VISIT,
            author=case.owner,
            due_on=(now + rules.followup_interval(sop, case.risk_level)).date(),
        )


def plan_action_set_status(*, actor: User, case_id, action_id, status: str) -> PlanAction:
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)  # access first: no oracle for outsiders
        action = (
            PlanAction.objects.restrict(actor, "change")
            .filter(pk=action_id, goal__plan__case=case)
            .first()
        )
        if action is None:
            raise PermissionDenied(_("No such action on this case."))
        require_choice("status", status, c.ActionStatus)
        refusals = [
            m for check in hooks.action_completion_checks for m in check(case, action, status)
        ]
        if refusals:
            raise ValidationError(refusals)
        action.status = status
        action.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action="change", obj=action, case_id=case.pk, detail={"status": status}
        )
    return action


# --------------------------------------------------------------------------- follow-up


def followup_record(
    *,
    actor: User,
    case_id,
    done_on: date,
    child_seen: bool,
    notes: str,
    reason_not_seen: str = "",
    kind: str = c.FollowUpKind.VISIT,
    recommend_closure: bool = False,
    followup_id=None,
) -> FollowUp:
    errors: dict[str, list[str]] = {}
    today = timezone.now().date()
    if done_on > today:
        errors["done_on"] = [_("A follow-up cannot be recorded for a future date.")]
    if not child_seen and not reason_not_seen.strip():
        errors["reason_not_seen"] = [_("Say why the child was not seen.")]
    check_choice(errors, "kind", kind, c.FollowUpKind)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        sop = SopProfile.current()
        f = None
        if followup_id:
            f = case.followups.filter(pk=followup_id, done_on__isnull=True).first()
            if f is None:
                raise PermissionDenied(_("No such open follow-up on this case."))
        elif pending := case.followups.filter(done_on__isnull=True).order_by("due_on").first():
            f = pending
        if f is None:
            f = FollowUp(case=case, due_on=done_on)
        f.kind = kind
        f.done_on = done_on
        f.child_seen = child_seen
        f.reason_not_seen = reason_not_seen
        f.notes = notes
        f.recommend_closure = recommend_closure
        f.author = actor
        f.save()
        FollowUp.objects.create(
            case=case,
            kind=c.FollowUpKind.VISIT,
            author=case.owner,
            due_on=done_on + rules.followup_interval(sop, case.risk_level),
        )
        if case.stage == c.Stage.IMPLEMENTATION:
            case.stage = c.Stage.FOLLOW_UP
            case.save(update_fields=["stage", "updated_at"])
        case_refresh_deadlines(case)
        audit.record(actor=actor, action="create", obj=f, case_id=case.pk)
    return f


def note_add(*, actor: User, case_id, body: str) -> Note:
    if not body.strip():
        raise ValidationError({"body": [_("This field is required.")]})
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        note = Note.objects.create(case=case, body=body, author=actor)
        audit.record(actor=actor, action="create", obj=note, case_id=case.pk)
    return note


# --------------------------------------------------------------------------- attachments

ALLOWED_UPLOADS = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def sniff_content_type(head: bytes) -> str | None:
    for ctype, magics in ALLOWED_UPLOADS.items():
        if any(head.startswith(m) for m in magics):
            return ctype
    return None


def attachment_add(*, actor: User, case_id, kind: str, title: str, data: bytes) -> Attachment:
    from django.conf import settings

    errors: dict[str, list[str]] = {}
    check_choice(errors, "kind", kind, c.AttachmentKind)
    if not title.strip():
        errors["title"] = [_("This field is required.")]
    if len(data) == 0:
        errors["file"] = [_("The file is empty.")]
    elif len(data) > settings.KINLINK_UPLOAD_MAX_BYTES:
        errors["file"] = [
            _("The file is larger than %(mb)s MB.")
            % {"mb": settings.KINLINK_UPLOAD_MAX_BYTES // (1024 * 1024)}
        ]
    ctype = sniff_content_type(data[:16])
    if data and ctype is None:
        errors.setdefault("file", []).append(_("Only JPEG, PNG and PDF files are accepted."))
    if kind == c.AttachmentKind.PHOTO and ctype == "application/pdf":
        errors.setdefault("file", []).append(_("A photo must be a JPEG or PNG image."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        digest = hashlib.sha256(data).hexdigest()
        name = default_storage.save(
            f"attachments/{case.pk}/{digest}.bin", ContentFile(crypto.encrypt_bytes(data))
        )
        att = Attachment.objects.create(
            case=case,
            kind=kind,
            title=title.strip(),
            content_type=ctype,
            size=len(data),
            sha256=digest,
            storage_name=name,
            uploaded_by=actor,
        )
        audit.record(
            actor=actor,
            action="create",
            obj=att,
            case_id=case.pk,
            detail={"size": len(data), "type": ctype},
        )
    return att


def attachment_read(*, actor: User, attachment: Attachment) -> bytes:
    """Decrypt an attachment the caller was allowed to see (selectors checked the scope)."""
    with default_storage.open(attachment.storage_name, "rb") as fh:
        data = crypto.decrypt_bytes(fh.read())
    audit.record(
        actor=actor,
        action="view",
        obj=attachment,
        case_id=attachment.case_id,
        detail={"download": True},
    )
    return data


# --------------------------------------------------------------------------- closure, reopen


def case_request_closure(*, actor: User, case_id, reason: str, note: str) -> Case:
    errors = {}
    if reason not in c.ClosureReason.values:
        errors["reason"] = [_("Choose a closure reason.")]
    if reason == c.ClosureReason.OTHER and not note.strip():
        errors["note"] = [_("Explain the closure when the reason is 'other'.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        _require_open(case)
        if case.stage == c.Stage.CLOSURE_PENDING:
            raise ValidationError(_("Closure was already requested."))
        refusals = [msg for check in hooks.closure_checks for msg in check(case)]
        if refusals:
            raise ValidationError(refusals)
        case.closure_reason = reason
        case.closure_note = note
        sop = SopProfile.current()
        if sop.approve_closures:
            case.stage = c.Stage.CLOSURE_PENDING
            case.save(update_fields=["closure_reason", "closure_note", "stage", "updated_at"])
            _request_approval(
                actor=actor, case=case, subject=Approval.Subject.CLOSURE, subject_id=case.pk
            )
        else:
            _case_closed(case)
        case_refresh_deadlines(case)
        audit.record(
            actor=actor,
            action="change",
            obj=case,
            case_id=case.pk,
            detail={"closure_requested": reason},
        )
    return case


def _case_closed(case: Case) -> None:
    hooks.notify_case_changed(case.pk, "status")
    case.status = c.CaseStatus.CLOSED
    case.stage = c.Stage.CLOSED
    case.closed_at = timezone.now()
    case.save(
        update_fields=[
            "status",
            "stage",
            "closed_at",
            "closure_reason",
            "closure_note",
            "updated_at",
        ]
    )


def _stage_after_closure_rejected(case: Case) -> str:
    if case.followups.filter(done_on__isnull=False).exists():
        return c.Stage.FOLLOW_UP
    if case.plans.filter(state=c.ApprovalState.APPROVED).exists():
        return c.Stage.IMPLEMENTATION
    if case.assessments.filter(
        kind=c.AssessmentKind.COMPREHENSIVE, state=c.ApprovalState.APPROVED
    ).exists():
        return c.Stage.CASE_PLAN
    if case.assessments.filter(
        state__in=[c.ApprovalState.APPROVED, c.ApprovalState.PENDING]
    ).exists():
        return c.Stage.ASSESSMENT
    return c.Stage.REGISTERED


def case_reopen(*, actor: User, case_id, reason: str) -> Case:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reopened.")]})
    _require(actor, "approve")
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        if case.status != c.CaseStatus.CLOSED:
            raise ValidationError(_("Only a closed case can be reopened."))
        case.status = c.CaseStatus.OPEN
        case.closed_at = None
        case.reopened_reason = reason
        case.closure_reason = ""
        case.stage = _stage_after_closure_rejected(case)
        case.save()
        sop = SopProfile.current()
        if not case.followups.filter(done_on__isnull=True).exists():
            FollowUp.objects.create(
                case=case,
                kind=c.FollowUpKind.VISIT,
                author=case.owner,
                due_on=(timezone.now() + rules.followup_interval(sop, case.risk_level)).date(),
            )
        case_refresh_deadlines(case)
        hooks.notify_case_changed(case.pk, "status")
        audit.record(
            actor=actor, action="change", obj=case, case_id=case.pk, detail={"reopened": True}
        )
    return case


def case_reassign(*, actor: User, case_id, new_owner_id, reason: str) -> Case:
    _require(actor, "reassign")
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the case is reassigned.")]})
    new_owner = User.objects.filter(pk=new_owner_id, is_active=True).first()
    if (
        new_owner is None
        or new_owner.role not in (Role.CASEWORKER, Role.SUPERVISOR)
        or new_owner.agency_id != actor.agency_id
        or not new_owner.office_id
    ):
        raise ValidationError({"owner": [_("Choose an active caseworker of your agency.")]})
    with transaction.atomic():
        # Supervisors reassign within their office; agency administrators within the agency.
        case = Case.objects.restrict(actor, "view").select_for_update().filter(pk=case_id).first()
        if case is None:
            raise PermissionDenied(_("You may not reassign this case."))
        if actor.role == Role.SUPERVISOR and new_owner.office_id != actor.office_id:
            raise ValidationError({"owner": [_("Choose a caseworker of your office.")]})
        old = case.owner_id
        case.owner = new_owner
        case.office_id = new_owner.office_id
        case.assigned_at = timezone.now()
        case.save(update_fields=["owner", "office", "assigned_at", "updated_at"])
        hooks.notify_case_changed(case.pk, "owner")
        audit.record(
            actor=actor,
            action="change",
            obj=case,
            case_id=case.pk,
            detail={"owner": [str(old), str(new_owner.pk)]},
        )
    return case


# --------------------------------------------------------------------------- approvals


def approval_decide(*, actor: User, approval_id, approve: bool, comment: str = "") -> Approval:
    """A supervisor approves or returns an assessment, case plan, closure or override."""
    _require(actor, "approve")
    if not approve and not comment.strip():
        raise ValidationError({"comment": [_("Say what needs to change.")]})
    with transaction.atomic():
        ap = (
            Approval.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=approval_id)
            .first()
        )
        if ap is None:
            raise PermissionDenied(_("You may not decide this approval."))
        if ap.state != c.ApprovalState.PENDING:
            raise ValidationError(_("This was already decided."))
        if ap.requested_by_id == actor.pk:
            raise ValidationError(_("Someone else must approve what you submitted."))
        case = Case.objects.select_for_update().system("approval").get(pk=ap.case_id)
        state = c.ApprovalState.APPROVED if approve else c.ApprovalState.REJECTED
        ap.state = state
        ap.decided_by = actor
        ap.decided_at = timezone.now()
        ap.comment = comment
        ap.save()
        sop = SopProfile.current()
        if ap.subject == Approval.Subject.ASSESSMENT:
            a = case.assessments.get(pk=ap.subject_id)
            if approve:
                _assessment_approved(case, a, sop)
            else:
                a.state = state
                a.save(update_fields=["state", "updated_at"])
        elif ap.subject == Approval.Subject.CASE_PLAN:
            plan = case.plans.get(pk=ap.subject_id)
            if approve:
                _plan_approved(case, plan, sop)
            else:
                plan.state = state
                plan.save(update_fields=["state", "updated_at"])
        elif ap.subject == Approval.Subject.CLOSURE:
            if approve:
                _case_closed(case)
            else:
                case.stage = _stage_after_closure_rejected(case)
                case.closure_reason = ""
                case.save(update_fields=["stage", "closure_reason", "updated_at"])
        elif ap.subject == Approval.Subject.CONSENT_OVERRIDE:
            consent = case.consents.get(pk=ap.subject_id)
            consent.override_state = state
            consent.save(update_fields=["override_state", "updated_at"])
            hooks.notify_case_changed(case.pk, "consent")
        elif ap.subject in hooks.approval_handlers:
            hooks.approval_handlers[ap.subject](case, ap, approve)
        case_refresh_deadlines(case)
        audit.record(
            actor=actor,
            action="approve" if approve else "reject",
            obj=ap,
            case_id=case.pk,
            detail={"subject": ap.subject},
        )
    return ap

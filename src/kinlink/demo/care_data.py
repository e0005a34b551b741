"""Demo data of services, referrals, alternative care and alerts: one situation of every alert
kind, made through the services (dates moved into the past afterwards, as the case demo does),
for the main demo office so that the demo supervisor's alert board shows each of them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role
from kinlink.alerts import engine
from kinlink.alerts.models import Alert
from kinlink.care import bip
from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.care.models import BestInterestsProcess, CareProvider
from kinlink.cases import choices as c
from kinlink.cases import services as cs
from kinlink.cases.models import Case
from kinlink.core.models import SopProfile
from kinlink.referrals import services as rs
from kinlink.referrals.models import Referral, ServicePoint

SERVICE_POINTS = [
    ("Psychosocial support centre", "Red Crescent", "psychosocial", "Almaty", "ru,kk,en"),
    ("City children's polyclinic №5", "City health department", "health", "Almaty", "ru,kk"),
    ("School №12 catch-up classes", "Education department", "education", "Almaty", "ru,kk"),
    ("Legal aid desk", "Lawyers' association", "legal_aid", "Almaty", "ru,en,fa"),
    ("Civil registry office", "Ministry of Justice", "birth_registration", "Almaty", "ru,kk"),
]


def _people(builder):
    from .agencies import MAIN

    users = list(builder.users.values()) if hasattr(builder, "users") else list(User.objects.all())
    main = [u for u in users if u.agency_id and u.agency.code == MAIN and u.office_id]
    main = main or [u for u in users if u.agency_id and u.office_id]
    supervisors = {u.office_id: u for u in main if u.role == Role.SUPERVISOR}
    worker = next(u for u in main if u.role == Role.CASEWORKER and u.office_id in supervisors)
    provider = next((u for u in users if u.role == Role.SERVICE_PROVIDER), None)
    return worker, supervisors[worker.office_id], provider


def _child(worker, given, family, years, days=0, status=c.ProtectionStatus.UNACCOMPANIED, **extra):
    today = timezone.localdate()
    dob = today.replace(year=today.year - years) - timedelta(days=days)
    child = cs.ChildInput(
        given_name=given,
        family_name=family,
        sex=c.Sex.FEMALE,
        protection_status=status,
        date_of_birth=dob,
        nationalities=["AF"],
        languages=["fa", "ru"],
        **extra,
    )
    return cs.child_register(actor=worker, child=child, case=cs.CaseInput(risk_level="medium"))


def _placement(worker, supervisor, case, care_type, days_ago=0, **extra):
    start = timezone.localdate() - timedelta(days=days_ago)
    p = care.placement_propose(
        actor=worker,
        case_id=case.pk,
        data=care.PlacementInput(
            care_type=care_type,
            start_on=start,
            reason=extra.pop("reason", k.PlacementReason.NO_CAREGIVER),
            **extra,
        ),
    )
    if p.status == k.PlacementStatus.PROPOSED:
        care.gatekeeping_decide(
            actor=supervisor,
            case_id=case.pk,
            placement_id=p.pk,
            data=care.GatekeepingInput(
                deciding_body=k.DecidingBody.COMMISSION,
                decided_on=start,
                decision=k.Decision.APPROVED,
                assessment_summary="No relative able to care at present.",
                rationale="Family-based options were not available.",
                alternatives=[k.Alternative.KINSHIP, k.Alternative.FOSTER],
                residential_justification="Medical needs; short stay.",
            ),
        )
        p = care.placement_start(actor=worker, case_id=case.pk, placement_id=p.pk)
    return p


NEW_ARRIVALS = ["Omid", "Parisa", "Reza", "Shirin", "Tahmina", "Yusuf", "Zainab", "Nasrin"]


def _over_caseload(worker) -> None:
    """Rule 11: give the caseworker one case more than the SOP's limit, if they have fewer."""
    limit = SopProfile.current().caseload_limit
    have = Case.objects.system("demo").filter(owner=worker, status=c.CaseStatus.OPEN).count()
    for i in range(max(0, limit + 1 - have)):
        given = NEW_ARRIVALS[i % len(NEW_ARRIVALS)]
        _child(worker, given, "Karimi", 6 + i % 10, status=c.ProtectionStatus.ACCOMPANIED)


def _guardian(worker, case):
    care.guardian_appoint(
        actor=worker,
        case_id=case.pk,
        guardian_name="Guardianship officer",
        authority="Guardianship authority",
        appointed_on=timezone.localdate(),
    )


def load(builder) -> int:
    worker, supervisor, provider_user = _people(builder)
    country = worker.agency.country
    for name, provider, kind, city, langs in SERVICE_POINTS:
        ServicePoint.objects.create(
            name=name,
            provider=provider,
            service_type=kind,
            country=country,
            admin1=city,
            admin2=city,
            languages=langs.split(","),
            hours="Mon–Fri 9–18",
        )
        if provider_user is not None:
            ServicePoint.objects.get(name=name).users.add(provider_user)
    CareProvider.objects.create(
        name="Baby home №1",
        agency=worker.agency,
        care_type=k.CareType.RESIDENTIAL_INSTITUTION,
        capacity=60,
        accepts_under3=True,
        licence="L-001",
        location="Almaty",
    )
    CareProvider.objects.create(
        name="Foster care service",
        agency=worker.agency,
        care_type=k.CareType.FOSTER,
        capacity=25,
        location="Almaty",
    )
    touched: list[Case] = []

    # rule 40: an unaccompanied child without a guardian (and the case-workflow deadlines)
    touched.append(_child(worker, "Mariam", "Ahmadi", 15))
    # rule 34: a baby placed in residential care today (emergency), not reviewed yet
    baby = _child(worker, "Zahra", "Rahimi", 1, 40)
    _guardian(worker, baby)
    _placement(worker, supervisor, baby, k.CareType.RESIDENTIAL_INSTITUTION, emergency=True)
    touched.append(baby)
    # rule 34 again: a child of 2 in residential care for 200 days
    long_stay = _child(worker, "Fatima", "Karimi", 2, 10)
    _guardian(worker, long_stay)
    _placement(
        worker,
        supervisor,
        long_stay,
        k.CareType.RESIDENTIAL_INSTITUTION,
        days_ago=200,
        emergency=True,
    )
    touched.append(long_stay)
    # rule 35 and 37: foster care started 100 days ago, never reviewed, siblings apart
    foster = _child(worker, "Sara", "Hosseini", 9)
    _guardian(worker, foster)
    _placement(
        worker, supervisor, foster, k.CareType.FOSTER, days_ago=100, siblings=k.Siblings.APART
    )
    touched.append(foster)
    # rule 38: a child recorded in immigration detention
    held = _child(worker, "Nilufar", "Sultani", 12)
    _guardian(worker, held)
    _placement(worker, supervisor, held, k.CareType.DETENTION, place="Closed reception centre")
    touched.append(held)
    # rule 32: a BID whose review date has passed
    bid_case = _child(worker, "Hawa", "Nazari", 16)
    _guardian(worker, bid_case)
    b = bip.bip_start(
        actor=supervisor,
        case_id=bid_case.pk,
        kind=k.BipKind.BID,
        trigger=k.BipTrigger.DURABLE_SOLUTION,
    )
    for name in ("UNHCR protection officer", "Child protection specialist", "Psychologist"):
        bip.bid_panel_add(
            actor=supervisor,
            case_id=bid_case.pk,
            process_id=b.pk,
            name=name,
            confidentiality_signed=True,
        )
    bip.bid_decide(
        actor=supervisor,
        case_id=bid_case.pk,
        process_id=b.pk,
        data=bip.BidDecision(
            child_views="Wants to stay in school here",
            decision="Local integration",
            reasons="Settled, no family traced",
            review_on=timezone.localdate() + timedelta(1),
        ),
    )
    BestInterestsProcess.objects.system("demo").filter(pk=b.pk).update(
        review_on=timezone.localdate() - timedelta(days=20)
    )
    touched.append(bid_case)
    # rules 6 and 7: a referral past its timeframe and one without news for three weeks
    ref_case = _child(worker, "Amina", "Jafari", 13)
    _guardian(worker, ref_case)
    points = {p.service_type: p for p in ServicePoint.objects.all()}
    late = rs.referral_create(
        actor=worker,
        case_id=ref_case.pk,
        data=rs.ReferralInput(
            service_type="health", timeframe="1d", service_point_id=points["health"].pk
        ),
    )
    stale = rs.referral_create(
        actor=worker,
        case_id=ref_case.pk,
        data=rs.ReferralInput(
            service_type="legal_aid", timeframe="3d", service_point_id=points["legal_aid"].pk
        ),
    )
    rs.referral_update(actor=worker, referral_id=stale.pk, status="accepted")
    if "education" in points:  # a barrier to services, as the statistics count them
        school = rs.referral_create(
            actor=worker,
            case_id=ref_case.pk,
            data=rs.ReferralInput(
                service_type="education", timeframe="3d", service_point_id=points["education"].pk
            ),
        )
        rs.referral_update(
            actor=worker,
            referral_id=school.pk,
            status="rejected",
            reason="The school asks for a birth certificate the child does not have.",
            barrier="documents",
        )
    past = timezone.now() - timedelta(days=21)
    Referral.objects.system("demo").filter(pk=late.pk).update(due_at=past + timedelta(days=18))
    Referral.objects.system("demo").filter(pk=stale.pk).update(status_changed_at=past)
    touched.append(ref_case)

    # statelessness (rule 101, a Kinlink addition): no birth registration, no referral yet
    undocumented = _child(worker, "Layla", "Sadat", 7, birth_registration="not_registered")
    _guardian(worker, undocumented)
    touched.append(undocumented)
    # rule 11: the caseworker above the caseload limit (the main demo's caseworker already
    # is; a smaller world gets a few more newly registered cases)
    _over_caseload(worker)

    engine.evaluate_all()
    # The demo's alerts are not mailed (the notification runs after the commit).
    Alert.objects.system("demo").filter(notified_at__isnull=True).update(notified_at=timezone.now())
    if hasattr(builder, "say"):
        builder.say(
            f"  care and alerts: {len(touched)} cases, "
            f"{Alert.objects.system('demo count').filter(cleared_at=None).count()} alerts"
        )
    return len(touched)

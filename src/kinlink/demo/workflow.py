"""One demo case: register the child, then walk the case through the services to the point its
scenario asks for, and move the timestamps into the past so deadlines fall as in a real office."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from kinlink.cases import choices as c
from kinlink.cases import rules
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Assessment, Case, CasePlan, FollowUp, Note

from . import texts
from .agencies import CITIES

if TYPE_CHECKING:
    from .loader import ChildPlan, _Builder

REASON = "demo data"
OVERRIDE_REASON = "No parent or caregiver reachable; tracing and care cannot wait."
P = c.ProtectionStatus

# Workflow scenarios: the point each demo case has reached, with how common it is.
SCENARIOS: dict[str, float] = {
    "registered_new": 1.5,
    "registered_overdue": 1.5,
    "initial_pending": 1.5,
    "initial_returned": 0.5,
    "comprehensive_due": 2.0,
    "comprehensive_pending": 1.0,
    "plan_due": 1.5,
    "plan_draft": 0.5,
    "plan_pending": 1.0,
    "implementation": 2.0,
    "follow_up": 3.0,
    "closure_pending": 1.0,
    "closed": 2.5,
    "reopened": 0.5,
}
# How long ago (days) each scenario's child was identified: (min, max).
AGE_OF_CASE = {
    "registered_new": (0.05, 0.8),
    "registered_overdue": (3, 7),
    "initial_pending": (0.5, 3),
    "initial_returned": (2, 6),
    "comprehensive_due": (4, 30),
    "comprehensive_pending": (10, 25),
    "plan_due": (14, 40),
    "plan_draft": (18, 40),
    "plan_pending": (20, 45),
    "implementation": (28, 70),
    "follow_up": (60, 220),
    "closure_pending": (90, 260),
    "closed": (120, 420),
    "reopened": (150, 400),
}


class CaseRun:
    """Registers one child and walks the case to its scenario, then back-dates the timeline."""

    def __init__(self, b: _Builder, plan: ChildPlan):
        self.b = b
        self.p = plan
        self.rng = b.rng
        self.sop = b.sop
        self.owner = plan.owner
        key = (plan.agency_spec.code, plan.office_spec.code)
        self.supervisor = b.supervisor_for(key, plan.owner)
        lo, hi = AGE_OF_CASE[plan.scenario]
        self.t0 = b.now - timedelta(days=self.rng.uniform(lo, hi))
        dob = plan.child.date_of_birth
        if dob and self.t0.date() < dob + timedelta(days=20):  # babies: not before birth
            born = timezone.make_aware(datetime.combine(dob, datetime.min.time()))
            self.t0 = min(born + timedelta(days=20 + self.rng.uniform(0, 10)), b.now)
        self.lang = {
            "KZ": "ru",
            "UZ": self.rng.choice(["ru", "uz"]),
            "UA": "uk",
            "PL": "pl",
            "IT": "it",
        }.get(plan.agency_spec.country, "en")
        if plan.owner.language == "en" and plan.owner.username == "caseworker":
            self.lang = self.rng.choice(["en", "ru"])
        self.case: Case | None = None

    def at(self, days: float) -> datetime:
        """T0 + days, never in the future."""
        return min(self.t0 + timedelta(days=days), self.b.now - timedelta(minutes=5))

    def q(self, model):
        return model.objects.system(REASON)

    # ----------------------------------------------------------------- steps

    def run(self) -> None:
        sc = self.p.scenario
        self.register()
        self.consents()
        if sc in ("registered_new", "registered_overdue"):
            return self.finish()
        self.initial(submit_day=self.rng.uniform(0.3, 1.5))
        if sc == "initial_pending":
            return self.finish()
        if sc == "initial_returned":
            self.decide(
                "assessment",
                self.initial_pk,
                approve=False,
                day=self.rng.uniform(1, 2),
                comment="Please add the child's own views and the family contacts.",
            )
            return self.finish()
        self.decide("assessment", self.initial_pk, approve=True, day=self.days_done + 0.3)
        if self.rng.random() < 0.4:
            self.note(self.days_done + 0.5)
        # Some cases close early: the family moved or declined services.
        if sc == "closed" and self.rng.random() < 0.25:
            return self.close(
                self.rng.choice(["relocated_lost_contact", "declined_services", "transferred"]),
                early=True,
            )
        if sc == "comprehensive_due":
            if self.rng.random() < 0.5:
                self.comprehensive(submit=False)
            return self.finish()
        self.comprehensive(submit=True)
        if sc == "comprehensive_pending":
            return self.finish()
        self.decide("assessment", self.comp_pk, approve=True, day=self.days_done + 1)
        if sc == "plan_due":
            return self.finish()
        self.plan(submit=sc != "plan_draft")
        if sc in ("plan_draft", "plan_pending"):
            return self.finish()
        self.decide("case_plan", self.plan_pk, approve=True, day=self.days_done + 1)
        if self.rng.random() < 0.6:
            self.note(self.days_done + 2)
        if sc == "implementation":
            return self.finish()
        self.visits()
        if sc == "follow_up":
            return self.finish()
        reason = self.rng.choice(
            [
                "reunified_stable",
                "goals_met",
                "goals_met",
                "turned_18",
                "repatriated",
                "transferred",
                "other",
            ]
        )
        if reason == "turned_18" and (self.case.child.age_on(self.b.today) or 0) < 17:
            reason = "goals_met"
        self.close(reason)

    def register(self) -> None:
        p = self.p
        sit = p.situation
        risk = {
            P.UNACCOMPANIED: c.RiskLevel.HIGH,
            P.SEPARATED: self.rng.choice([c.RiskLevel.HIGH, c.RiskLevel.MEDIUM]),
            P.LEFT_BEHIND: self.rng.choice([c.RiskLevel.MEDIUM, c.RiskLevel.LOW]),
        }.get(
            sit["protection"],
            self.rng.choice([c.RiskLevel.MEDIUM, c.RiskLevel.LOW, c.RiskLevel.NOT_ASSESSED]),
        )
        source = {
            P.UNACCOMPANIED: [
                c.IdentificationSource.BORDER,
                c.IdentificationSource.RECEPTION,
                c.IdentificationSource.OUTREACH,
            ],
            P.SEPARATED: [
                c.IdentificationSource.RECEPTION,
                c.IdentificationSource.AGENCY,
                c.IdentificationSource.BORDER,
            ],
            P.LEFT_BEHIND: [
                c.IdentificationSource.SCHOOL,
                c.IdentificationSource.HEALTH,
                c.IdentificationSource.SELF,
            ],
        }.get(
            sit["protection"],
            [
                c.IdentificationSource.SCHOOL,
                c.IdentificationSource.SELF,
                c.IdentificationSource.OUTREACH,
                c.IdentificationSource.HEALTH,
            ],
        )
        separation_date = separation_place = None
        if sit["protection"] in (P.UNACCOMPANIED, P.SEPARATED):
            separation_date = (self.t0 - timedelta(days=self.rng.randint(3, 120))).date()
            where = p.origin if p.origin and self.rng.random() < 0.6 else p.agency_spec.country
            separation_place = self.rng.choice(CITIES.get(where, ("—",)))
        data = cs.CaseInput(
            risk_level=risk,
            identified_at=self.t0,
            identification_source=self.rng.choice(source),
            registration_place=p.office.city,
            separation_date=separation_date,
            separation_place=separation_place or "",
            protection_concerns=self.rng.choice(texts.CONCERNS[sit["protection"]]),
            urgent_needs=self.rng.choice(texts.URGENT_NEEDS),
            summary="",
            owner=p.owner if p.registrar != p.owner else None,
        )
        self.risk = risk
        self.proposed: dict = {}
        self.case = cs.child_register(
            actor=p.registrar, child=p.child, case=data, family=p.family, documents=p.documents
        )
        registered = min(
            self.t0 + timedelta(hours=self.rng.uniform(0.5, 6)), self.b.now - timedelta(minutes=2)
        )
        self.q(Case).filter(pk=self.case.pk).update(
            registered_at=registered, assigned_at=registered, created_at=registered
        )
        self.initial_pk = (
            self.q(Assessment).filter(case=self.case).values_list("pk", flat=True).get()
        )
        self.q(Assessment).filter(pk=self.initial_pk).update(created_at=registered)
        self.days_done = 0.0

    def consents(self) -> None:
        p, rng = self.p, self.rng
        given_on = self.t0.date()
        age = self.case.child.age_on(given_on)
        caregiver = next((f for f in p.family if f.is_caregiver), None)
        cross = p.situation["protection"] in (P.UNACCOMPANIED, P.SEPARATED)
        share = [c.ShareWith.SERVICE_PROVIDERS, c.ShareWith.AUTHORITIES]
        if cross:
            share.append(c.ShareWith.CROSS_BORDER)
        common = dict(
            given_on=given_on,
            for_services=True,
            for_tracing=cross or rng.random() < 0.3,
            for_reporting=rng.random() < 0.85,
            for_photo=rng.random() < 0.3,
            share_with=share,
        )
        out: list[cs.ConsentInput] = []
        if caregiver and (
            age is None or age < self.sop.child_consent_from_age or rng.random() < 0.4
        ):
            rel = {"mother": c.ConsentGiver.CAREGIVER}.get(
                caregiver.relationship, c.ConsentGiver.CAREGIVER
            )
            extra = {}
            if p.situation["protection"] == P.NONE and rng.random() < 0.3:
                extra = dict(
                    withhold_from="Stepfather",
                    withhold_reason="The child fears what he would do if he knew.",
                )
            out.append(
                cs.ConsentInput(
                    given_by=rel,
                    kind=c.ConsentKind.CONSENT,
                    given_by_name=f"{caregiver.given_name} {caregiver.family_name}".strip(),
                    **common,
                    **extra,
                )
            )
        elif age is not None and age < self.sop.child_consent_from_age:
            basis = (
                c.OverrideBasis.VITAL_INTEREST
                if rng.random() < 0.2
                else c.OverrideBasis.BEST_INTERESTS
            )
            out.append(
                cs.ConsentInput(
                    given_by=c.ConsentGiver.CASEWORKER,
                    kind=c.ConsentKind.CONSENT,
                    given_by_name=self.owner.get_full_name(),
                    override_basis=basis,
                    override_reason=OVERRIDE_REASON,
                    **common,
                )
            )
        if age is not None and age >= self.sop.assent_from_age:
            kind = (
                c.ConsentKind.ASSENT
                if age < self.sop.joint_consent_from_age
                else c.ConsentKind.CONSENT
            )
            out.append(
                cs.ConsentInput(
                    given_by=c.ConsentGiver.CHILD,
                    kind=kind,
                    given_by_name=p.child.given_name,
                    **common,
                )
            )
        for data in out:
            consent = cs.consent_record(actor=self.owner, case_id=self.case.pk, data=data)
            if data.override_basis:
                when = self.at(0.2)
                ap = self.q(Approval).filter(case=self.case, subject_id=consent.pk)
                ap.update(created_at=when)
                # Most overrides were approved; some still wait for the supervisor.
                if p.scenario not in ("registered_new", "initial_pending") and rng.random() < 0.75:
                    self.decide("consent_override", consent.pk, approve=True, day=0.6)

    def _approval(self, subject: str, subject_id) -> Approval:
        return (
            self.q(Approval)
            .filter(
                case=self.case,
                subject=subject,
                subject_id=subject_id,
                state=c.ApprovalState.PENDING,
            )
            .get()
        )

    def decide(
        self, subject, subject_id, approve: bool, day: float, comment: str = "", revision=False
    ) -> None:
        ap = self._approval(subject, subject_id)
        when = self.at(day)
        cs.approval_decide(
            actor=self.supervisor, approval_id=ap.pk, approve=approve, comment=comment
        )
        self.q(Approval).filter(pk=ap.pk).update(decided_at=when)
        if subject == "assessment" and approve:
            self.risk = self.proposed[subject_id]  # the approval set the case's risk level
        risk = self.risk
        if subject == "assessment" and approve:
            self.q(Assessment).filter(pk=subject_id).update(completed_at=when)
            if subject_id == self.initial_pk:
                comp = self.q(Assessment).filter(
                    case=self.case, kind=c.AssessmentKind.COMPREHENSIVE
                )
                self.comp_pk = comp.values_list("pk", flat=True).get()
                comp.update(
                    created_at=when, due_at=rules.comprehensive_assessment_due(self.sop, when, risk)
                )
        elif subject == "case_plan" and approve:
            self.q(CasePlan).filter(pk=subject_id).update(
                approved_at=when, review_due_at=rules.plan_review_due(self.sop, when, risk)
            )
            self.plan_day = day
            if not revision:
                self.q(FollowUp).filter(case=self.case, done_on__isnull=True).update(
                    created_at=when,
                    due_on=(when + rules.followup_interval(self.sop, risk)).date(),
                )
        elif subject == "closure" and approve:
            self.q(Case).filter(pk=self.case.pk).update(closed_at=when)
        self.days_done = max(self.days_done, day)

    def _assess(self, pk, day: float, submit: bool, domains: int) -> None:
        rng = self.rng
        keys = rng.sample(list(texts.FINDINGS), domains)
        findings = {k: rng.choice(texts.FINDINGS[k]) for k in keys}
        risk = {
            P.UNACCOMPANIED: [c.RiskLevel.HIGH, c.RiskLevel.HIGH, c.RiskLevel.MEDIUM],
            P.LEFT_BEHIND: [c.RiskLevel.MEDIUM, c.RiskLevel.LOW, c.RiskLevel.LOW],
        }.get(
            self.p.situation["protection"], [c.RiskLevel.HIGH, c.RiskLevel.MEDIUM, c.RiskLevel.LOW]
        )
        cs.assessment_save(
            actor=self.owner,
            case_id=self.case.pk,
            assessment_id=pk,
            findings=findings,
            child_views=rng.choice(texts.CHILD_VIEWS),
            proposed_risk_level=self.proposed.setdefault(pk, rng.choice(risk)),
        )
        if submit:
            cs.assessment_submit(actor=self.owner, case_id=self.case.pk, assessment_id=pk)
            self.q(Approval).filter(
                case=self.case, subject_id=pk, state=c.ApprovalState.PENDING
            ).update(created_at=self.at(day))
        self.days_done = day

    def initial(self, submit_day: float) -> None:
        self._assess(self.initial_pk, submit_day, submit=True, domains=3)

    def comprehensive(self, submit: bool) -> None:
        # Submitted a little before or after its due date.
        due = self.q(Assessment).filter(pk=self.comp_pk).values_list("due_at", flat=True).get()
        target = (due - self.t0).total_seconds() / 86400 + self.rng.uniform(-8, 3)
        day = max(self.days_done + 1, target)
        self._assess(self.comp_pk, day, submit=submit, domains=self.rng.randint(4, 7))

    def plan(self, submit: bool, day: float | None = None) -> None:
        rng = self.rng
        options = texts.GOALS[self.p.situation["protection"]] + texts.COMMON_GOALS
        chosen = rng.sample(options, min(len(options), rng.randint(2, 3)))
        day = self.days_done + rng.uniform(2, 9) if day is None else day
        when = self.at(day)
        goals = [
            cs.GoalInput(
                desc,
                domain,
                [
                    (what, who, (when + timedelta(days=rng.randint(7, 60))).date())
                    for what, who in actions
                ],
            )
            for desc, domain, actions in chosen
        ]
        plan = cs.case_plan_create(actor=self.owner, case_id=self.case.pk, goals=goals)
        self.plan_pk = plan.pk
        self.q(CasePlan).filter(pk=plan.pk).update(created_at=when)
        if submit:
            cs.case_plan_submit(actor=self.owner, case_id=self.case.pk, plan_id=plan.pk)
            self.q(Approval).filter(
                case=self.case, subject_id=plan.pk, state=c.ApprovalState.PENDING
            ).update(created_at=when)
        self.days_done = day

    def visits(self) -> None:
        """Monitoring visits from the plan's approval until recently (or until they stopped)."""
        rng = self.rng
        risk = self.risk
        interval = rules.followup_interval(self.sop, risk).days
        day = self.days_done
        # Some caseworkers fell behind: the last visit was long ago, the next one is overdue.
        behind = rng.random() < 0.35
        end = (self.b.now - self.t0).days - (
            interval + rng.randint(3, 25) if behind else rng.randint(0, interval - 1)
        )
        if self.p.scenario in ("closure_pending", "closed", "reopened"):
            end = min(end, day + rng.randint(2, 5) * interval)
        review = (
            self.sop.case_plan_review_days_high
            if risk == c.RiskLevel.HIGH
            else self.sop.case_plan_review_days_other
        )
        # At most five visits; on long cases they were further apart than the SOP asks.
        count = max(1, min(5, int((end - day) // interval)))
        step = max(interval, (end - day) / count) if end > day else interval
        revisions = 0
        for _i in range(count):
            day = day + max(1.0, step + rng.uniform(-2, 2))
            done_on = min(self.at(day).date(), self.b.today)
            seen = rng.random() < 0.85
            cs.followup_record(
                actor=self.owner,
                case_id=self.case.pk,
                done_on=done_on,
                child_seen=seen,
                notes=rng.choice(texts.VISIT_NOTES) if seen else "",
                reason_not_seen="" if seen else rng.choice(texts.NOT_SEEN),
                recommend_closure=False,
            )
            # The case plan is reviewed (a new version approved) when its review falls due.
            if day >= self.plan_day + review - 5 and revisions < 1 and rng.random() < 0.85:
                self.plan(submit=True, day=day + 0.2)
                self.decide("case_plan", self.plan_pk, approve=True, day=day + 1, revision=True)
                revisions += 1
        self.days_done = day
        if rng.random() < 0.3:
            self.note(day)

    def close(self, reason: str, early: bool = False) -> None:
        day = self.days_done + self.rng.uniform(1, 10)
        cs.case_request_closure(
            actor=self.owner, case_id=self.case.pk, reason=reason, note=texts.CLOSURE_NOTES[reason]
        )
        self.q(Approval).filter(
            case=self.case, subject=Approval.Subject.CLOSURE, state=c.ApprovalState.PENDING
        ).update(created_at=self.at(day))
        if self.p.scenario == "closure_pending":
            return self.finish()
        self.decide("closure", self.case.pk, approve=True, day=day + self.rng.uniform(0.5, 4))
        if self.p.scenario == "reopened":
            when = self.at(self.days_done + self.rng.uniform(20, 60))
            cs.case_reopen(
                actor=self.supervisor,
                case_id=self.case.pk,
                reason="The child was found living on the street again.",
            )
            risk = self.risk
            self.q(FollowUp).filter(case=self.case, done_on__isnull=True).update(
                due_on=(when + rules.followup_interval(self.sop, risk)).date()
            )
        self.finish()

    def note(self, day: float) -> None:
        body = self.rng.choice(texts.NOTES[self.lang])
        note = cs.note_add(actor=self.owner, case_id=self.case.pk, body=body)
        self.q(Note).filter(pk=note.pk).update(created_at=self.at(day))

    def finish(self) -> None:
        case = self.q(Case).get(pk=self.case.pk)
        cs.case_refresh_deadlines(case)

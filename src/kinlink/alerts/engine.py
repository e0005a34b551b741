"""The alert engine: runs every rule evaluator on a case, opens alerts for what it finds and
clears the alerts whose situation is gone. Called on commit after every relevant change
(``schedule``), from the case workflow's ``case_changed`` hook, and by a periodic job
(``evaluate_all``) so that deadlines passing with no change are caught too."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from kinlink.cases import choices as c
from kinlink.cases.models import Case
from kinlink.core import audit
from kinlink.core.models import SopProfile

from .kinds import KINDS, Finding
from .models import SEVERITY_RANK, Alert

log = logging.getLogger(__name__)


def evaluators():
    """Each takes (case, sop, now) and returns findings. Imported late: they import models."""
    from kinlink.care import rules as care_rules
    from kinlink.exchange import rules as exchange_rules
    from kinlink.referrals import rules as referral_rules

    from . import case_rules

    return [
        case_rules.findings,
        care_rules.findings,
        referral_rules.findings,
        exchange_rules.findings,
    ]


def schedule(case_id) -> None:
    """Re-evaluate a case once the current transaction has committed."""
    transaction.on_commit(lambda: evaluate_case(case_id))


def on_case_changed(case_id, what: str) -> None:
    """kinlink.cases.hooks.case_changed: registration, child data, consent, status, owner.
    The owner's caseload (rule 11) is re-counted too."""
    evaluate_case(case_id)
    evaluate_people(_people_for_case(case_id))


def case_findings(case: Case, sop: SopProfile, now) -> list[Finding]:
    if case.status != c.CaseStatus.OPEN:
        return []
    found: dict[str, Finding] = {}
    for evaluate in evaluators():
        for f in evaluate(case, sop, now):
            found[f.key] = f
    return list(found.values())


def _sync(current: dict[str, Alert], findings: dict[str, Finding], now, **owner) -> dict:
    """Clear the open alerts (``current``, by key) that nothing finds any more, raise the new
    findings and re-grade the rest. ``owner`` is ``case=`` or ``subject_user=``."""
    case = owner.get("case")
    case_id = case.pk if case is not None else None
    raised: list[Alert] = []
    counts = {"raised": 0, "cleared": 0}
    for key, alert in current.items():
        if key not in findings:
            alert.cleared_at = now
            alert.save(update_fields=["cleared_at", "updated_at"])
            counts["cleared"] += 1
            audit.record(
                actor=None,
                action="change",
                obj=alert,
                case_id=case_id,
                detail={"cleared": alert.kind},
            )
    for key, f in findings.items():
        alert = current.get(key)
        severity = f.effective_severity
        if alert is not None:
            if alert.severity != severity:
                escalated = SEVERITY_RANK[severity] < SEVERITY_RANK[alert.severity]
                alert.severity = severity
                alert.save(update_fields=["severity", "updated_at"])
                if escalated:
                    raised.append(alert)
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    **owner,
                    rule=KINDS[f.kind].rule,
                    kind=f.kind,
                    severity=severity,
                    key=key,
                    subject_type=f.subject_type,
                    subject_id=f.subject_id,
                    since=f.since,
                    raised_at=now,
                    fix_url=f.fix_url,
                )
        except IntegrityError:  # raised meanwhile by another worker
            continue
        counts["raised"] += 1
        audit.record(
            actor=None,
            action="create",
            obj=alert,
            case_id=case_id,
            detail={"kind": alert.kind, "rule": alert.rule},
        )
        raised.append(alert)
    if raised:
        from .notify import notify

        ids = [a.pk for a in raised]
        transaction.on_commit(lambda: notify(ids))
    return counts


def evaluate_case(case_id, *, sop: SopProfile | None = None, now=None) -> dict[str, int]:
    """Bring the case's open alerts in line with what the rules find now."""
    sop = sop or SopProfile.current()
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.system("alert rules").select_for_update().filter(pk=case_id).first()
        if case is None:
            return {"raised": 0, "cleared": 0}
        case = (
            Case.objects.system("alert rules")
            .select_related("child", "office", "agency")
            .get(pk=case_id)
        )
        findings = {f.key: f for f in case_findings(case, sop, now)}
        current = {
            a.key: a
            for a in Alert.objects.system("alert rules").filter(case=case, cleared_at__isnull=True)
        }
        return _sync(current, findings, now, case=case)


def evaluate_people(user_ids=None, *, sop: SopProfile | None = None, now=None) -> dict[str, int]:
    """Rules about a person rather than a case (rule 11, caseload) for the given users, or
    for everyone who owns an open case or has an open alert about them."""
    from . import people_rules

    sop = sop or SopProfile.current()
    now = now or timezone.now()
    total = {"raised": 0, "cleared": 0}
    with transaction.atomic():
        open_alerts = Alert.objects.system("alert rules").filter(
            case__isnull=True, subject_user__isnull=False, cleared_at__isnull=True
        )
        if user_ids is not None:
            open_alerts = open_alerts.filter(subject_user_id__in=list(user_ids))
        current: dict[object, dict[str, Alert]] = {}
        for a in open_alerts.select_for_update():
            current.setdefault(a.subject_user_id, {})[a.key] = a
        found = people_rules.findings(user_ids, sop, now)
        for user_id in set(current) | set(found):
            got = _sync(
                current.get(user_id, {}),
                {f.key: f for f in found.get(user_id, [])},
                now,
                subject_user_id=user_id,
            )
            total["raised"] += got["raised"]
            total["cleared"] += got["cleared"]
    return total


def _people_for_case(case_id) -> set:
    """Whose caseload a change of this case may have moved: its owner, and everyone of its
    agency who has an open caseload alert (a reassignment lowers the old owner's)."""
    case = Case.objects.system("alert rules").filter(pk=case_id).values("owner_id", "agency_id")
    row = case.first()
    if row is None:
        return set()
    ids = set(
        Alert.objects.system("alert rules")
        .filter(
            case__isnull=True,
            cleared_at__isnull=True,
            subject_user__agency_id=row["agency_id"],
        )
        .values_list("subject_user_id", flat=True)
    )
    if row["owner_id"]:
        ids.add(row["owner_id"])
    return ids


def evaluate_node(*, sop: SopProfile | None = None, now=None) -> dict[str, int]:
    """Alerts about this node's cross-border inbox: requests with no local case yet
    (``kinlink.exchange.rules.node_findings``), seen by the coordinators."""
    from kinlink.exchange import rules as exchange_rules

    from .models import NODE_SUBJECTS

    sop = sop or SopProfile.current()
    now = now or timezone.now()
    with transaction.atomic():
        current = {
            a.key: a
            for a in Alert.objects.system("alert rules")
            .filter(
                case__isnull=True,
                subject_user__isnull=True,
                subject_type__in=NODE_SUBJECTS,
                cleared_at__isnull=True,
            )
            .select_for_update()
        }
        found = {f.key: f for f in exchange_rules.node_findings(sop, now)}
        return _sync(current, found, now)


def schedule_node() -> None:
    transaction.on_commit(lambda: evaluate_node())


def evaluate_all(now=None) -> dict[str, int]:
    """Every open case, every case that still has open alerts (closed since), and every
    person's caseload."""
    sop = SopProfile.current()
    ids = set(
        Case.objects.system("periodic alert rules")
        .filter(status=c.CaseStatus.OPEN)
        .values_list("pk", flat=True)
    )
    ids |= set(
        Alert.objects.system("periodic alert rules")
        .filter(cleared_at__isnull=True)
        .values_list("case_id", flat=True)
    )
    ids.discard(None)
    total = {"raised": 0, "cleared": 0, "cases": 0}
    try:
        got = evaluate_people(sop=sop, now=now)
        total["raised"] += got["raised"]
        total["cleared"] += got["cleared"]
    except Exception:
        log.exception("alert evaluation of caseloads failed")
    try:
        got = evaluate_node(sop=sop, now=now)
        total["raised"] += got["raised"]
        total["cleared"] += got["cleared"]
    except Exception:
        log.exception("alert evaluation of the cross-border inbox failed")
    for case_id in ids:
        try:
            got = evaluate_case(case_id, sop=sop, now=now)
        except Exception:  # one broken case must not stop the others
            log.exception("alert evaluation failed for case %s", case_id)
            continue
        total["raised"] += got["raised"]
        total["cleared"] += got["cleared"]
        total["cases"] += 1
    return total

"""Rule 42 (Hague 1996 Art. 36): the child of a serious-danger (high-risk) case is now in
another country; a serious-danger alert to that State is due at once. Critical alert until a
danger_alert to a partner node of that country has been approved and sent."""

from __future__ import annotations

import pytest

from kinlink.alerts.models import Alert
from kinlink.cases import services as cs
from kinlink.cases.models import Approval
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest

from .conftest import remote_document

pytestmark = pytest.mark.django_db


def _due(case):
    return list(
        Alert.objects.system("t").filter(case=case, kind="xb_art36_due", cleared_at__isnull=True)
    )


def _now_in(world, case, country, capture):
    with capture(execute=True):
        cs.child_update(actor=world.alice, case_id=case.pk, changes={"current_country": country})


def _danger_alert(world, case, partner, capture, *, approve=True):
    with capture(execute=True):
        req = xs.request_draft(
            actor=world.alice,
            case_id=case.pk,
            partner_id=partner.pk,
            kind="danger_alert",
            fields=xs.request_prefill(case, "danger_alert")
            | {"danger": "Trafficking risk", "measures_taken": "Police informed"},
            purpose="Serious danger to the child",
            legal_basis="vital_interest",
            urgent=True,
        )
        xs.request_harm_check(actor=world.alice, request_id=req.pk, risk=False, note="ok")
        xs.request_submit(actor=world.alice, request_id=req.pk)
        if approve:
            ap = Approval.objects.system("t").get(subject="crossborder", state="pending")
            cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    return CrossBorderRequest.objects.system("t").get(pk=req.pk)


def test_high_risk_child_abroad_raises_a_critical_alert_until_the_danger_alert_is_sent(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    case = consented_case  # registered high risk by Alice (KZ)
    assert _due(case) == []
    _now_in(world, case, "uz", django_capture_on_commit_callbacks)
    [alert] = _due(case)
    assert alert.rule == 42 and alert.severity == "critical"
    assert f"/exchange/cases/{case.pk}/new/" in alert.fix_url and "danger_alert" in alert.fix_url
    # prepared and waiting for the supervisor: not sent yet, still due
    req = _danger_alert(world, case, remote.partner, django_capture_on_commit_callbacks,
                        approve=False)
    assert req.status == "pending_approval" and len(_due(case)) == 1
    ap = Approval.objects.system("t").get(subject="crossborder", state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    assert _due(case) == []
    assert Alert.objects.system("t").get(kind="xb_art36_due").cleared_at is not None


def test_not_due_at_home_unknown_or_below_high_risk(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    case = consented_case
    _now_in(world, case, "KZ", django_capture_on_commit_callbacks)  # the agency's own country
    assert _due(case) == []
    _now_in(world, case, "UZ", django_capture_on_commit_callbacks)
    assert len(_due(case)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        cs.case_set_risk(actor=world.alice, case_id=case.pk, risk_level="medium",
                         reason="Reassessed")
    assert _due(case) == []  # not a serious-danger case any more
    with django_capture_on_commit_callbacks(execute=True):
        cs.case_set_risk(actor=world.alice, case_id=case.pk, risk_level="high",
                         reason="Trafficking risk")
    assert len(_due(case)) == 1
    _now_in(world, case, "", django_capture_on_commit_callbacks)  # whereabouts unknown again
    assert _due(case) == []


def test_a_danger_alert_to_another_country_does_not_clear_it(
    world, consented_case, remote, django_capture_on_commit_callbacks
):
    doc, _local = remote_document("tj-node", "TJ")
    tj = xs.partner_add(actor=world.sys, document=doc)
    xs.partner_confirm(actor=world.sys, partner_id=tj.pk, fingerprint=tj.fingerprint)
    case = consented_case
    _now_in(world, case, "UZ", django_capture_on_commit_callbacks)
    _danger_alert(world, case, tj, django_capture_on_commit_callbacks)
    assert len(_due(case)) == 1
    _danger_alert(world, case, remote.partner, django_capture_on_commit_callbacks)
    assert _due(case) == []


def test_bad_country_code_is_refused_and_changes_nothing(world, consented_case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        cs.child_update(actor=world.alice, case_id=consented_case.pk,
                        changes={"current_country": "Uzbekistan"})
    assert "current_country" in exc.value.message_dict
    consented_case.child.refresh_from_db()
    assert consented_case.child.current_country == ""

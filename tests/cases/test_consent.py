"""Consent and assent by age band (DOMAIN.md rule 12), overrides and withdrawal."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kinlink.cases import choices as c
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Consent

from ..conftest import register


def _dob(age):
    today = date.today()
    return (
        today.replace(year=today.year - age)
        if not (today.month == 2 and today.day == 29)
        else date(today.year - age, 2, 28)
    )


def _consent(**kw):
    base = dict(given_by="caregiver", kind="consent", given_on=date.today(), for_services=True)
    base.update(kw)
    return cs.ConsentInput(**base)


@pytest.mark.parametrize(
    "age, given_by, kind, ok",
    [
        (4, "child", "assent", False),  # under 6: no consent or assent from the child
        (4, "caregiver", "consent", True),
        (8, "child", "assent", True),  # 6–11: assent
        (8, "child", "consent", False),  # ... but not consent
        (11, "child", "consent", False),
        (12, "child", "consent", True),  # 12–14: written consent or assent
        (16, "child", "consent", True),  # 15–17: the child consents
        (16, "caregiver", "assent", False),  # only a child assents
        (10, "caseworker", "consent", False),  # a caseworker needs a recorded basis
    ],
)
def test_age_bands(world, age, given_by, kind, ok):
    case = register(world.alice, date_of_birth=_dob(age))
    data = _consent(given_by=given_by, kind=kind)
    if ok:
        consent = cs.consent_record(actor=world.alice, case_id=case.pk, data=data)
        assert consent.child_age == age
    else:
        with pytest.raises(ValidationError):
            cs.consent_record(actor=world.alice, case_id=case.pk, data=data)
        assert not Consent.objects.system("test").filter(case=case).exists()


def test_override_needs_reason_and_supervisor_approval(world):
    case = register(world.alice, date_of_birth=_dob(9))
    with pytest.raises(ValidationError):
        cs.consent_record(
            actor=world.alice,
            case_id=case.pk,
            data=_consent(given_by="caseworker", override_basis="best_interests"),
        )
    consent = cs.consent_record(
        actor=world.alice,
        case_id=case.pk,
        data=_consent(
            given_by="caseworker",
            override_basis="best_interests",
            override_reason="Father is the alleged perpetrator",
        ),
    )
    assert consent.override_state == c.ApprovalState.PENDING
    ap = Approval.objects.system("test").get(subject="consent_override", subject_id=consent.pk)
    cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    consent.refresh_from_db()
    assert consent.override_state == c.ApprovalState.APPROVED


def test_withholding_needs_a_reason_and_sharing_targets_are_known(world):
    case = register(world.alice, date_of_birth=_dob(13))
    with pytest.raises(ValidationError):
        cs.consent_record(
            actor=world.alice, case_id=case.pk, data=_consent(withhold_from="Uncle Rustam")
        )
    with pytest.raises(ValidationError):
        cs.consent_record(
            actor=world.alice, case_id=case.pk, data=_consent(share_with=["newspapers"])
        )
    consent = cs.consent_record(
        actor=world.alice,
        case_id=case.pk,
        data=_consent(
            withhold_from="Uncle Rustam",
            withhold_reason="Fear of harm",
            share_with=["family", "service_providers"],
        ),
    )
    assert consent.share_with == ["family", "service_providers"]


def test_withdrawal_is_recorded_once(world):
    case = register(world.alice, date_of_birth=_dob(16))
    consent = cs.consent_record(
        actor=world.alice, case_id=case.pk, data=_consent(given_by="child", for_tracing=True)
    )
    cs.consent_withdraw(actor=world.alice, case_id=case.pk, consent_id=consent.pk)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    with pytest.raises(ValidationError):
        cs.consent_withdraw(actor=world.alice, case_id=case.pk, consent_id=consent.pk)


def test_consent_dated_in_future_refused(world):
    case = register(world.alice)
    with pytest.raises(ValidationError):
        cs.consent_record(
            actor=world.alice, case_id=case.pk, data=_consent(given_on=date(2099, 1, 1))
        )


def test_consent_dated_before_birth_refused(world):
    case = register(world.alice, date_of_birth=date(2015, 6, 1))
    with pytest.raises(ValidationError) as exc:
        cs.consent_record(
            actor=world.alice, case_id=case.pk, data=_consent(given_on=date(2015, 1, 1))
        )
    assert "given_on" in exc.value.message_dict
    assert case.child.age_on(date(2015, 1, 1)) is None

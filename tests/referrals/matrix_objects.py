"""A service point whose staff is Pia (in Kazakhstan: the agency administrator edits it), and
a referral of Alice's child to it."""

from __future__ import annotations

from kinlink.referrals import services as rs
from kinlink.referrals.models import ServicePoint


def build(*, world, base, capture) -> dict:
    point = ServicePoint.objects.create(
        name="Clinic 5", provider="City health", service_type="health", country="KZ"
    )
    point.users.add(world.pia)
    ref = rs.referral_create(
        actor=world.alice,
        case_id=base["case_id"],
        data=rs.ReferralInput(service_type="health", timeframe="1d", service_point_id=point.pk),
    )
    return {"referral_id": ref.pk, "point_id": point.pk, "markers": []}

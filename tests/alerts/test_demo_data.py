"""The demo module shows every alert kind of care, best interests and referrals."""

from __future__ import annotations

from types import SimpleNamespace

from kinlink.alerts.models import Alert
from kinlink.demo import care_data


def test_demo_shows_every_care_and_referral_alert_kind(world):
    """Every kind this slice defines (the exchange app's kinds are its own demo's)."""
    users = {u.username: u for u in (world.alice, world.sam, world.pia, world.max)}
    made = care_data.load(SimpleNamespace(users=users, say=lambda text: None))
    assert made == 8
    kinds = set(Alert.objects.system("t").filter(cleared_at=None).values_list("kind", flat=True))
    assert {
        "guardian_missing",
        "under3_residential",
        "under3_residential_overdue",
        "placement_review_overdue",
        "siblings_apart",
        "detention",
        "bid_review_due",
        "referral_overdue",
        "referral_stale",
        "caseload",
        "statelessness_risk",
    } <= kinds
    assert not Alert.objects.system("t").filter(notified_at=None).exists()

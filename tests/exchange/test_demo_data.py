"""The exchange demo: a partner node, outbound and inbound requests and deadline alerts."""

from __future__ import annotations

from types import SimpleNamespace

from kinlink.alerts.models import Alert
from kinlink.demo import exchange_data
from kinlink.exchange import selectors
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage, PartnerNode


def test_demo_shows_partner_requests_and_alerts(world):
    users = {u.username: u for u in (world.alice, world.sam, world.carl, world.sys)}
    made = exchange_data.load(SimpleNamespace(users=users, say=lambda text: None))
    assert made == 3
    partner = PartnerNode.objects.get(node_id=exchange_data.PARTNER_ID)
    assert partner.status == "active"
    reqs = list(CrossBorderRequest.objects.system("t").filter(partner=partner))
    assert {r.direction for r in reqs} == {"in", "out"} and len(reqs) == 4
    late = [r for r in reqs if selectors.overdue(r)]
    assert {(r.direction, tuple(selectors.overdue(r))) for r in late} == {
        ("out", ("acknowledge",)),
        ("in", ("acknowledge",)),
    }
    kinds = set(
        Alert.objects.system("t")
        .filter(cleared_at=None, kind__startswith="xb_")
        .values_list("kind", flat=True)
    )
    assert kinds == {
        "xb_partner_ack_overdue",
        "xb_restricted",
        "xb_art36_due",
        "xb_inbox_ack_overdue",
    }
    assert not Alert.objects.system("t").filter(notified_at=None).exists()
    # nothing is left for the worker to deliver to the invented partner
    assert not OutboundMessage.objects.filter(status=OutboundMessage.Status.QUEUED).exists()

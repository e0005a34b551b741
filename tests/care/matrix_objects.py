"""Objects the care URLs need in the permission matrix: on Alice's case, a proposed foster
placement, a BIA, a BID and a proposed durable solution."""

from __future__ import annotations

from django.utils import timezone

from kinlink.care import bip
from kinlink.care import choices as k
from kinlink.care import services as care


def build(*, world, base, capture) -> dict:
    case_id = base["case_id"]
    p = care.placement_propose(
        actor=world.alice,
        case_id=case_id,
        data=care.PlacementInput(
            care_type=k.CareType.FOSTER, start_on=timezone.localdate(), reason="no_caregiver"
        ),
    )
    bid = bip.bip_start(actor=world.sam, case_id=case_id, kind="bid", trigger="durable_solution")
    s = bip.solution_propose(
        actor=world.alice, case_id=case_id, data=bip.SolutionInput(kind="resettlement")
    )
    return {"placement_id": p.pk, "process_id": bid.pk, "solution_id": s.pk, "markers": []}

"""An open alert on Alice's case (an unaccompanied child without a guardian, rule 40)."""

from __future__ import annotations

from kinlink.alerts import engine
from kinlink.alerts.models import Alert

PK_FOR = {"alerts:open": "alert_pk"}


def build(*, world, base, capture) -> dict:
    engine.evaluate_case(base["case_id"])
    alert = Alert.objects.system("matrix").filter(case_id=base["case_id"]).first()
    return {"alert_pk": alert.pk, "markers": []}

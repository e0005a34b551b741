"""Rule 41 (DOMAIN.md cross-border table; Hague 1996 Art. 33): a placement of a child in foster
care, an institution, kafala or similar care in another Hague 1996 State is decided or
activated only after an Art. 33 placement consultation was sent to that State and its consent
is recorded.

Read from the exchange app (never written): an outbound ``CrossBorderRequest`` of the type
``placement_consultation`` about the case, to a partner node of the destination country, that
was sent (``sent_at``); the receiving State's consent is its "accept" response, recorded as
the request's status (accepted, and later in progress or completed) with ``responded_at``.
A declined, withdrawn or restricted consultation is no consent.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from . import choices as k

CONSULTATION = "placement_consultation"
CONSENTED = ("accepted", "in_progress", "completed")

# Contracting States of the 1996 Hague Child Protection Convention (ISO 3166 alpha-2). The
# list changes: DOMAIN.md's appendix (item 8) asks each deployment to verify the Hague 1996
# status of its partner States, and the setting KINLINK_HAGUE_1996_STATES replaces it.
# fmt: off
HAGUE_1996_STATES = frozenset({
    "AD", "AL", "AM", "AR", "AT", "AU", "BE", "BG", "CH", "CR", "CU", "CY", "CZ", "DE",
    "DK", "DO", "EC", "EE", "ES", "FI", "FJ", "FR", "GB", "GE", "GR", "HN", "HR", "HU",
    "IE", "IT", "LS", "LT", "LU", "LV", "MA", "MC", "ME", "MK", "MT", "NI", "NL", "NO",
    "PL", "PT", "PY", "RO", "RS", "RU", "SE", "SI", "SK", "TR", "UA", "UY",
})
# fmt: on


def hague_states() -> frozenset[str]:
    configured = getattr(settings, "KINLINK_HAGUE_1996_STATES", None)
    if configured is None:
        return HAGUE_1996_STATES
    return frozenset(c.upper() for c in configured)


def needs_art33(*, home_country: str, destination: str, care_type: str, formal: bool) -> bool:
    """Formal care (foster, institution, kafala and similar) in another Hague 1996 State."""
    destination = (destination or "").upper()
    if not destination or destination == (home_country or "").upper():
        return False
    if care_type == k.CareType.DETENTION or not formal:
        return False
    return destination in hague_states()


def consultation_state(case, destination: str) -> tuple[bool, bool]:
    """(an Art. 33 consultation was sent, the receiving State consented) for this case and
    destination country."""
    from kinlink.exchange.models import CrossBorderRequest

    sent = list(
        CrossBorderRequest.objects.system("rule 41")
        .filter(
            case=case,
            direction=CrossBorderRequest.Direction.OUT,
            kind=CONSULTATION,
            partner__country=destination.upper(),
            sent_at__isnull=False,
        )
        .values_list("status", "responded_at")
    )
    consented = any(status in CONSENTED and responded for status, responded in sent)
    return bool(sent), consented


def art33_refusal(case, placement) -> str | None:
    """The BLOCK message of rule 41 for this placement, or None when it may go ahead."""
    destination = placement.destination_country
    if not needs_art33(
        home_country=case.agency.country,
        destination=destination,
        care_type=placement.care_type,
        formal=placement.formal,
    ):
        return None
    sent, consented = consultation_state(case, destination)
    if consented:
        return None
    if not sent:
        return _(
            "A placement in another Hague 1996 State (%(country)s) needs an Art. 33 placement "
            "consultation sent to that State, with the report on the child and the reasons, "
            "before it is decided (rule 41)."
        ) % {"country": destination.upper()}
    return _(
        "The Art. 33 placement consultation was sent to %(country)s, but that State's "
        "consent is not recorded: the placement cannot be decided or started without it "
        "(rule 41)."
    ) % {"country": destination.upper()}

"""Rule 41 (Hague 1996 Art. 33): a formal placement in another Hague 1996 State cannot be
decided or started without a sent placement consultation and the receiving State's consent,
both read from the exchange app's requests."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from kinlink.care import choices as k
from kinlink.care import services as care
from kinlink.care.crossborder import needs_art33
from kinlink.care.models import Placement
from kinlink.exchange.models import CrossBorderRequest, PartnerNode

from .conftest import child_case, gatekeep, place, years_ago


@pytest.fixture
def teen(world):
    return child_case(world.alice, dob=years_ago(12))


def _partner(country):
    return PartnerNode.objects.create(
        node_id=f"node-{country.lower()}",
        country=country,
        agency=f"Central Authority {country}",
        endpoint=f"https://{country.lower()}.example.org/",
        jwks={"keys": []},
        fingerprint="x",
        status=PartnerNode.Status.ACTIVE,
    )


def _consultation(case, country, *, status="sent", sent=True, responded=False, kind=None):
    now = timezone.now()
    return CrossBorderRequest.objects.create(
        ref=uuid.uuid4(),
        direction="out",
        partner=PartnerNode.objects.filter(country=country).first() or _partner(country),
        kind=kind or "placement_consultation",
        case=case,
        status=status,
        purpose="Art. 33 consultation",
        legal_basis="legal_obligation",
        sent_at=now if sent else None,
        responded_at=now if responded else None,
    )


def _abroad(world, case, country="PL", care_type=k.CareType.FOSTER):
    return place(world.alice, case, care_type, destination_country=country.lower())


def _status(p):
    return Placement.objects.system("t").get(pk=p.pk).status


def test_which_placements_need_a_consultation():
    assert needs_art33(home_country="KZ", destination="PL", care_type="foster", formal=True)
    assert needs_art33(home_country="KZ", destination="it", care_type="kafala", formal=True)
    # same country, a non-Hague State, informal care: no Art. 33
    assert not needs_art33(home_country="PL", destination="PL", care_type="foster", formal=True)
    assert not needs_art33(home_country="KZ", destination="UZ", care_type="foster", formal=True)
    assert not needs_art33(home_country="KZ", destination="PL", care_type="kinship", formal=False)
    assert not needs_art33(home_country="KZ", destination="", care_type="foster", formal=True)


def test_no_consultation_blocks_the_decision(world, teen):
    p = _abroad(world, teen)
    assert p.destination_country == "PL" and p.status == k.PlacementStatus.PROPOSED
    with pytest.raises(ValidationError, match="rule 41") as exc:
        gatekeep(world.alice, teen, p)
    assert "consultation" in str(exc.value)
    assert not p.gatekeeping.exists()


def test_sent_but_not_consented_blocks_decision_and_start(world, teen):
    p = _abroad(world, teen)
    _consultation(teen, "PL")  # sent, no answer yet
    with pytest.raises(ValidationError, match="consent is not recorded"):
        gatekeep(world.alice, teen, p)
    req = CrossBorderRequest.objects.system("t").get(case=teen)
    req.status, req.responded_at = "declined", timezone.now()
    req.save()
    with pytest.raises(ValidationError, match="rule 41"):
        gatekeep(world.alice, teen, p)


def test_a_draft_or_another_countrys_or_another_types_request_does_not_count(world, teen):
    p = _abroad(world, teen)
    _consultation(teen, "PL", status="draft", sent=False)
    _consultation(teen, "IT", status="accepted", responded=True)
    _consultation(teen, "PL", status="accepted", responded=True, kind="report_request")
    with pytest.raises(ValidationError, match="rule 41"):
        gatekeep(world.alice, teen, p)


def test_consent_lets_it_be_decided_and_started(world, teen):
    p = _abroad(world, teen)
    _consultation(teen, "PL", status="accepted", responded=True)
    gatekeep(world.alice, teen, p)
    p = care.placement_start(actor=world.alice, case_id=teen.pk, placement_id=p.pk)
    assert p.status == k.PlacementStatus.ACTIVE


def test_consent_withdrawn_after_the_decision_blocks_the_start(world, teen):
    p = _abroad(world, teen, care_type=k.CareType.RESIDENTIAL_INSTITUTION)
    req = _consultation(teen, "PL", status="accepted", responded=True)
    gatekeep(world.alice, teen, p)
    req.status = "withdrawn"  # a restriction message from the receiving State
    req.save()
    with pytest.raises(ValidationError, match="rule 41"):
        care.placement_start(actor=world.alice, case_id=teen.pk, placement_id=p.pk)
    assert _status(p) == k.PlacementStatus.PROPOSED


def test_placements_at_home_or_in_a_non_hague_state_are_not_gated(world, teen):
    p = place(world.alice, teen, k.CareType.FOSTER, destination_country="KZ")
    gatekeep(world.alice, teen, p)
    q = place(world.alice, teen, k.CareType.FOSTER, destination_country="UZ")
    gatekeep(world.alice, teen, q)
    assert p.gatekeeping.exists() and q.gatekeeping.exists()


@override_settings(KINLINK_HAGUE_1996_STATES=["UZ"])
def test_the_list_of_states_comes_from_the_settings(world, teen):
    p = place(world.alice, teen, k.CareType.FOSTER, destination_country="UZ")
    with pytest.raises(ValidationError, match="rule 41"):
        gatekeep(world.alice, teen, p)
    q = _abroad(world, teen, "PL")
    gatekeep(world.alice, teen, q)


@pytest.mark.parametrize("bad", ["POL", "1A", "P"])
def test_bad_country_codes_are_refused(world, teen, bad):
    with pytest.raises(ValidationError) as exc:
        place(world.alice, teen, k.CareType.FOSTER, destination_country=bad)
    assert "destination_country" in exc.value.message_dict
    assert not Placement.objects.system("t").filter(case=teen).exists()

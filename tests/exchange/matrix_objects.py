"""Objects for the exchange URLs in the permission matrix: this node, a confirmed partner,
an outbound draft on Alice's case, an inbound referral with a queued acknowledgement, and an
inbound referral linked to Alice's case that the partner withdrew."""

from __future__ import annotations

from kinlink.cases.models import Case
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage

from .conftest import Remote, referral_body, remote_document

PK_FOR = {
    "exchange:request": "xb_request",
    "exchange:request_harm_set": "xb_request",
    "exchange:request_submit": "xb_request",
    "exchange:request_ack_submit": "xb_inbound",
    "exchange:request_decide": "xb_inbound",
    "exchange:request_withdraw": "xb_request",
    "exchange:request_followup": "xb_inbound",
    "exchange:request_restriction_review_set": "xb_restricted",
    "exchange:message_export": "xb_message",
    "exchange:partner": "xb_partner",
    "exchange:partner_confirm_submit": "xb_partner",
    "exchange:partner_suspend_set": "xb_partner",
    "exchange:partner_reactivate_set": "xb_partner",
    "exchange:partner_keys_set": "xb_partner",
}


def build(*, world, base, capture) -> dict:
    from kinlink.exchange import protocol

    xs.node_setup(
        actor=world.sys,
        node_id="kz-node",
        country="KZ",
        agency="Child Protection KZ",
        endpoint="https://kz-node.example.org",
    )
    doc, local = remote_document()
    partner = xs.partner_add(actor=world.sys, document=doc)
    xs.partner_confirm(actor=world.sys, partner_id=partner.pk, fingerprint=partner.fingerprint)
    ours = xs.node_document()
    remote = Remote(local, partner, protocol.Peer("kz-node", "active", ours["jwks"]))
    case_id = base["case_id"]
    draft = xs.request_draft(
        actor=world.alice,
        case_id=case_id,
        partner_id=partner.pk,
        kind="referral",
        fields={"child_given_name": "Мухаммед", "reason": "x"},
        purpose="Protection",
        legal_basis="vital_interest",
    )
    _env, token = remote.send("referral", referral_body())
    with capture(execute=False):
        xs.inbox_receive(token)
    inbound = CrossBorderRequest.objects.system("matrix").get(direction="in")
    with capture(execute=False):
        xs.request_acknowledge(actor=world.carl, request_id=inbound.pk)
    message = OutboundMessage.objects.get(type="acknowledgement")
    # an inbound referral linked to Alice's case, then withdrawn by the partner
    body = referral_body()
    _env, token = remote.send("referral", body)
    with capture(execute=False):
        xs.inbox_receive(token)
    restricted = CrossBorderRequest.objects.system("matrix").get(direction="in", ref=body["ref"])
    number = Case.objects.system("matrix").get(pk=case_id).number
    with capture(execute=False):
        xs.request_decide(
            actor=world.carl, request_id=restricted.pk, accept=True, case_number=number
        )
    _env, token = remote.send(
        "restriction", {"ref": body["ref"], "fields": {"reason": "consent_withdrawn"}}
    )
    with capture(execute=False):
        xs.inbox_receive(token)
    return {
        "xb_request": draft.pk,
        "xb_inbound": inbound.pk,
        "xb_message": message.pk,
        "xb_partner": partner.pk,
        "xb_restricted": restricted.pk,
        "markers": ["Karimova"],
    }

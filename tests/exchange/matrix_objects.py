"""Objects for the exchange URLs in the permission matrix: this node, a confirmed partner,
an outbound draft on Alice's case, an inbound referral with a queued acknowledgement, and an
inbound referral linked to Alice's case that the partner withdrew; an encoded tracing query
that Olga (Astana) prepared from a shared tracing request, waiting for a supervisor."""

from __future__ import annotations

from kinlink.cases.models import Case
from kinlink.exchange import services as xs
from kinlink.exchange.models import CrossBorderRequest, OutboundMessage

from .conftest import Remote, referral_body, remote_document

PK_FOR = {
    "exchange:request": "xb_request",
    "exchange:request_harm_set": "xb_request",
    "exchange:request_submit": "xb_request",
    "exchange:request_approval_decide": "xb_query",
    "exchange:trace_details_create": "xb_query",
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
    query = _pending_query(world, partner, capture)
    return {
        "xb_query": query.pk,
        "xb_request": draft.pk,
        "xb_inbound": inbound.pk,
        "xb_message": message.pk,
        "xb_partner": partner.pk,
        "xb_restricted": restricted.pk,
        "markers": ["Karimova"],
    }


NETWORK_KEY = "dGVzdC1uZXR3b3JrLWtleS0wMTIzNDU2Nzg5YWJjZGVm"  # base64, 32 bytes


def _pending_query(world, partner, capture):
    from datetime import date

    from django.test import override_settings

    from kinlink.tracing import services as ts

    with capture(execute=False):
        shared = ts.tracing_request_create(
            actor=world.olga,
            data=ts.RequestInput(
                enquirer_given_name="Malika",
                enquirer_relationship="mother",
                inquiry_date=date.today(),
                consent_to_share=True,
                traces=[ts.TraceInput(given_name="Dilnoza", family_name="Karimova", sex="female")],
            ),
        )
    with override_settings(KINLINK_PPRL_NETWORK_KEY=NETWORK_KEY):
        query = xs.tracing_query_draft(
            actor=world.olga,
            trace_id=shared.traces.get().pk,
            partner_id=partner.pk,
            purpose="Family tracing",
            legal_basis="vital_interest",
        )
    xs.request_harm_check(actor=world.olga, request_id=query.pk, risk=False, note="none")
    xs.request_submit(actor=world.olga, request_id=query.pk)
    return query

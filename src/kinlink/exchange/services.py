"""Writes of the exchange app: the public entry points, one import for views, commands and
other apps. The work is done in:

* :mod:`.partners` — this node's description and keys, partner nodes;
* :mod:`.outbound` — outbound requests, approval, the outbox, follow-on messages, timeline;
* :mod:`.inbound` — the inbox and the coordinator's decisions on inbound requests;
* :mod:`.propagation` — withdrawal, consent withdrawal and corrections, on both sides;
* :mod:`.deadlines` — acknowledgement and reply deadlines in working days (rule 43).

Importing this module registers the approval handler and the case-change hook.
"""

from __future__ import annotations

from kinlink.cases import hooks
from kinlink.cases.models import Approval

from .deadlines import add_working_days, deadlines
from .inbound import (
    DuplicateMessage,
    inbox_receive,
    request_acknowledge,
    request_decide,
)
from .models import CrossBorderRequest
from .outbound import (
    FOLLOW_ON_BY,
    SEX_OUT,
    _approval_decided,
    clean_fields,
    consent_for,
    message_send,
    request_draft,
    request_harm_check,
    request_prefill,
    request_submit,
)
from .partners import (
    KEY_GRACE,
    NODE_ID_RE,
    directory,
    local_node,
    node_document,
    node_profile,
    node_rotate_keys,
    node_setup,
    partner_add,
    partner_confirm,
    partner_reactivate,
    partner_set_keys,
    partner_suspend,
)
from .propagation import (
    REVIEW_OUTCOMES,
    on_case_changed,
    request_withdraw,
    restrict_received,
    restriction_review,
)
from .tracing_services import tracing_details_draft, tracing_query_decide, tracing_query_draft

__all__ = [
    "FOLLOW_ON_BY",
    "KEY_GRACE",
    "NODE_ID_RE",
    "SEX_OUT",
    "CrossBorderRequest",
    "DuplicateMessage",
    "add_working_days",
    "clean_fields",
    "consent_for",
    "deadlines",
    "directory",
    "inbox_receive",
    "local_node",
    "message_send",
    "node_document",
    "node_profile",
    "node_rotate_keys",
    "node_setup",
    "on_case_changed",
    "partner_add",
    "partner_confirm",
    "partner_reactivate",
    "partner_set_keys",
    "partner_suspend",
    "request_acknowledge",
    "request_decide",
    "request_draft",
    "request_harm_check",
    "request_prefill",
    "request_submit",
    "request_withdraw",
    "restrict_received",
    "restriction_review",
    "REVIEW_OUTCOMES",
    "tracing_details_draft",
    "tracing_query_decide",
    "tracing_query_draft",
]

hooks.approval_handlers[Approval.Subject.CROSSBORDER] = _approval_decided
hooks.case_changed.append(on_case_changed)

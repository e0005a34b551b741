"""The exchange app's alert kinds (rule 43), merged into kinlink.alerts.kinds.KINDS. Kept
here so that their labels are translated in this app's catalogue. Each value is the
arguments of ``kinlink.alerts.kinds.Kind``: rule, label, what fixes it, severity."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ALERT_KINDS = {
    # this node received a request and has not acknowledged it in time
    "xb_ack_overdue": (
        43,
        _("Cross-border request not acknowledged in time"),
        _("Acknowledge the request"),
        "high",
    ),
    # this node received a request and has not answered it in time
    "xb_reply_overdue": (
        43,
        _("Cross-border request not answered in time"),
        _("Send the reply to the partner"),
        "high",
    ),
    # this node sent a request and the partner has not acknowledged it in time
    "xb_partner_ack_overdue": (
        43,
        _("Partner has not acknowledged a cross-border request"),
        _("Contact the partner"),
        "warning",
    ),
    # this node sent a request and the partner has not replied in time
    "xb_partner_reply_overdue": (
        43,
        _("Partner has not replied to a cross-border request"),
        _("Contact the partner"),
        "warning",
    ),
    # rule 42: a high-risk child now in another country, no serious-danger alert sent there
    "xb_art36_due": (
        42,
        _("Child in danger abroad: Art. 36 alert not sent"),
        _("Send a serious-danger alert to that country"),
        "critical",
    ),
    # as xb_ack_overdue / xb_reply_overdue, for a request not yet linked to a local case
    "xb_inbox_ack_overdue": (
        43,
        _("Incoming cross-border request not acknowledged in time"),
        _("Acknowledge the request"),
        "high",
    ),
    "xb_inbox_reply_overdue": (
        43,
        _("Incoming cross-border request not decided in time"),
        _("Accept or decline the request"),
        "high",
    ),
    # the partner restricted the data it sent (consent withdrawn, transfer revoked)
    "xb_restricted": (
        17,
        _("Cross-border data withdrawn by the partner"),
        _("Review the case: stop processing the withdrawn data"),
        "high",
    ),
}

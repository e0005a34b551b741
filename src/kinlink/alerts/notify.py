"""E-mail notifications of new alerts: who is told, and a mail with no case details in it,
only a link to the alert (the reader signs in to see it)."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinlink.accounts.models import User
from kinlink.accounts.roles import Role

from .models import Alert, Severity

log = logging.getLogger(__name__)


def base_url() -> str:
    return getattr(settings, "KINLINK_BASE_URL", "") or os.environ.get(
        "KINLINK_BASE_URL", "http://localhost:8000"
    )


def recipients(alert: Alert) -> list[User]:
    """High: the supervisors of the case's office. Critical: also the agency's managers, at
    once (rule 38). Warnings are shown on the board only. An alert about a caseworker (rule
    11) goes to the supervisors of their office, never to the caseworker."""
    if alert.severity == Severity.WARNING:
        return []
    if not alert.case_id and not alert.subject_user_id:
        # about this node's cross-border inbox: its coordinators
        users = User.objects.filter(is_active=True, role=Role.CROSSBORDER)
        return [u for u in users if u.email]
    # An alert about a person (rule 11) goes to the supervisors of that person's office.
    about = alert.case if alert.case_id else alert.subject_user
    if about is None or not about.office_id:
        return []
    users = list(
        User.objects.filter(is_active=True, role=Role.SUPERVISOR, office_id=about.office_id)
    )
    if alert.severity == Severity.CRITICAL:
        users += list(
            User.objects.filter(is_active=True, role=Role.MANAGER, agency_id=about.agency_id)
        )
    return [u for u in users if u.email and u.pk != alert.subject_user_id]


def notify(alert_ids) -> int:
    sent = 0
    alerts = (
        Alert.objects.system("notification")
        .select_related("case", "subject_user")
        .filter(pk__in=alert_ids)
    )
    for alert in alerts:
        if alert.cleared_at is not None or alert.notified_at is not None:
            continue
        link = base_url().rstrip("/") + reverse("alerts:open", kwargs={"pk": alert.pk})
        for user in recipients(alert):
            with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
                subject = _("Kinlink: an alert needs your attention")
                body = _(
                    'A case in your team has a new alert of severity "%(severity)s".\n\n'
                    "Sign in to see it: %(link)s\n\n"
                    "This message contains no case details on purpose."
                ) % {"severity": alert.get_severity_display(), "link": link}
            try:
                send_mail(subject, body, None, [user.email])
                sent += 1
            except Exception:  # mail trouble never breaks the rules; the board shows it
                log.exception("alert mail to user %s failed", user.pk)
        alert.notified_at = timezone.now()
        alert.save(update_fields=["notified_at", "updated_at"])
    return sent

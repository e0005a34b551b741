"""Acknowledgement and reply deadlines of cross-border requests (DOMAIN.md rule 43).

Per type and urgency, from the SOP profile:

* a serious-danger alert (Hague 1996 Art. 36): acknowledge within ``xb_danger_alert_hours``;
* any other urgent request: acknowledge within ``xb_urgent_acknowledge_hours``;
* otherwise acknowledge within ``xb_acknowledge_days`` **working** days;
* reply: a social enquiry or a report on the child within ``xb_social_enquiry_days``
  (8–12 weeks), anything else within ``xb_reply_days`` (calendar days).

Working days follow this deployment's calendar: the working week of the SOP profile
(``working_weekdays``, ISO weekdays) less its public holidays (``core.PublicHoliday``). A
deadline of N working days ends at the end (local time) of the N-th working day after the
day of receipt (or of sending, on the sender's side): a referral received on a Friday with a
5-working-day deadline is due at the end of the next Friday, one received on a Saturday at
the end of the Friday after it. Each node counts with its own calendar; a partner's holidays
are not known here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kinlink.core.models import PublicHoliday, SopProfile

DEFAULT_WEEK = frozenset({1, 2, 3, 4, 5})
LONG_REPLY_TYPES = ("social_enquiry", "report_request")


def working_weekdays(sop: SopProfile) -> frozenset[int]:
    """The ISO weekdays that are working days; Monday to Friday when the setting is empty
    or unreadable (a deadline must never become infinite)."""
    days = set()
    for part in (sop.working_weekdays or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 7:
            days.add(int(part))
    return frozenset(days) or DEFAULT_WEEK


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def add_working_days(start: datetime, n: int, sop: SopProfile) -> datetime:
    """The end of the ``n``-th working day after ``start``'s local date."""
    week = working_weekdays(sop)
    first = timezone.localdate(start)
    # n working days fit in n weeks plus every holiday; a year more is a generous bound
    holidays = set(
        PublicHoliday.objects.filter(
            date__gt=first, date__lte=first + timedelta(days=7 * n + 366)
        ).values_list("date", flat=True)
    )
    day, counted = first, 0
    while counted < n:
        day += timedelta(days=1)
        if day.isoweekday() in week and day not in holidays:
            counted += 1
    return end_of_day(day)


def deadlines(kind: str, urgent: bool, start: datetime, sop: SopProfile):
    """(acknowledge by, reply by) for a request of this type and urgency sent or received at
    ``start``."""
    if kind == "danger_alert":
        ack = start + timedelta(hours=sop.xb_danger_alert_hours)
    elif urgent:
        ack = start + timedelta(hours=sop.xb_urgent_acknowledge_hours)
    else:
        ack = add_working_days(start, sop.xb_acknowledge_days, sop)
    days = sop.xb_social_enquiry_days if kind in LONG_REPLY_TYPES else sop.xb_reply_days
    return ack, start + timedelta(days=days)

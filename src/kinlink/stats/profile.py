"""The country profile (the situation analysis' macro and meso levels).

- Laws, policies and strategies (``LawPolicy``): kept by statisticians (``build_releases``),
  every change audited; shown with the ones in force first.
- Service availability by region: active service points of the service map by first-level
  area and service type (a directory of services, not of children: published as counted).
- Barriers: referrals declined by the service or not implemented, by service type, from the
  referral facts with consent (rule 48), primary and secondary suppression applied (rule 46).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.core import audit
from kinlink.core.models import AuditEvent, SopProfile
from kinlink.core.validation import check_choice
from kinlink.referrals import choices as r
from kinlink.referrals.models import ServicePoint

from . import engine, sdc
from .domain_indicators import DECLINED
from .models import Basis, DomainFact, LawPolicy

# ----------------------------------------------------------------------- laws and policies


@dataclass
class LawInput:
    kind: str
    title: str
    adopted_on: date | None
    url: str = ""
    summary: str = ""
    in_force: bool = True


def law_validate(data: LawInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    check_choice(errors, "kind", data.kind, LawPolicy.Kind)
    if not data.title.strip():
        errors["title"] = [_("Give the title.")]
    elif len(data.title.strip()) > 300:
        errors["title"] = [_("The title is too long (300 characters at most).")]
    if data.adopted_on is None:
        errors["adopted_on"] = [_("Give the date of adoption.")]
    elif data.adopted_on > timezone.localdate():
        errors["adopted_on"] = [_("The date of adoption is in the future.")]
    url = data.url.strip()
    if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
        errors["url"] = [_("The link must be a web address (https://…).")]
    if len(data.summary) > 2000:
        errors["summary"] = [_("The summary is too long (2000 characters at most).")]
    return errors


def _check_actor(actor) -> None:
    if not can(actor, "build_releases") or not actor.country:
        raise PermissionDenied


def law_save(*, actor, data: LawInput, law_id=None) -> LawPolicy:
    """Add a law, policy or strategy to the profile of the actor's country, or change one."""
    _check_actor(actor)
    errors = law_validate(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if law_id is None:
            law = LawPolicy(country=actor.country, created_by=actor)
            action = AuditEvent.Action.CREATE
        else:
            law = (
                LawPolicy.objects.select_for_update()
                .filter(pk=law_id, country=actor.country)
                .first()
            )
            if law is None:
                raise PermissionDenied
            action = AuditEvent.Action.CHANGE
        law.kind = data.kind
        law.title = data.title.strip()
        law.adopted_on = data.adopted_on
        law.url = data.url.strip()
        law.summary = data.summary.strip()
        law.in_force = data.in_force
        law.save()
        audit.record(
            actor=actor, action=action, obj=law, detail={"kind": law.kind, "in_force": law.in_force}
        )
    return law


def law_for_edit(*, user, law_id) -> LawPolicy:
    _check_actor(user)
    law = LawPolicy.objects.filter(pk=law_id, country=user.country).first()
    if law is None:
        raise PermissionDenied
    return law


# ----------------------------------------------------------------------- the profile


def laws(country: str):
    return LawPolicy.objects.filter(country=country).order_by("-in_force", "kind", "-adopted_on")


def service_availability(country: str) -> dict:
    """Active service points by region (first-level area) and service type."""
    types = [(str(k), str(v)) for k, v in r.ServiceType.choices]
    counts: dict[tuple[str, str], int] = {}
    for row in (
        ServicePoint.objects.filter(country=country, active=True)
        .values("admin1", "service_type")
        .annotate(n=Count("pk"))
    ):
        counts[(row["admin1"] or "", row["service_type"])] = row["n"]
    regions = sorted({region for region, _t in counts})
    rows = [
        {
            "region": region or _("Region not recorded"),
            "cells": [counts.get((region, t), 0) for t, _l in types],
            "total": sum(counts.get((region, t), 0) for t, _l in types),
        }
        for region in regions
    ]
    return {"types": types, "rows": rows}


def barriers(country: str, start: date, end: date) -> dict:
    """Referrals declined or not implemented in the period, by service type, protected."""
    params = engine.Parameters.from_sop(SopProfile.current())
    types = [(str(k), str(v)) for k, v in r.ServiceType.choices]
    facts = DomainFact.objects.system("statistics").filter(
        source="referrals",
        country=country,
        changed_on__gte=start,
        changed_on__lte=end,
        outcome__in=DECLINED,
    )
    by_type = dict(
        facts.filter(basis=Basis.OK)
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    left_out = facts.exclude(basis=Basis.OK).count()
    resolved = dict(
        DomainFact.objects.system("statistics")
        .filter(
            source="referrals",
            country=country,
            basis=Basis.OK,
            changed_on__gte=start,
            changed_on__lte=end,
        )
        .filter(Q(outcome=r.ReferralStatus.IMPLEMENTED) | Q(outcome__in=DECLINED))
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    t = params.min_cell
    values = [by_type.get(code, 0) for code, _l in types]
    total = sum(values)
    sup = sdc.protect_vector(values, total, t)
    hidden = {j for (_z, j) in sup.suppressed}
    rows = []
    for j, (code, label) in enumerate(types):
        shown = not (sup.withheld or j in hidden)
        n_resolved = resolved.get(code, 0)
        rows.append(
            {
                "code": code,
                "label": label,
                "value": sdc.round_to_base(values[j], params.rounding_base) if shown else None,
                # the share is shown only where both counts could be published on their own
                "share": (
                    round(100 * values[j] / n_resolved)
                    if shown
                    and values[j]
                    and not sdc.is_primary(n_resolved - values[j], t)  # the implemented
                    else None
                ),
            }
        )
    total_shown = not (sup.withheld or len(values) in hidden)
    return {
        "rows": rows,
        "total": sdc.round_to_base(total, params.rounding_base) if total_shown else None,
        "withheld": sup.withheld,
        "left_out": None if sdc.is_primary(left_out, t) else left_out,
        "min_cell": t,
        "kinds": _by_barrier(facts.filter(basis=Basis.OK), params),
    }


def _by_barrier(facts, params) -> list[dict]:
    """The same referrals by the coded barrier recorded (``Referral.barrier``), protected on
    their own: primary and secondary suppression against the same total."""
    kinds = [(str(k), str(v)) for k, v in r.Barrier.choices] + [("", str(_("Not recorded")))]
    counts = dict(facts.values("reason").annotate(n=Count("pk")).values_list("reason", "n"))
    values = [counts.get(code, 0) for code, _l in kinds]
    sup = sdc.protect_vector(values, sum(values), params.min_cell)
    hidden = {j for (_z, j) in sup.suppressed}
    return [
        {
            "code": code,
            "label": label,
            "value": (
                None
                if sup.withheld or j in hidden
                else sdc.round_to_base(values[j], params.rounding_base)
            ),
        }
        for j, (code, label) in enumerate(kinds)
        if values[j] or code  # "not recorded" only where there are such referrals
    ]

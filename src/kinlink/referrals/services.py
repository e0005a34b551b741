"""Writes of services and referrals: the service map (and its import), referrals with their
consent check and status workflow. Atomic; ``ValidationError`` with field errors changes
nothing; ``PermissionDenied`` for records outside the actor's scope."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinlink.accounts.roles import can
from kinlink.alerts import engine
from kinlink.cases import choices as cc
from kinlink.cases.models import PlanAction
from kinlink.cases.services import lock_case_for_change
from kinlink.core import audit
from kinlink.core.validation import check_choice, is_code

from . import choices as r
from .models import AdminArea, Referral, ServicePoint


def _add(errors, name, message) -> None:
    errors.setdefault(name, []).append(message)


# --------------------------------------------------------------------------- service map

SERVICE_POINT_FIELDS = [
    "name",
    "provider",
    "service_type",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "address",
    "min_age",
    "max_age",
    "sexes",
    "legal_statuses",
    "documents_required",
    "languages",
    "cost",
    "hours",
    "capacity",
    "accessibility",
    "barriers",
    "contact",
]
LIST_FIELDS = {"sexes", "legal_statuses", "languages"}
INT_FIELDS = {"min_age", "max_age", "capacity"}


def service_point_clean(raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """Parse one row (strings as read from a form, CSV or XLSX) into model values."""
    errors: dict[str, list[str]] = {}
    data: dict = {}
    for name in SERVICE_POINT_FIELDS:
        value = raw.get(name)
        value = "" if value is None else str(value).strip()
        if name in LIST_FIELDS:
            data[name] = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
        elif name in INT_FIELDS:
            if value == "":
                data[name] = None
            else:
                try:
                    data[name] = int(float(value))
                    if data[name] < 0:
                        raise ValueError
                except ValueError:
                    _add(errors, name, _("Not a whole number: %(v)s") % {"v": value})
        else:
            data[name] = value
    if not data.get("name"):
        _add(errors, "name", _("The name is missing."))
    if not data.get("provider"):
        _add(errors, "provider", _("The provider is missing."))
    if data.get("service_type") not in r.ServiceType.values:
        _add(errors, "service_type", _("Unknown service: %(v)s") % {"v": data.get("service_type")})
    country = data.get("country", "").upper()
    data["country"] = country
    if not is_code(country):
        _add(errors, "country", _("Use the two-letter country code."))
    data["cost"] = data.get("cost") or r.Cost.FREE
    if data["cost"] not in r.Cost.values:
        _add(errors, "cost", _("Unknown cost: %(v)s") % {"v": data["cost"]})
    bad_sex = [s for s in data.get("sexes", []) if s not in cc.Sex.values]
    if bad_sex:
        _add(errors, "sexes", _("Unknown sex: %(v)s") % {"v": ", ".join(bad_sex)})
    bad_status = [s for s in data.get("legal_statuses", []) if s not in cc.MigratoryStatus.values]
    if bad_status:
        _add(
            errors,
            "legal_statuses",
            _("Unknown legal status: %(v)s") % {"v": ", ".join(bad_status)},
        )
    lo, hi = data.get("min_age"), data.get("max_age")
    if lo is not None and hi is not None and lo > hi:
        _add(errors, "max_age", _("The maximum age is below the minimum age."))
    _clean_area(raw, data, errors)
    return data, errors


def _clean_area(raw: dict, data: dict, errors: dict) -> None:
    """The administrative area, by id (the form) or by code (an import): it must be of the
    service point's country; its names fill admin1–3."""
    area_id = str(raw.get("area_id") or "").strip()
    code = str(raw.get("area_code") or "").strip()
    data["area"] = None
    if not (area_id or code):
        return
    qs = AdminArea.objects.select_related("parent__parent")
    area = None
    try:
        area = qs.filter(pk=area_id).first() if area_id else None
    except (ValueError, ValidationError):
        area = None
    if area is None and code:
        area = qs.filter(country=data.get("country", ""), code=code).first()
    if area is None:
        _add(errors, "area_id", _("Unknown administrative area: %(v)s") % {"v": code or area_id})
        return
    if area.country != data.get("country"):
        _add(errors, "area_id", _("The area is not in the service point's country."))
        return
    data["area"] = area
    names = [a.name for a in area.chain()]
    for i, name in enumerate(("admin1", "admin2", "admin3")):
        data[name] = names[i] if i < len(names) else ""


def _may_manage(actor, country: str) -> bool:
    """Service-map managers: a system administrator anywhere, an agency administrator in the
    agency's country."""
    if not can(actor, "manage_services"):
        return False
    agency_country = actor.agency.country if getattr(actor, "agency_id", None) else None
    return agency_country is None or agency_country == country


def service_point_create(*, actor, raw: dict) -> ServicePoint:
    if not can(actor, "manage_services"):
        raise PermissionDenied(_("Your role may not do this."))
    data, errors = service_point_clean(raw)
    if not errors and not _may_manage(actor, data["country"]):
        _add(errors, "country", _("You manage the service map of your own country only."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sp = ServicePoint.objects.create(**data)
        audit.record(actor=actor, action="create", obj=sp)
    return sp


def service_point_update(*, actor, point_id, raw: dict, active: bool = True) -> ServicePoint:
    """Edit a service point (every column; ``active`` False takes it off the map)."""
    if not can(actor, "manage_services"):
        raise PermissionDenied(_("Your role may not do this."))
    data, errors = service_point_clean(raw)
    with transaction.atomic():
        sp = ServicePoint.objects.select_for_update().filter(pk=point_id).first()
        if sp is None or not _may_manage(actor, sp.country):
            raise PermissionDenied(_("No such service point."))
        if not errors and not _may_manage(actor, data["country"]):
            _add(errors, "country", _("You manage the service map of your own country only."))
        if errors:
            raise ValidationError(errors)
        changed = sorted(k for k, v in data.items() if getattr(sp, k) != v)
        for k, v in data.items():
            setattr(sp, k, v)
        if sp.active != active:
            changed.append("active")
        sp.active = active
        sp.save()
        audit.record(actor=actor, action="change", obj=sp, detail={"changed": changed})
    return sp


# --------------------------------------------------------------------------- areas

AREA_FIELDS = ["country", "level", "code", "name", "parent_code"]


@dataclass
class AreaImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)


def _area_row(raw: dict) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    data = {n: ("" if raw.get(n) is None else str(raw.get(n)).strip()) for n in AREA_FIELDS}
    data["country"] = data["country"].upper()
    if not is_code(data["country"]):
        _add(errors, "country", _("Use the two-letter country code."))
    try:
        data["level"] = int(float(data["level"]))
        if data["level"] not in r.AdminLevel.values:
            raise ValueError
    except ValueError:
        _add(errors, "level", _("The level is 1, 2 or 3: %(v)s") % {"v": data["level"]})
    if not data["code"]:
        _add(errors, "code", _("The code is missing."))
    if not data["name"]:
        _add(errors, "name", _("The name is missing."))
    return data, errors


def areas_import(*, actor, filename: str, content: bytes) -> AreaImportReport:
    """Import an administrative hierarchy (columns: country, level, code, name, parent_code).
    Parents are read before children whatever the order of the rows; a row whose parent is
    unknown or not one level up is rejected; a known code is updated. Valid rows are kept,
    rejected ones reported (row 2 is the first row after the header)."""
    if not can(actor, "manage_services"):
        raise PermissionDenied(_("Your role may not do this."))
    rows = read_rows(filename, content)
    if not rows:
        raise ValidationError({"file": [_("The file has no rows.")]})
    report = AreaImportReport()
    parsed = []
    for i, raw in enumerate(rows, start=2):
        data, errors = _area_row(raw)
        if not errors and not _may_manage(actor, data["country"]):
            _add(errors, "country", _("You manage the service map of your own country only."))
        if errors:
            report.rejected.append((i, errors))
        else:
            parsed.append((i, data))
    parsed.sort(key=lambda item: (item[1]["level"], item[0]))
    with transaction.atomic():
        for i, data in parsed:
            errors: dict[str, list[str]] = {}
            parent = None
            if data["level"] == 1:
                if data["parent_code"]:
                    _add(errors, "parent_code", _("A region (level 1) has no parent."))
            else:
                parent = AdminArea.objects.filter(
                    country=data["country"], code=data["parent_code"]
                ).first()
                if parent is None:
                    _add(
                        errors,
                        "parent_code",
                        _("Unknown parent: %(v)s") % {"v": data["parent_code"] or "—"},
                    )
                elif parent.level != data["level"] - 1:
                    _add(errors, "parent_code", _("The parent is not one level up."))
            existing = AdminArea.objects.filter(country=data["country"], code=data["code"]).first()
            if existing is not None and existing.level != data["level"]:
                _add(errors, "level", _("This code exists at another level."))
            if errors:
                report.rejected.append((i, errors))
                continue
            if existing is None:
                AdminArea.objects.create(
                    country=data["country"],
                    level=data["level"],
                    code=data["code"],
                    name=data["name"],
                    parent=parent,
                )
                report.created += 1
            else:
                existing.name, existing.parent = data["name"], parent
                existing.save(update_fields=["name", "parent", "updated_at"])
                report.updated += 1
        report.rejected.sort(key=lambda item: item[0])
        audit.record(
            actor=actor,
            action="create",
            object_type="referrals.adminarea",
            detail={
                "created": report.created,
                "updated": report.updated,
                "rejected": len(report.rejected),
            },
        )
    return report


@dataclass
class ImportReport:
    created: int = 0
    rejected: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)


def read_rows(filename: str, content: bytes) -> list[dict]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file, keyed by the header row."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        import io

        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ValidationError({"file": [_("This is not a readable XLSX file.")]}) from exc
        rows = list(wb.active.iter_rows(values_only=True))
        if not rows:
            return []
        header = [str(h or "").strip().lower() for h in rows[0]]
        return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(row)]
    if name.endswith(".csv"):
        import csv
        import io

        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": [_("Save the CSV file as UTF-8.")]}) from exc
        reader = csv.DictReader(io.StringIO(text))
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
        return [row for row in reader if any((v or "").strip() for v in row.values())]
    raise ValidationError({"file": [_("Upload a CSV or XLSX file.")]})


def service_points_import(*, actor, filename: str, content: bytes) -> ImportReport:
    """Import every valid row; report the rejected ones with their errors (row 2 is the first
    row after the header)."""
    if not can(actor, "manage_services"):
        raise PermissionDenied(_("Your role may not do this."))
    rows = read_rows(filename, content)
    if not rows:
        raise ValidationError({"file": [_("The file has no rows.")]})
    report = ImportReport()
    with transaction.atomic():
        for i, raw in enumerate(rows, start=2):
            data, errors = service_point_clean(raw)
            if errors:
                report.rejected.append((i, errors))
                continue
            ServicePoint.objects.create(**data)
            report.created += 1
        audit.record(
            actor=actor,
            action="create",
            object_type="referrals.servicepoint",
            detail={"imported": report.created, "rejected": len(report.rejected)},
        )
    return report


# --------------------------------------------------------------------------- referrals


@dataclass
class ReferralInput:
    service_type: str
    timeframe: str
    service_point_id: object = None
    agency_name: str = ""
    appointment_at: datetime | None = None
    plan_action_id: object = None
    share: list[str] = field(default_factory=list)
    needs: str = ""


def consent_to_share(case) -> bool:
    """A current consent for services that allows sharing with service providers."""
    for consent in case.consents.filter(withdrawn_at__isnull=True):
        if consent.for_services and "service_providers" in (consent.share_with or []):
            return True
    return False


def _snapshot(case, share: list[str], needs: str) -> dict:
    child = case.child
    out: dict = {}
    if "name" in share:
        out["name"] = child.full_name
    if "age" in share:
        out["age"] = child.age_on(timezone.localdate())
    if "sex" in share:
        out["sex"] = child.sex
    if "languages" in share:
        out["languages"] = list(child.languages or [])
    if "legal_status" in share:
        out["legal_status"] = child.migratory_status
    if "needs" in share:
        out["needs"] = needs
    return out


def due_at(timeframe: str, created: datetime, appointment: datetime | None) -> datetime:
    """Rule 6: created + the timeframe, or the appointment."""
    if timeframe == r.Timeframe.APPOINTMENT:
        return appointment
    return created + timedelta(hours=r.TIMEFRAME_HOURS[timeframe])


def referral_create(*, actor, case_id, data: ReferralInput) -> Referral:
    """Refer a child. Sharing data needs consent to share with service providers; without it
    the referral still goes, with nothing about the child in it (the service is never refused
    for want of consent to share)."""
    errors: dict[str, list[str]] = {}
    if data.service_type not in r.ServiceType.values:
        _add(errors, "service_type", _("Choose a service."))
    if data.timeframe not in r.Timeframe.values:
        _add(errors, "timeframe", _("Choose a timeframe."))
    elif data.timeframe == r.Timeframe.APPOINTMENT and not data.appointment_at:
        _add(errors, "appointment_at", _("Give the appointment's date and time."))
    if not data.service_point_id and not data.agency_name.strip():
        _add(errors, "service_point_id", _("Choose a service point or name the agency."))
    if any(s not in r.SharedField.values for s in data.share):
        _add(errors, "share", _("Unknown field."))
    if not can(actor, "work_case"):
        raise PermissionDenied(_("Your role may not do this."))
    with transaction.atomic():
        case = lock_case_for_change(actor, case_id)
        if case.status != cc.CaseStatus.OPEN:
            raise ValidationError(_("The case is not open."))
        point = None
        if data.service_point_id:
            point = ServicePoint.objects.filter(pk=data.service_point_id, active=True).first()
            if point is None:
                _add(errors, "service_point_id", _("No such service point."))
        action = None
        if data.plan_action_id:
            action = (
                PlanAction.objects.restrict(actor, "change")
                .filter(pk=data.plan_action_id, goal__plan__case=case)
                .first()
            )
            if action is None:
                _add(errors, "plan_action_id", _("No such action in this case's plan."))
        consented = consent_to_share(case)
        if data.share and not consented:
            _add(
                errors,
                "share",
                _(
                    "There is no consent to share the child's data with service providers: "
                    "refer without sharing, or record the consent first."
                ),
            )
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        ref = Referral.objects.create(
            case=case,
            plan_action=action,
            service_point=point,
            agency_name=data.agency_name.strip(),
            service_type=data.service_type,
            timeframe=data.timeframe,
            appointment_at=data.appointment_at,
            due_at=due_at(data.timeframe, now, data.appointment_at),
            status_changed_at=now,
            consent_to_share=consented,
            shared=_snapshot(case, data.share, data.needs),
            reference="R-" + secrets.token_hex(4).upper(),
            referred_by=actor,
        )
        audit.record(
            actor=actor,
            action="disclose" if data.share else "create",
            obj=ref,
            case_id=case.pk,
            detail={"shared": sorted(data.share), "service_point": str(point.pk) if point else ""},
        )
        engine.schedule(case.pk)
    return ref


def referral_update(
    *, actor, referral_id, status: str, reason: str = "", feedback: str = "", barrier: str = ""
):
    """The provider (or the caseworker) moves a referral on: referred → accepted | rejected
    (with a reason and the barrier) → implemented | not implemented (with a reason and the
    barrier); feedback is kept. The barrier is coded so that statistics can count it."""
    errors: dict[str, list[str]] = {}
    if status not in r.ReferralStatus.values:
        _add(errors, "status", _("Choose a status."))
    if status in r.NEEDS_REASON:
        if not reason.strip():
            _add(errors, "reason", _("Give the reason."))
        if not barrier:
            _add(errors, "barrier", _("Choose what kept the child from the service."))
        else:
            check_choice(errors, "barrier", barrier, r.Barrier)
    elif barrier:
        _add(errors, "barrier", _("A barrier is recorded only when a referral fails."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ref = (
            Referral.objects.restrict(actor, "change")
            .select_for_update()
            .filter(pk=referral_id)
            .first()
        )
        if ref is None:
            raise PermissionDenied(_("No such referral."))
        if status not in r.NEXT.get(ref.status, set()):
            raise ValidationError(
                {
                    "status": [
                        _("A referral that is %(s)s cannot become that.")
                        % {"s": ref.get_status_display()}
                    ]
                }
            )
        ref.status = status
        ref.status_reason = reason
        ref.barrier = barrier
        if feedback.strip():
            ref.feedback = feedback
        ref.status_changed_at = timezone.now()
        ref.save()
        audit.record(
            actor=actor, action="change", obj=ref, case_id=ref.case_id, detail={"status": status}
        )
        engine.schedule(ref.case_id)
    return ref

"""Roles and what each may see and do. docs/roles.md renders this table for people.

Scopes of child data: OWN (cases the user owns), OFFICE, AGENCY, NATIONAL (every agency of the
user's country), NONE. Cross-border partners see only what an exchange shared (exchange app).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    CROSSBORDER = "crossborder", _("Cross-border coordinator")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    STATISTICIAN = "statistician", _("Statistician")
    RESEARCHER = "researcher", _("Researcher")
    CITY_OFFICIAL = "city_official", _("City official")
    TRAINER = "trainer", _("Trainer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Scope(models.TextChoices):
    NONE = "none", _("none")
    OWN = "own", _("own cases")
    OFFICE = "office", _("office")
    AGENCY = "agency", _("agency")
    NATIONAL = "national", _("national")


# What each role may do with case data: the scope in which it may view, and in which it may
# change. Managers read at agency scope, or national scope when their account has national
# oversight (User.national_oversight).
CASE_SCOPES: dict[str, dict[str, str]] = {
    Role.CASEWORKER: {"view": Scope.OWN, "change": Scope.OWN},
    Role.SUPERVISOR: {"view": Scope.OFFICE, "change": Scope.OFFICE},
    Role.MANAGER: {"view": Scope.AGENCY, "change": Scope.NONE},
    Role.AGENCY_ADMIN: {"view": Scope.AGENCY, "change": Scope.NONE},
    Role.CROSSBORDER: {"view": Scope.NONE, "change": Scope.NONE},
    Role.SERVICE_PROVIDER: {"view": Scope.NONE, "change": Scope.NONE},
    Role.STATISTICIAN: {"view": Scope.NONE, "change": Scope.NONE},
    Role.RESEARCHER: {"view": Scope.NONE, "change": Scope.NONE},
    Role.CITY_OFFICIAL: {"view": Scope.NONE, "change": Scope.NONE},
    Role.TRAINER: {"view": Scope.NONE, "change": Scope.NONE},
    Role.SYSTEM_ADMIN: {"view": Scope.NONE, "change": Scope.NONE},
}

# Capabilities beyond reading and changing cases.
CAPABILITIES: dict[str, set[str]] = {
    Role.CASEWORKER: {"register_child", "work_case", "request_approval"},
    Role.SUPERVISOR: {
        "register_child",
        "work_case",
        "request_approval",
        "approve",
        "reassign",
        "see_team",
        "see_alerts",
    },
    Role.MANAGER: {"see_team", "see_reports", "see_alerts", "approve_releases", "see_city_surveys"},
    Role.AGENCY_ADMIN: {"manage_users", "reassign", "see_team", "manage_services", "manage_forms"},
    Role.CROSSBORDER: {"exchange", "see_alerts"},
    Role.SERVICE_PROVIDER: {"receive_referrals"},
    Role.STATISTICIAN: {"see_statistics", "build_releases", "see_city_surveys"},
    Role.RESEARCHER: {"see_statistics", "conduct_interviews"},
    Role.CITY_OFFICIAL: {"answer_city_survey"},
    Role.TRAINER: {"manage_trainings", "see_city_surveys"},
    Role.SYSTEM_ADMIN: {
        "manage_users",
        "manage_agencies",
        "manage_sop",
        "verify_audit",
        "manage_exchange",
        "manage_services",
        "manage_forms",
    },
}

# Roles that see identifiable child data must log in with a second factor. Every role can
# reach some personal data (users, referrals, survey answers), so all of them do.
ROLES_REQUIRING_MFA = {r.value for r in Role}


def can(user, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in CAPABILITIES.get(user.role, set())


def case_scope(user, action: str) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope.NONE
    scope = CASE_SCOPES.get(user.role, {}).get(action, Scope.NONE)
    if scope == Scope.AGENCY and user.role == Role.MANAGER and user.national_oversight:
        return Scope.NATIONAL
    return scope

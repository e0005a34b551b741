"""Renders docs/roles.md from the role tables, so the documentation cannot drift."""

from __future__ import annotations

from .roles import CAPABILITIES, CASE_SCOPES, ROLES_REQUIRING_MFA, Role, Scope

CAPABILITY_TEXT = {
    "register_child": "register children and open cases",
    "work_case": "record assessments, plans, follow-ups, consents, notes and attachments",
    "request_approval": "submit assessments, case plans and closures for approval",
    "approve": "approve or return assessments, case plans, closures and consent overrides; "
    "reopen closed cases",
    "reassign": "reassign cases (supervisor: within the office; agency administrator: "
    "within the agency)",
    "see_team": "see the team's caseload",
    "see_reports": "see reports of their scope",
    "manage_users": "manage user accounts",
    "exchange": "work cross-border requests (exchange issue)",
    "receive_referrals": "see referrals made to their service (services issue)",
    "see_statistics": "see statistics that passed disclosure control (statistics issue)",
    "build_releases": "build statistical releases (statistics issue)",
    "answer_city_survey": "answer the city needs survey (questionnaires issue)",
    "manage_trainings": "manage trainings (training issue)",
    "manage_agencies": "manage agencies and offices",
    "manage_sop": "edit the SOP profile (deadlines, thresholds)",
    "verify_audit": "verify the audit trail",
    "see_alerts": (
        "see and act on the alert board (the cases and staff in their scope; coordinators: "
        "the cross-border inbox)"
    ),
    "approve_releases": "approve statistical releases (statistics issue)",
    "see_city_surveys": "compare city needs surveys across cities (questionnaires issue)",
    "manage_services": "maintain the service map (services issue)",
    "manage_forms": "import and publish questionnaires (questionnaires issue)",
    "conduct_interviews": "conduct research interviews (questionnaires issue)",
    "manage_exchange": "manage partner nodes and keys (exchange issue)",
}

SCOPE_TEXT = {
    Scope.NONE: "—",
    Scope.OWN: "own cases",
    Scope.OFFICE: "office's cases",
    Scope.AGENCY: "agency's cases",
    Scope.NATIONAL: "every agency in the country",
}


def render() -> str:
    lines = [
        "# Roles: what each may see and do",
        "",
        "Generated from `src/kinlink/accounts/roles.py` by "
        "`python -m kinlink.accounts.roles_doc > docs/roles.md`; a test keeps the two equal.",
        "",
        "Every query on child data is scoped to the user (a restricted queryset that fails "
        "closed), every read and change of a child's record is audited, and an id outside the "
        "user's scope answers 404 — as if it did not exist.",
        "",
        "| role | reads cases | changes cases | second factor | may also |",
        "|---|---|---|---|---|",
    ]
    for role in Role:
        scopes = CASE_SCOPES[role]
        view = SCOPE_TEXT[scopes["view"]]
        if role == Role.MANAGER:
            view += " (national oversight: every agency in the country)"
        caps = "; ".join(CAPABILITY_TEXT[c] for c in sorted(CAPABILITIES[role]))
        mfa = "required" if role in ROLES_REQUIRING_MFA else "optional"
        lines.append(
            f"| {role.label} (`{role.value}`) | {view} | {SCOPE_TEXT[scopes['change']]} "
            f"| {mfa} | {caps} |"
        )
    lines += [
        "",
        "Rules that hold for every role:",
        "",
        "- Nobody approves what they submitted themselves (four-eyes).",
        "- Supervisors approve only within their office; managers and agency administrators "
        "read but do not change case records.",
        "- Roles without case access (cross-border coordinators, service providers, "
        "statisticians, researchers, city officials, trainers, system administrators) see no "
        "child record through the case pages or the case API; their own features (exchange, "
        "referrals, statistics, surveys, training) give them only what those features share.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")

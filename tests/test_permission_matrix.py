"""Every URL × every role against a committed table of expected answers.

The table (`tests/permission_matrix.txt`) has one row per URL name and method and one column
per persona (see tests/conftest.py). URL patterns are read from the URL configuration, so a
new endpoint without a row fails `test_every_url_has_a_row`. GET rows are requested as they
are; POST/PATCH rows with an empty body, which must never change anything (a role that may
act gets a validation answer: 200 with the form's errors, or 400). Every GET that answered
200 with child data must have left an audit entry by that persona.

To regenerate after adding an endpoint, see write_table() below, then READ the diff:
the table is the specification, not a snapshot to accept blindly.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from kinlink.accounts.mfa import activate_totp
from kinlink.cases import services as cs
from kinlink.cases.models import Approval, Assessment
from kinlink.core.models import AuditEvent
from kinlink.tracing import engine
from kinlink.tracing import services as ts
from kinlink.tracing.models import DuplicateCandidate, PotentialMatch

from .conftest import register

TABLE = Path(__file__).with_name("permission_matrix.txt")
PERSONAS = [
    "alice",
    "bob",
    "sam",
    "oscar",
    "olga",
    "ada",
    "max",
    "nina",
    "carl",
    "pia",
    "stan",
    "rita",
    "cleo",
    "tara",
    "sys",
    "umid",
    "kemal",
]
# Outside the table: Django's admin, allauth's login pages, Django's own set_language.
SKIP_PREFIXES = ("admin:", "account_", "mfa_", "set_language", "socialaccount")
SKIP_NAMES = {"javascript-catalog"}


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p, prefix + str(p.pattern), inner_ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}", prefix + str(p.pattern)


def url_patterns() -> dict[str, str]:
    out = {}
    for name, pattern in _walk(get_resolver()):
        if name.startswith(SKIP_PREFIXES) or name in SKIP_NAMES or pattern.startswith("admin/"):
            continue
        out[name] = pattern
    return out


# A domain may keep its rows in tests/<namespace>/permission_matrix.txt and the objects its
# URLs need in tests/<namespace>/matrix_objects.py: build(world=, base=, capture=) -> dict,
# with an optional PK_FOR = {"ns:url_name": "key of the object the <pk> stands for"}.
TESTS = Path(__file__).parent


def table_files() -> list[Path]:
    return [TABLE, *sorted(TESTS.glob("*/permission_matrix.txt"))]


def owner_file(name: str) -> Path:
    ns = name.split(":")[0] if ":" in name else ""
    own = TESTS / ns / "permission_matrix.txt"
    return own if ns and own.exists() else TABLE


def object_modules():
    import importlib

    return [
        importlib.import_module(f"tests.{p.parent.name}.matrix_objects")
        for p in sorted(TESTS.glob("*/matrix_objects.py"))
    ]


def read_table() -> dict[tuple[str, str], dict[str, int]]:
    rows = {}
    for table in table_files():
        for line in table.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, method, *codes = line.split()
            assert len(codes) == len(PERSONAS), f"row {name} {method} needs {len(PERSONAS)} codes"
            rows[(name, method)] = dict(zip(PERSONAS, map(int, codes), strict=True))
    return rows


@pytest.fixture
def objects(world, django_capture_on_commit_callbacks):
    """One case of Alice's with something of every kind, and an approval waiting for Sam."""
    capture = django_capture_on_commit_callbacks
    case = register(world.alice)
    initial = Assessment.objects.system("test").get(case=case, kind="initial")
    cs.assessment_save(
        actor=world.alice,
        case_id=case.pk,
        assessment_id=initial.pk,
        findings={"safety": "x"},
        child_views="",
        proposed_risk_level="high",
    )
    cs.assessment_submit(actor=world.alice, case_id=case.pk, assessment_id=initial.pk)
    approval = Approval.objects.system("test").get(case=case, state="pending")
    consent = cs.consent_record(
        actor=world.alice,
        case_id=case.pk,
        data=cs.ConsentInput(
            given_by="caregiver", kind="consent", given_on=date.today(), for_services=True
        ),
    )
    attachment = cs.attachment_add(
        actor=world.alice, case_id=case.pk, kind="document", title="Letter", data=b"%PDF-1.4 test"
    )
    # a second case with a draft plan (plans follow an approved comprehensive assessment)
    planned = register(world.alice, given="Юлія", family="Коваль")
    for kind in ("initial", "comprehensive"):
        a = Assessment.objects.system("test").get(case=planned, kind=kind)
        cs.assessment_save(
            actor=world.alice,
            case_id=planned.pk,
            assessment_id=a.pk,
            findings={"family": "x"},
            child_views="",
            proposed_risk_level="low",
        )
        cs.assessment_submit(actor=world.alice, case_id=planned.pk, assessment_id=a.pk)
        ap = Approval.objects.system("test").get(
            case=planned, subject="assessment", state="pending"
        )
        cs.approval_decide(actor=world.sam, approval_id=ap.pk, approve=True)
    plan = cs.case_plan_create(
        actor=world.alice,
        case_id=planned.pk,
        goals=[cs.GoalInput("Family care", "family", [("Find a kinship carer", "Alice", None)])],
    )
    action = plan.goals.get().actions.get()
    # tracing: Alice's child (with tracing consent) and a near-duplicate registration of it;
    # Olga (another office) looks for "Muhammad Rakhimov"; matching runs on commit
    engine.reset()
    with capture(execute=True):
        cs.consent_record(
            actor=world.alice,
            case_id=case.pk,
            data=cs.ConsentInput(
                given_by="caregiver", kind="consent", given_on=date.today(), for_tracing=True
            ),
        )
    with capture(execute=True):
        twin = register(world.alice, given="Muhammad", family="Rakhimov")
    with capture(execute=True):
        cs.consent_record(
            actor=world.alice,
            case_id=twin.pk,
            data=cs.ConsentInput(
                given_by="caregiver", kind="consent", given_on=date.today(), for_tracing=True
            ),
        )
    with capture(execute=True):
        request = ts.tracing_request_create(
            actor=world.olga,
            data=ts.RequestInput(
                enquirer_given_name="Зарина",
                enquirer_relationship="mother",
                inquiry_date=date.today(),
                traces=[ts.TraceInput(given_name="Muhammad", family_name="Rakhimov", sex="male")],
            ),
        )
    trace = request.traces.get()
    match = PotentialMatch.objects.system("test").filter(trace=trace).order_by("rank").first()
    duplicate = DuplicateCandidate.objects.system("test").get()
    verification = ts.verification_create(
        actor=world.alice,
        case_id=case.pk,
        data=ts.VerificationInput(adult_name="Зарина", relationship="mother"),
    )
    objs = {
        "pk": case.pk,
        "case_id": case.pk,
        "assessment_id": initial.pk,
        "approval_id": approval.pk,
        "consent_id": consent.pk,
        "attachment_id": attachment.pk,
        "plan_case": planned.pk,
        "plan_id": plan.pk,
        "action_id": action.pk,
        "request": request.pk,
        "trace_id": trace.pk,
        "match_id": match.pk,
        "duplicate_id": duplicate.pk,
        "verification_id": verification.pk,
        # what identifies the children: a response showing any of these is child data
        "markers": [case.number, planned.number, twin.number, "Рахимов", "Коваль", "Rakhimov"],
    }
    for module in object_modules():
        extra = module.build(world=world, base=objs, capture=capture)
        objs["markers"] = objs["markers"] + list(extra.pop("markers", []))
        objs.update(extra)
    return objs


def concrete(name: str, pattern: str, objs) -> str:
    url = "/" + pattern.replace("^", "").replace("$", "")
    ids = {k: v for k, v in objs.items() if k != "markers"}
    if "plan_id" in pattern or "action_id" in pattern:
        ids["pk"] = ids["case_id"] = ids["plan_case"]
    if name in ("tracing:request", "tracing:request_close", "tracing:trace_action"):
        ids["pk"] = ids["request"]
    for module in object_modules():
        if name in getattr(module, "PK_FOR", {}):
            ids["pk"] = ids[module.PK_FOR[name]]
    for key, value in ids.items():
        for conv in ("uuid", "str", "slug"):
            url = url.replace(f"<{conv}:{key}>", str(value))
    assert "<" not in url, f"no test object for a parameter of {name}: {pattern}"
    return url


def call(client, method, url, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    if method == "GET":
        return client.get(url, **headers)
    if method == "PATCH":
        return client.patch(url, data={}, content_type="application/json", **headers)
    if url.startswith("/api/"):
        return client.post(url, data={}, content_type="application/json", **headers)
    return client.post(url, data={}, **headers)


def observed(world, objs, persona, rows, patterns, client):
    user = getattr(world, persona)
    activate_totp(user)
    client.force_login(user)
    result = {}
    for name, method in sorted(rows):  # one order when recording and when checking
        url = concrete(name, patterns[name], objs)
        before = AuditEvent.objects.filter(actor=user).count()
        # a fresh token each time: the token pages in the table revoke and replace it
        api = url.startswith("/api/")
        token = Token.objects.get_or_create(user=user)[0].key if api else None
        resp = call(client, method, url, token)
        result[(name, method)] = resp.status_code
        if method == "GET" and resp.status_code == 200 and not resp.streaming:
            body = resp.content.decode("utf-8", "replace")
            if any(str(m) in body for m in objs["markers"]):
                assert AuditEvent.objects.filter(actor=user).count() > before, (
                    f"{persona} GET {name} showed child data without an audit entry"
                )
    return result


def test_every_url_has_a_row():
    names = set(url_patterns())
    covered = {name for name, _method in read_table()}
    missing = sorted(names - covered)
    stale = sorted(covered - names)
    assert not missing, f"URLs without a row in a permission_matrix.txt: {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"


RECORD_DIR = (
    Path(os.environ.get("KINLINK_RECORD_MATRIX", ""))
    if os.environ.get("KINLINK_RECORD_MATRIX")
    else None
)


def default_methods(name: str) -> list[str]:
    writes = (
        "create",
        "add",
        "decide",
        "submit",
        "revoke",
        "set",
        "risk",
        "consent",
        "note",
        "followup",
        "closure",
        "reopen",
        "reassign",
        "family",
        "document",
        "other_name",
        "withdraw",
        "close",
    )
    return ["POST"] if any(w in name.split(":")[-1] for w in writes) else ["GET"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(world, objects, persona, client):
    patterns = url_patterns()
    if RECORD_DIR is not None:  # developer tool: observe, then write_table()
        old = read_table()
        rows = {
            (n, m): None
            for n in patterns
            for m in ([m for (n2, m) in old if n2 == n] or default_methods(n))
        }
        got = observed(world, objects, persona, rows, patterns, client)
        RECORD_DIR.mkdir(parents=True, exist_ok=True)
        (RECORD_DIR / f"{persona}.json").write_text(
            json.dumps({f"{n} {m}": code for (n, m), code in got.items()})
        )
        return
    rows = read_table()
    got = observed(world, objects, persona, rows, patterns, client)
    wrong = {
        f"{m} {n}": (rows[(n, m)][persona], code)
        for (n, m), code in got.items()
        if rows[(n, m)][persona] != code
    }
    assert not wrong, f"{persona}: (expected, got) {wrong}"


def write_table(record_dir: Path) -> None:
    """Assemble the per-persona observations into the table (run after a recording)."""
    per = {p: json.loads((record_dir / f"{p}.json").read_text()) for p in PERSONAS}
    by_file: dict[Path, list[str]] = {}
    for key in sorted(per[PERSONAS[0]]):
        by_file.setdefault(owner_file(key.split()[0]), []).append(key)
    for table, keys in by_file.items():
        width = max(len(k.split()[0]) for k in keys) + 2
        lines = [
            "# url name".ljust(width) + "method  " + " ".join(p[:5].ljust(5) for p in PERSONAS)
        ]
        for key in keys:
            name, method = key.split()
            lines.append(
                name.ljust(width)
                + method.ljust(8)
                + " ".join(str(per[p][key]).ljust(5) for p in PERSONAS).rstrip()
            )
        table.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    import sys

    write_table(Path(sys.argv[1]))

"""Repeats inside repeats (and groups inside repeats): import, instance context of relevant,
required, constraint and calculations, count()/sum()/position(..), the form page with and
without JavaScript, export (a sheet per repeat with its parent's key) and import from
KoboToolbox XLSX and ODK Central CSV zips, with the round trip."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kinlink.questionnaires import rendering, selectors, services
from kinlink.questionnaires.engine import FormEngine
from kinlink.questionnaires.models import Response
from kinlink.questionnaires.xlsform import FormRefused, read_xlsform

from .xlsx import YN, q, workbook

SURVEY = [
    q("text", "hh_name", required="yes"),
    {"type": "begin repeat", "name": "members", "label": "Member"},
    q("text", "m_name", required="yes"),
    q("integer", "m_age", constraint=". >= 0"),
    {
        "type": "begin group",
        "name": "m_school",
        "label": "School",
        "relevant": "${m_age} >= 6 and ${m_age} < 18",
    },
    q("select_one yn", "enrolled", required="yes"),
    {"type": "end group"},
    {"type": "begin repeat", "name": "visits", "label": "Visit"},
    q("date", "v_date", required="yes"),
    q("integer", "v_age", constraint=". <= ${m_age}", constraint_message="older than the member"),
    q("text", "v_note", relevant="position(..) > 1"),
    {"type": "end repeat"},
    {"type": "calculate", "name": "m_visits", "calculation": "count(${visits})"},
    {"type": "end repeat"},
    {"type": "calculate", "name": "n_members", "calculation": "count(${members})"},
    {"type": "calculate", "name": "n_visits", "calculation": "count(${v_date})"},
    {"type": "calculate", "name": "total_age", "calculation": "sum(${m_age})"},
    q("text", "why_many", relevant="count(${v_date}) > 2", required="yes"),
]
SETTINGS = {"form_id": "household", "form_title": "Household"}


def definition():
    return read_xlsform(workbook(SURVEY, YN, SETTINGS))


def refused(survey, choices=None):
    with pytest.raises(FormRefused) as exc:
        read_xlsform(workbook(survey, choices))
    return [str(p) for p in exc.value.problems]


def answers_ok():
    return {
        "hh_name": "Home",
        "members": [
            {
                "m_name": "Ana",
                "m_age": "10",
                "enrolled": "yes",
                "visits": [{"v_date": "2025-01-02", "v_age": "9"}],
            },
            {
                "m_name": "Ben",
                "m_age": "30",
                "visits": [
                    {"v_date": "2025-02-01", "v_age": "29"},
                    {"v_date": "2025-03-01", "v_age": "29", "v_note": "second"},
                ],
            },
        ],
        "why_many": "big family",
    }


# --------------------------------------------------------------------------- import


def test_nested_repeat_and_group_inside_repeat_are_imported():
    defn = definition()
    members = next(n for n in defn["children"] if n["name"] == "members")
    kinds = [(n["name"], n["type"]) for n in members["children"]]
    assert ("m_school", "group") in kinds and ("visits", "repeat") in kinds
    engine = FormEngine(defn)
    assert engine.chain["v_date"] == ("members", "visits")
    assert engine.chain["enrolled"] == ("members",)
    # a new draft holds one member with one visit (as ODK opens a form)
    assert engine.initial()["members"] == [{"visits": [{}]}]


def test_references_across_instances_are_refused_but_count_and_sum_are_not():
    inner = [
        {"type": "begin repeat", "name": "outer", "label": "O"},
        q("integer", "o"),
        {"type": "begin repeat", "name": "inner", "label": "I"},
        q("integer", "i"),
        {"type": "end repeat"},
        {"type": "end repeat"},
    ]
    # one value of the inner repeat from the outer instance: which one? refused
    problems = refused([*inner, q("text", "x", relevant="${i} > 1")])
    assert any("${i} is inside repeat 'inner'" in p for p in problems)
    problems = refused(
        [
            inner[0],
            inner[1],
            q("text", "y", relevant="${i} > 1"),
            *inner[2:],
        ]
    )
    assert any("(y)" in p and "inside repeat 'inner'" in p for p in problems)
    # a repeat itself has no single value; position(..) needs a repeat around it
    problems = refused([*inner, q("text", "z", relevant="${outer} > 1 or position(..) = 1")])
    assert any("${outer} has no value" in p for p in problems)
    assert any("position(..) is only used inside a repeat" in p for p in problems)
    # the inner instance sees its outer instance; count()/sum() see every instance below
    defn = read_xlsform(
        workbook(
            [
                *inner[:4],
                q("integer", "j", constraint=". <= ${o}"),
                *inner[4:],
                {"type": "calculate", "name": "c", "calculation": "count(${inner}) + sum(${i})"},
            ]
        )
    )
    assert FormEngine(defn).chain["j"] == ("outer", "inner")


# ------------------------------------------------------------------ evaluation rules


def test_valid_answers_pass_and_calculations_see_the_right_instances():
    engine = FormEngine(definition())
    ev = engine.evaluate(answers_ok(), final=True, today=date(2026, 1, 1))
    assert ev.ok, ev.errors
    a = ev.answers
    assert (a["n_members"], a["n_visits"], a["total_age"]) == ("2", "3", "40")
    assert [m["m_visits"] for m in a["members"]] == ["1", "2"]  # per member, not in total
    # skip logic per instance: Ben (30) has no school group, his first visit no note
    assert "enrolled" not in a["members"][1]
    assert a["members"][1]["visits"][1]["v_note"] == "second"


def test_rules_are_checked_in_each_instance_with_paths_naming_it():
    engine = FormEngine(definition())
    bad = answers_ok()
    bad["members"][0]["enrolled"] = ""  # Ana is 10: required in her instance
    bad["members"][0]["visits"][0]["v_age"] = "12"  # older than Ana (10)…
    bad["members"][1]["visits"][0]["v_age"] = "12"  # …but not than Ben (30)
    bad["members"][1]["visits"][1]["v_date"] = "not a date"
    bad["why_many"] = ""
    ev = engine.evaluate(bad, final=True)
    assert ev.errors == {
        "members[0].enrolled": "This question needs an answer.",
        "members[0].visits[0].v_age": "older than the member",
        "members[1].visits[1].v_date": "Enter a date (YYYY-MM-DD).",
        "why_many": "This question needs an answer.",
    }


def test_irrelevant_answers_in_instances_are_dropped_and_sum_of_a_blank_is_blank():
    engine = FormEngine(definition())
    data = answers_ok()
    data["members"][1]["enrolled"] = "no"  # Ben is 30: the school group does not apply
    data["members"][0]["visits"][0]["v_note"] = "first"  # position 1: not relevant
    data["members"].append({"m_name": "Cy", "visits": []})  # no age
    ev = engine.evaluate(data, final=True)
    assert "enrolled" not in ev.answers["members"][1]
    assert "v_note" not in ev.answers["members"][0]["visits"][0]
    assert ev.answers["total_age"] == ""  # XPath sum(): an unanswered age makes NaN
    assert ev.answers["n_members"] == "3"


def test_malformed_shapes_are_cleaned_not_trusted():
    engine = FormEngine(definition())
    ev = engine.evaluate(
        {"members": [{"m_name": "A", "visits": "oops", "junk": "x"}, "not a row"], "x": 1}
    )
    assert ev.answers["members"] == [{"m_name": "A", "visits": [], "m_visits": "0"}]
    assert "x" not in ev.answers


# ----------------------------------------------------------------------- the page


class Post(dict):
    def getlist(self, key):
        value = self.get(key)
        return value if isinstance(value, list) else ([value] if value else [])


def test_posted_nested_fields_are_read_back_and_actions_navigate_paths():
    engine = FormEngine(definition())
    ev = engine.evaluate(answers_ok())
    items = rendering.build(engine, engine.definition["children"], ev, "en")
    members = next(i for i in items if i["name"] == "members")
    visits = next(c for c in members["rows"][1]["children"] if c["name"] == "visits")
    assert visits["input"] == "members__1__visits" and visits["action"] == "members/1/visits"
    second = visits["rows"][1]
    assert second["numbers"] == "2.2"
    assert [c["input"] for c in second["children"]] == [
        "members__1__visits__1__v_date",
        "members__1__visits__1__v_age",
        "members__1__visits__1__v_note",
    ]
    post = Post(
        {
            "hh_name": "Home",
            "members__count": "1",
            "members__0__m_name": "Zoe",
            "members__0__m_age": "7",
            "members__0__enrolled": "no",
            "members__0__visits__count": "2",
            "members__0__visits__0__v_date": "2025-01-01",
            "members__0__visits__1__v_date": "2025-01-05",
            "members__0__visits__1__v_note": "again",
        }
    )
    read = rendering.read_post(engine, engine.definition["children"], post, {})
    assert read["members"][0]["visits"][1] == {
        "v_date": "2025-01-05",
        "v_age": "",
        "v_note": "again",
    }
    assert rendering.apply_action(engine, read, "add:members/0/visits")
    assert len(read["members"][0]["visits"]) == 3
    assert rendering.apply_action(engine, read, "remove:members/0/visits:0")
    assert [v.get("v_date") for v in read["members"][0]["visits"]] == ["2025-01-05", None]
    assert rendering.apply_action(engine, read, "add:members")
    assert read["members"][1] == {"visits": [{}]}
    # paths that are not a repeat of this form change nothing
    before = repr(read)
    for action in (
        "add:visits",  # an inner repeat needs its parent instance
        "add:members/9/visits",
        "add:members/x/visits",
        "add:hh_name",
        "remove:members/0/visits:7",
        "remove:members:x",
        "add:members/0/m_name",
        "frobnicate:members",
    ):
        assert not rendering.apply_action(engine, read, action), action
    assert repr(read) == before


@pytest.fixture
def household(world):
    version = services.form_import(actor=world.ada, data=workbook(SURVEY, YN, SETTINGS))
    services.version_publish(actor=world.ada, version_id=version.pk)
    return version


def _draft(client, version):
    client.post(reverse("questionnaires:start", args=[version.pk]))
    return Response.objects.system("t").latest("created_at")


@pytest.mark.parametrize("htmx", [False, True])
def test_inner_instances_are_added_and_removed_on_the_page(world, login, household, htmx):
    client = login(world.alice)
    draft = _draft(client, household)
    url = reverse("questionnaires:fill", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'name="members__0__visits__count"' in page
    assert 'value="add:members/0/visits"' in page
    headers = {"HX-Request": "true"} if htmx else {}
    base = {
        "page": "0",
        "hh_name": "Home",
        "members__count": "1",
        "members__0__m_name": "Zoe",
        "members__0__m_age": "7",
        "members__0__visits__count": "1",
        "members__0__visits__0__v_date": "2025-01-01",
    }
    resp = client.post(url, {**base, "action": "add:members/0/visits"}, headers=headers)
    assert resp.status_code == 200
    visits = Response.objects.system("t").get(pk=draft.pk).answers["members"][0]["visits"]
    assert visits == [{"v_date": "2025-01-01", "v_age": ""}, {}]
    body = resp.content.decode()
    assert 'name="members__0__visits__1__v_date"' in body
    assert 'name="members__0__enrolled"' in body  # 7 years old: the school question shows
    base["members__0__visits__count"] = "2"
    client.post(url, {**base, "action": "remove:members/0/visits:0"}, headers=headers)
    visits = Response.objects.system("t").get(pk=draft.pk).answers["members"][0]["visits"]
    assert visits == [{"v_date": "", "v_age": ""}]  # the first visit went, the second stays


def test_submit_reports_errors_in_inner_instances(world, login, household):
    client = login(world.alice)
    draft = _draft(client, household)
    url = reverse("questionnaires:fill", args=[draft.pk])
    resp = client.post(
        url,
        {
            "page": "0",
            "action": "submit",
            "hh_name": "Home",
            "members__count": "1",
            "members__0__m_name": "Zoe",
            "members__0__m_age": "7",
            "members__0__enrolled": "yes",
            "members__0__visits__count": "1",
            "members__0__visits__0__v_date": "2025-01-01",
            "members__0__visits__0__v_age": "9",
        },
    )
    body = resp.content.decode()
    assert "members[0].visits[0].v_age" in body and "older than the member" in body
    assert Response.objects.system("t").get(pk=draft.pk).status == "draft"


# ------------------------------------------------------------- export and import


def _submit(world, version, answers):
    draft = services.response_start(actor=world.ada, version_id=version.pk)
    return services.response_save(
        actor=world.ada, response_id=draft.pk, answers=answers, submit=True
    )


def test_export_has_a_sheet_per_repeat_with_parent_keys(world, household):
    r = _submit(world, household, answers_ok())
    wb = load_workbook(io.BytesIO(selectors.export_xlsx(user=world.ada, version=household)))
    assert wb.sheetnames == ["household", "members", "visits"]
    members = list(wb["members"].iter_rows(values_only=True))
    assert members[0][:6] == ("_parent_id", "_index", "_parent_key", "_key", "m_name", "m_age")
    assert members[2][:4] == (str(r.pk), "2", str(r.pk), f"{r.pk}/members[2]")
    visits = list(wb["visits"].iter_rows(values_only=True))
    assert [row[2:4] for row in visits[1:]] == [
        (f"{r.pk}/members[1]", f"{r.pk}/members[1]/visits[1]"),
        (f"{r.pk}/members[2]", f"{r.pk}/members[2]/visits[1]"),
        (f"{r.pk}/members[2]", f"{r.pk}/members[2]/visits[2]"),
    ]
    zf = zipfile.ZipFile(io.BytesIO(selectors.export_zip(user=world.ada, version=household)))
    assert zf.namelist() == ["household.csv", "household-members.csv", "household-visits.csv"]


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_round_trip_with_nested_repeats(world, household, fmt):
    first = answers_ok()
    second = {
        "hh_name": "Flat",
        "members": [{"m_name": "Dee", "m_age": "40", "visits": []}],
    }
    _submit(world, household, first)
    _submit(world, household, second)
    exported = (selectors.export_xlsx if fmt == "xlsx" else selectors.export_zip)(
        user=world.ada, version=household
    )
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=exported, filename=f"x.{fmt}"
    )
    assert (result.created, result.errors) == (2, [])
    rows = Response.objects.system("t").filter(version=household)

    def strip(a):
        return {k: v for k, v in a.items() if k not in ("start", "end")}

    web = sorted((strip(r.answers) for r in rows.filter(source="web")), key=repr)
    imported = sorted((strip(r.answers) for r in rows.filter(source="import")), key=repr)
    assert imported == web
    assert imported[1]["members"][1]["visits"][1]["v_note"] == "second"


def _kobo_xlsx(visit_age="9", parent_index=1):
    wb = Workbook()
    main = wb.active
    main.title = "Household"
    main.append(["hh_name", "why_many", "_id", "_uuid", "_index"])
    main.append(["Home", "", 101, "u-1", 1])
    members = wb.create_sheet("members")
    members.append(
        [
            "members/m_name",
            "members/m_age",
            "members/m_school/enrolled",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
        ]
    )
    members.append(["Ana", 10, "yes", 1, "Household", 1, 101])
    visits = wb.create_sheet("visits")
    visits.append(
        [
            "members/visits/v_date",
            "members/visits/v_age",
            "_index",
            "_parent_table_name",
            "_parent_index",
        ]
    )
    visits.append([date(2025, 1, 2), int(visit_age), 1, "members", parent_index])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_kobo_xlsx_with_nested_repeats_is_imported(world, household):
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=_kobo_xlsx(), filename="kobo.xlsx"
    )
    assert (result.created, result.errors) == (1, [])
    a = Response.objects.system("t").get(version=household).answers
    assert a["members"][0]["visits"] == [{"v_date": "2025-01-02", "v_age": "9"}]
    assert a["members"][0]["enrolled"] == "yes" and a["n_visits"] == "1"


def test_kobo_xlsx_errors_name_the_sheet_and_row_and_nothing_is_imported(world, household):
    result = services.responses_import(
        actor=world.ada,
        version_id=household.pk,
        data=_kobo_xlsx(visit_age="12"),
        filename="kobo.xlsx",
    )
    assert result.created == 0
    assert result.errors == [("sheet visits", 2, "v_age", "older than the member")]
    result = services.responses_import(
        actor=world.ada,
        version_id=household.pk,
        data=_kobo_xlsx(parent_index=7),
        filename="kobo.xlsx",
    )
    assert result.errors == [("sheet visits", 2, "", "No parent row has the key members#7.")]
    assert not Response.objects.system("t").filter(version=household).exists()


def _csv(rows):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


def _odk_zip(member_key="uuid:a/members[1]", extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "household.csv",
            _csv([["SubmissionDate", "hh_name", "why_many", "KEY"], ["x", "Home", "", "uuid:a"]]),
        )
        zf.writestr(
            "household-members.csv",
            _csv(
                [
                    ["m_name", "m_age", "m_school-enrolled", "PARENT_KEY", "KEY"],
                    ["Ana", "10", "no", "uuid:a", member_key],
                    ["Bo", "", "", "uuid:zzz", "uuid:zzz/members[1]"],
                ]
            ),
        )
        zf.writestr(
            "household-visits.csv",
            _csv(
                [
                    ["v_date", "v_age", "v_note", "PARENT_KEY", "KEY"],
                    ["2025-01-02", "4", "", "uuid:a/members[1]", "uuid:a/members[1]/visits[1]"],
                    ["2025-01-03", "5", "x", "uuid:a/members[1]", "uuid:a/members[1]/visits[2]"],
                ]
            ),
        )
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
    return buf.getvalue()


def test_odk_central_zip_errors_name_the_file_and_row(world, household):
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=_odk_zip(), filename="odk.zip"
    )
    assert result.created == 0
    assert result.errors == [
        ("household-members.csv", 3, "", "No parent row has the key uuid:zzz.")
    ]
    result = services.responses_import(
        actor=world.ada,
        version_id=household.pk,
        data=_odk_zip(extra={"household-pets.csv": "name\nrex\n"}),
        filename="odk.zip",
    )
    assert ("household-pets.csv", 1, "", "This sheet or file matches no repeat of the form.") in (
        result.errors
    )
    assert not Response.objects.system("t").filter(version=household).exists()


def test_odk_central_zip_is_imported(world, household):
    # without the orphan row the rest imports
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_odk_zip())) as src, zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            text = src.read(name).decode()
            dst.writestr(
                name, "\r\n".join(line for line in text.split("\r\n") if "zzz" not in line)
            )
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=buf.getvalue(), filename="odk.zip"
    )
    assert (result.created, result.errors) == (1, [])
    a = Response.objects.system("t").get(version=household).answers
    assert [v["v_date"] for v in a["members"][0]["visits"]] == ["2025-01-02", "2025-01-03"]
    assert a["members"][0]["visits"][1]["v_note"] == "x"
    assert a["members"][0]["enrolled"] == "no"


def test_unreadable_files_are_refused_cleanly(world, household):
    from django.core.exceptions import ValidationError

    for data in (b"PK\x03\x04garbage", b"\xff\xfe\x00bad"):
        with pytest.raises(ValidationError):
            services.responses_import(
                actor=world.ada, version_id=household.pk, data=data, filename="f"
            )
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    with pytest.raises(ValidationError):
        services.responses_import(
            actor=world.ada, version_id=household.pk, data=empty_zip.getvalue(), filename="z"
        )


def test_a_single_csv_named_like_a_repeat_is_the_main_table(world, household):
    data = b"hh_name,why_many\nHome,\n"
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=data, filename="members.csv"
    )
    assert (result.created, result.errors) == (1, [])
    answers = Response.objects.system("t").get(version=household).answers
    assert answers["hh_name"] == "Home" and answers["members"] == []


def test_more_instances_than_kept_are_refused_not_dropped(world, household):
    rows = [["hh_name", "why_many", "KEY"], ["Home", "", "uuid:a"]]
    members = [["m_name", "PARENT_KEY", "KEY"]] + [
        [f"M{i}", "uuid:a", f"uuid:a/members[{i}]"] for i in range(1, 202)
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("household.csv", _csv(rows))
        zf.writestr("household-members.csv", _csv(members))
    result = services.responses_import(
        actor=world.ada, version_id=household.pk, data=buf.getvalue(), filename="odk.zip"
    )
    assert result.created == 0
    assert result.errors == [
        ("household.csv", 2, "members", "More than 200 instances of this repeat in one row.")
    ]

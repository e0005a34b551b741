"""Generate N realistic cases into a separate benchmark database (never the dev database).

    .venv/bin/python bench/stats/generate.py --cases 1000000 --db sqlite
    .venv/bin/python bench/stats/generate.py --cases 1000000 --db postgres

One Kinlink node is one country: every case is in the node's country ("KZ"), spread over 17
first-level administrative areas and 51 offices of 12 agencies, registered from 2019 to
September 2026 (growing by year). Children: ages 0-17 skewed to adolescents, with dates of
birth known, estimated, replaced by an (estimated) age in years, or unknown; sex; one or two
nationalities (or none recorded); protection and migratory status, disability, birth
registration, statelessness risk. Cases: status and stage (older cases more often closed),
risk level, separation date, consents for statistics with refusals, withdrawals and
lawful-basis overrides (pending, approved, rejected), initial and comprehensive assessments,
case plans (some with a second version) and reunifications after verification. Every draw
comes from one seeded ``random.Random``: the same seed and size give the same records.

Rows are written straight into the real tables after ``migrate``: ``executemany`` in one
transaction on SQLite, ``COPY`` on PostgreSQL. No audit events are written (the bulk load
bypasses the services; nothing is audited for records that were never viewed or changed).

The database is kept and reused: ``bench_meta`` records the size and seed of a completed
generation; a database without it (or of another size or seed) is dropped and regenerated.
SQLite files go to bench/out/stats/ (gitignored); PostgreSQL databases are named
``kinlink_bench_stats_<N>`` on ``KINLINK_BENCH_PG`` (default postgresql://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out" / "stats"
PG_SERVER = os.environ.get("KINLINK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
sys.path.insert(0, str(REPO / "src"))

COUNTRY = "KZ"
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2026, 9, 30)  # the data set's "today"
YEAR_WEIGHTS = {2019: 6, 2020: 7, 2021: 9, 2022: 12, 2023: 14, 2024: 16, 2025: 18, 2026: 14}
# (administrative area, weight, cities)
AREAS = [
    ("Almaty", 14, ["Almaty"]),
    ("Astana", 9, ["Astana"]),
    ("Shymkent", 8, ["Shymkent"]),
    ("Almaty Region", 9, ["Konaev", "Talgar", "Kaskelen"]),
    ("Turkistan Region", 10, ["Turkistan", "Kentau", "Saryagash"]),
    ("Zhambyl Region", 6, ["Taraz", "Shu"]),
    ("Kyzylorda Region", 4, ["Kyzylorda", "Aralsk"]),
    ("Karaganda Region", 6, ["Karaganda", "Temirtau"]),
    ("East Kazakhstan Region", 4, ["Oskemen", "Ridder"]),
    ("Abai Region", 3, ["Semey"]),
    ("Pavlodar Region", 3, ["Pavlodar", "Ekibastuz"]),
    ("Kostanay Region", 3, ["Kostanay", "Rudny"]),
    ("Aktobe Region", 4, ["Aktobe"]),
    ("Atyrau Region", 3, ["Atyrau"]),
    ("Mangystau Region", 4, ["Aktau", "Zhanaozen"]),
    ("West Kazakhstan Region", 3, ["Oral"]),
    ("Zhetysu Region", 3, ["Taldykorgan", "Zharkent"]),
]
SEX = (["male", "female", "other", "unknown"], [58, 40, 0.5, 1.5])
AGE_WEIGHTS = [2] * 5 + [3] * 5 + [5] * 5 + [9] * 3  # ages 0..17
PROTECTION = (
    ["unaccompanied", "separated", "accompanied", "left_behind", "none"],
    [22, 15, 18, 35, 10],
)
MIGRATORY = {
    "left_behind": (["national", "returnee", "unknown"], [85, 10, 5]),
    "none": (["national", "returnee", "idp", "unknown"], [60, 25, 5, 10]),
    "accompanied": (
        ["refugee", "asylum_seeker", "temporary_protection", "migrant_regular", "idp", "unknown"],
        [30, 20, 10, 20, 5, 15],
    ),
    "unaccompanied": (
        [
            "refugee",
            "asylum_seeker",
            "migrant_irregular",
            "migrant_regular",
            "stateless",
            "returnee",
            "unknown",
        ],
        [25, 20, 25, 10, 5, 10, 5],
    ),
}
MIGRATORY["separated"] = MIGRATORY["unaccompanied"]
FOREIGN = (
    ["AF", "UZ", "TJ", "KG", "RU", "UA", "SY", "CN", "TM", "IR"],
    [25, 20, 15, 10, 8, 7, 5, 4, 4, 2],
)
DISABILITY = (["none", "some", "severe", "unknown"], [72, 10, 3, 15])
BIRTH = (["registered", "registered_no_certificate", "not_registered", "unknown"], [62, 13, 8, 17])
RISK = (["high", "medium", "low", "not_assessed"], [20, 35, 30, 15])
OPEN_STAGES = (
    ["registered", "assessment", "case_plan", "implementation", "follow_up", "closure_pending"],
    [15, 20, 20, 30, 12, 3],
)
SOURCES = (
    ["border", "reception", "outreach", "self", "school", "health", "agency", "cross_border"],
    [20, 10, 15, 15, 10, 8, 15, 7],
)
CLOSURE = ["reunified", "goals_met", "age_18", "transferred", "moved_away", "other"]
# consent for statistics (rule 48): what is recorded for a case
CONSENT = (
    [
        "yes",
        "refused",
        "none",
        "withdrawn",
        "withdrawn_then_yes",
        "override_pending",
        "override_approved",
        "override_rejected",
    ],
    [78, 7, 5, 3, 2, 2.5, 2, 0.5],
)
SYLLABLES = [
    "ka",
    "la",
    "mi",
    "to",
    "ru",
    "sa",
    "na",
    "de",
    "li",
    "vo",
    "ar",
    "en",
    "is",
    "ul",
    "ma",
    "ba",
    "te",
    "zo",
    "ni",
    "ko",
    "ya",
    "da",
    "ri",
]


# ----------------------------------------------------------------------- databases


def sqlite_path(n: int) -> Path:
    return OUT / f"stats_{n}.sqlite3"


def pg_name(n: int) -> str:
    return f"kinlink_bench_stats_{n}"


def database_url(db: str, n: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(n)}"
    return f"{PG_SERVER}/{pg_name(n)}"


def _meta_matches(rows, n: int, seed: int) -> bool:
    return bool(rows) and tuple(rows[0]) == (n, seed)


def generated(db: str, n: int, seed: int) -> bool:
    """True when the benchmark database holds a completed generation of this size and seed."""
    query = "SELECT n, seed FROM bench_meta"
    if db == "sqlite":
        path = sqlite_path(n)
        if not path.exists():
            return False
        con = sqlite3.connect(path)
        try:
            return _meta_matches(con.execute(query).fetchall(), n, seed)
        except sqlite3.Error:
            return False
        finally:
            con.close()
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/{pg_name(n)}") as con:
            return _meta_matches(con.execute(query).fetchall(), n, seed)
    except psycopg.Error:
        return False


def reset(db: str, n: int) -> None:
    """Drop the benchmark database of this size (never anything else) and create it empty."""
    if db == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(n)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{pg_name(n)}"')
        con.execute(f'CREATE DATABASE "{pg_name(n)}"')


def setup_django(db: str, n: int) -> None:
    """Point Django at the benchmark database (before anything imports the settings)."""
    if "django" in sys.modules and "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            raise RuntimeError("Django is already set up")
    os.environ["DATABASE_URL"] = database_url(db, n)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinlink.settings.base"
    os.environ.setdefault("KINLINK_VAR_DIR", str(OUT / "var"))
    (OUT / "var").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


# ----------------------------------------------------------------------- writing rows


class Writer:
    """Rows (dicts of attribute names) into one model's table, in the backend's own types."""

    def __init__(self, model, connection):
        self.model = model
        self.table = model._meta.db_table
        self.sqlite = connection.vendor == "sqlite"
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.defaults = [self._prep(f, f.get_default()) for f in self.fields]
        self.convs = [self._conv(f) for f in self.fields]
        self.rows: list[tuple] = []

    def _conv(self, field):
        kind = field.get_internal_type()
        if kind == "ForeignKey":
            kind = field.target_field.get_internal_type()
        if kind == "JSONField":
            return json.dumps
        if not self.sqlite:
            return None
        if kind == "UUIDField":
            return lambda v: v.hex
        if kind == "DateTimeField":
            return str  # naive datetimes, in UTC (as Django stores them on SQLite)
        if kind == "DateField":
            return str
        if kind == "BooleanField":
            return int
        return None

    def _prep(self, field, value):
        if value is None:
            return None
        conv = self._conv(field)
        return conv(value) if conv else value

    def add(self, values: dict) -> None:
        row = []
        for name, default, conv in zip(self.attnames, self.defaults, self.convs, strict=True):
            if name in values:
                v = values[name]
                row.append(conv(v) if conv is not None and v is not None else v)
            else:
                row.append(default)
        self.rows.append(tuple(row))

    def flush(self, cursor) -> int:
        n = len(self.rows)
        if not n:
            return 0
        cols = ", ".join(f'"{c}"' for c in self.columns)
        if self.sqlite:
            marks = ", ".join("?" for _c in self.columns)
            cursor.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', self.rows)
        else:
            raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
            with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.rows = []
        return n


# ----------------------------------------------------------------------- the records


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self._cum: dict = {}
        self.year_days = []
        for year, weight in YEAR_WEIGHTS.items():
            first = date(year, 1, 1)
            last = min(date(year, 12, 31), LAST_DAY)
            self.year_days.append((first, (last - first).days + 1, weight))

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, choices):
        values, weights = choices
        cum = self._cum.get(id(weights))
        if cum is None:
            cum = self._cum[id(weights)] = list(itertools.accumulate(weights))
        return self.rng.choices(values, cum_weights=cum)[0]

    def name(self, parts: int = 2) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _i in range(parts)).capitalize()

    def registered_day(self) -> date:
        first, days, _w = self.rng.choices(self.year_days, [w for *_x, w in self.year_days])[0]
        return first + timedelta(days=self.rng.randrange(days))

    def at(self, day: date, lo: int = 7, hi: int = 20) -> datetime:
        return datetime(day.year, day.month, day.day) + timedelta(
            seconds=self.rng.randrange(lo * 3600, hi * 3600)
        )

    def child(self, registered: date) -> dict:
        r = self.rng
        protection = self.pick(PROTECTION)
        migratory = self.pick(MIGRATORY[protection])
        age = r.choices(range(18), AGE_WEIGHTS)[0]
        born = registered - timedelta(days=age * 365 + r.randrange(365))
        rec: dict = {
            "sex": self.pick(SEX),
            "protection_status": protection,
            "migratory_status": migratory,
            "disability": self.pick(DISABILITY),
        }
        mode = r.random()
        if mode < 0.55:  # date of birth known
            rec["date_of_birth"] = born
        elif mode < 0.70:  # estimated date of birth: 1 January or 1 July of the estimated year
            rec["date_of_birth"] = date(born.year, 1 if r.random() < 0.7 else 7, 1)
            rec["date_of_birth_estimated"] = True
        elif mode < 0.90:  # an age in years, recorded at or a little before registration
            rec["age_years"] = age
            rec["age_recorded_on"] = registered - timedelta(days=r.choice((0, 0, 0, 3, 30, 200)))
            rec["age_estimated"] = r.random() < 0.7
        elif mode < 0.92:  # an age without the day it was recorded
            rec["age_years"] = age
            rec["age_estimated"] = True
        elif mode < 0.999:  # unknown age
            pass
        else:  # a data entry error: born after registration (no age)
            rec["date_of_birth"] = registered + timedelta(days=r.randrange(1, 400))
        if migratory in ("national", "idp") or (migratory == "returnee" and r.random() < 0.8):
            nats = [COUNTRY]
        elif migratory == "stateless" or r.random() < 0.06:
            nats = []
        else:
            nats = [self.pick(FOREIGN)]
            if r.random() < 0.04:
                nats.append(self.pick(FOREIGN))
        rec["nationalities"] = nats
        if migratory == "stateless":
            rec["birth_registration"] = "not_registered" if r.random() < 0.6 else "unknown"
            rec["statelessness_risk"] = r.random() < 0.7
        else:
            rec["birth_registration"] = self.pick(BIRTH)
            rec["statelessness_risk"] = r.random() < (
                0.15 if rec["birth_registration"] == "not_registered" else 0.01
            )
        rec["languages"] = ["kk"] if nats == [COUNTRY] else ["ru"]
        rec["given_name"] = self.name(2)
        rec["family_name"] = self.name(3)
        return rec


def build_org(rng: random.Random):
    """Agencies, offices and one caseworker per office (through the ORM: a few rows)."""
    from kinlink.accounts.models import Agency, Office, User

    offices = []
    gov = Agency.objects.create(name="Child Rights Committee", code="bench-crc", country=COUNTRY)
    ngos = [
        Agency.objects.create(name=f"Children's Aid {i}", code=f"bench-ngo{i}", country=COUNTRY)
        for i in range(1, 12)
    ]
    for a, (area, weight, cities) in enumerate(AREAS):
        for k, city in enumerate(cities * (3 // len(cities) or 1)):
            agency = gov if k == 0 else ngos[(a + k) % len(ngos)]
            office = Office.objects.create(
                agency=agency,
                name=f"{city} office {k + 1}",
                code=f"o{a}-{k}",
                city=city,
                admin_area=area,
            )
            user = User(
                username=f"bench.cw{a}.{k}",
                role="caseworker",
                agency=agency,
                office=office,
            )
            user.set_unusable_password()
            user.save()
            offices.append((office, agency, user, weight / (3 // len(cities) or 1)))
    return offices


def generate(n: int, seed: int, chunk: int = 20000, log=print) -> dict:
    from django.db import connection, transaction

    from kinlink.cases.models import Assessment, Case, CasePlan, Child, Consent
    from kinlink.tracing.models import Reunification, Verification

    g = Generator(seed)
    r = g.rng
    started = time.monotonic()
    counts = dict.fromkeys(
        ["child", "case", "consent", "assessment", "caseplan", "verification", "reunification"], 0
    )
    with transaction.atomic():
        offices = build_org(r)
    weights = [w for *_x, w in offices]
    writers = {
        "child": Writer(Child, connection),
        "case": Writer(Case, connection),
        "consent": Writer(Consent, connection),
        "assessment": Writer(Assessment, connection),
        "caseplan": Writer(CasePlan, connection),
        "verification": Writer(Verification, connection),
        "reunification": Writer(Reunification, connection),
    }
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA synchronous=OFF")
        else:
            cur.execute("SET synchronous_commit TO off")
    for start in range(0, n, chunk):
        for i in range(start, min(n, start + chunk)):
            _one_case(g, r, i, offices, weights, writers)
        with transaction.atomic(), connection.cursor() as cur:
            for key, w in writers.items():
                counts[key] += w.flush(cur)
        log(f"  {min(n, start + chunk):>9,} cases  {time.monotonic() - started:6.1f} s")
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (n integer, seed integer)")
        cur.execute("DELETE FROM bench_meta")
        cur.execute("INSERT INTO bench_meta VALUES (%s, %s)", [n, seed])
        cur.execute("ANALYZE")
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _one_case(g: Generator, r: random.Random, i: int, offices, weights, w) -> None:
    office, agency, owner, _wt = r.choices(offices, weights)[0]
    day = g.registered_day()
    registered = g.at(day)
    identified = registered - timedelta(hours=min(24 * 30, r.lognormvariate(1.5, 1.3)))
    child = g.child(day)
    child_id, case_id = g.uid(), g.uid()
    child.update(id=child_id, created_at=registered, updated_at=registered)
    w["child"].add(child)
    protection = child["protection_status"]
    # status and stage: older cases are more often closed
    age_days = (LAST_DAY - day).days
    u = r.random()
    closed_at = None
    stage = "registered"
    if u < 0.025:
        status = "duplicate"
        closed_at = registered + timedelta(days=r.randrange(1, 60))
    elif u < 0.055:
        status = "transferred"
        stage = "implementation"
        closed_at = registered + timedelta(days=r.randrange(10, 300))
    elif r.random() < min(0.92, age_days / 900):
        status = "closed"
        stage = "closed"
        closed_at = registered + timedelta(days=min(age_days, int(r.lognormvariate(5.3, 0.7))))
    else:
        status = "open"
        stage = g.pick(OPEN_STAGES)
    if closed_at and closed_at.date() > LAST_DAY:
        closed_at = g.at(LAST_DAY)
    separation = None
    if protection in ("unaccompanied", "separated") and r.random() < 0.8:
        separation = identified.date() - timedelta(days=int(r.lognormvariate(3.5, 1.2)) % 700)
    w["case"].add(
        {
            "id": case_id,
            "created_at": registered,
            "updated_at": closed_at or registered,
            "child_id": child_id,
            "number": f"BENCH-{g.seed}-{i:07d}",
            "agency_id": agency.pk,
            "office_id": office.pk,
            "owner_id": owner.pk,
            "status": status,
            "stage": stage,
            "risk_level": g.pick(RISK),
            "identified_at": identified,
            "registered_at": registered,
            "assigned_at": registered + timedelta(minutes=r.randrange(5, 600)),
            "identification_source": g.pick(SOURCES),
            "separation_date": separation,
            "closure_reason": r.choice(CLOSURE) if status == "closed" else "",
            "closed_at": closed_at,
        }
    )
    _consents(g, r, case_id, day, registered, owner, w["consent"])
    if status == "duplicate":
        return
    # assessments and plans, consistent with the stage
    advanced = stage != "registered"
    if advanced and r.random() < 0.92:
        done = r.random() < 0.9
        completed = identified + timedelta(hours=r.lognormvariate(3.3, 0.9)) if done else None
        w["assessment"].add(
            {
                "id": g.uid(),
                "created_at": registered,
                "updated_at": completed or registered,
                "case_id": case_id,
                "kind": "initial",
                "state": "approved" if done else "draft",
                "due_at": identified + timedelta(hours=72),
                "completed_at": completed,
                "proposed_risk_level": g.pick(RISK),
                "author_id": owner.pk,
            }
        )
        if stage not in ("assessment",) and r.random() < 0.5:
            comp = completed + timedelta(days=r.randrange(7, 40)) if completed else None
            w["assessment"].add(
                {
                    "id": g.uid(),
                    "created_at": registered,
                    "updated_at": comp or registered,
                    "case_id": case_id,
                    "kind": "comprehensive",
                    "state": "approved" if comp else "pending",
                    "completed_at": comp,
                    "author_id": owner.pk,
                }
            )
    planned = stage in ("implementation", "follow_up", "closure_pending") or (
        stage == "closed" and r.random() < 0.7
    )
    if stage == "case_plan" or planned:
        approved = identified + timedelta(days=r.lognormvariate(2.6, 0.8)) if planned else None
        w["caseplan"].add(
            {
                "id": g.uid(),
                "created_at": registered,
                "updated_at": approved or registered,
                "case_id": case_id,
                "version": 1,
                "state": "approved" if approved else "pending",
                "approved_at": approved,
                "author_id": owner.pk,
            }
        )
        if approved and r.random() < 0.12:
            w["caseplan"].add(
                {
                    "id": g.uid(),
                    "created_at": approved,
                    "updated_at": approved,
                    "case_id": case_id,
                    "version": 2,
                    "state": "approved",
                    "approved_at": approved + timedelta(days=r.randrange(60, 200)),
                    "author_id": owner.pk,
                }
            )
    # reunification after verification
    if protection in ("unaccompanied", "separated") and (
        (stage == "closed" and r.random() < 0.35) or (stage == "follow_up" and r.random() < 0.4)
    ):
        start_day = separation or identified.date()
        on = min(LAST_DAY, identified.date() + timedelta(days=int(r.lognormvariate(4.0, 0.8))))
        on = max(on, start_day)
        ver_id = g.uid()
        adult = f"{g.name(2)} {g.name(3)}"
        relationship = r.choice(["mother", "father", "grandparent", "aunt_uncle", "sibling"])
        w["verification"].add(
            {
                "id": ver_id,
                "created_at": registered,
                "updated_at": registered,
                "case_id": case_id,
                "adult_name": adult,
                "relationship": relationship,
                "status": "verified",
                "approval_state": "approved",
                "recommendation": "reunify",
                "verified_on": on,
                "author_id": owner.pk,
            }
        )
        w["reunification"].add(
            {
                "id": g.uid(),
                "created_at": registered,
                "updated_at": registered,
                "case_id": case_id,
                "verification_id": ver_id,
                "adult_name": adult,
                "relationship": relationship,
                "place": "home",
                "reunified_on": on,
                "kind": r.choice(["case_by_case", "spontaneous", "cross_border", "mediation"]),
                "author_id": owner.pk,
            }
        )


def _consents(g: Generator, r: random.Random, case_id, day, registered, owner, w) -> None:
    scenario = g.pick(CONSENT)
    if scenario == "none":
        return

    def add(**values):
        base = {
            "id": g.uid(),
            "created_at": registered,
            "updated_at": registered,
            "case_id": case_id,
            "given_by": "caregiver",
            "kind": "consent",
            "given_on": day,
            "for_services": True,
            "for_tracing": r.random() < 0.8,
            "for_reporting": True,
            "share_with": ["service_providers"],
            "recorded_by_id": owner.pk,
        }
        base.update(values)
        w.add(base)

    if scenario == "yes":
        add(given_by=r.choice(["caregiver", "caregiver", "guardian", "child"]))
        if r.random() < 0.25:
            add(given_by="child", kind="assent")
    elif scenario == "refused":
        add(for_reporting=False)
    elif scenario == "withdrawn":
        add(withdrawn_at=registered + timedelta(days=r.randrange(1, 300)))
    elif scenario == "withdrawn_then_yes":
        add(withdrawn_at=registered + timedelta(days=r.randrange(1, 30)))
        add(given_on=day + timedelta(days=30), given_by="guardian")
    else:
        state = scenario.removeprefix("override_")
        add(
            given_by="caseworker",
            override_basis=r.choice(["best_interests", "vital_interest"]),
            override_state=state,
        )


def ensure(db: str, n: int, seed: int, log=print) -> None:
    """Set Django up on the benchmark database, generating it first when it is not there."""
    if generated(db, n, seed):
        log(f"{db}: reusing the generated database of {n:,} cases (seed {seed})")
        setup_django(db, n)
        return
    log(f"{db}: generating {n:,} cases (seed {seed})")
    reset(db, n)
    setup_django(db, n)
    from django.core.management import call_command

    t = time.monotonic()
    call_command("migrate", verbosity=0)
    log(f"  migrated in {time.monotonic() - t:.1f} s")
    counts = generate(n, seed, log=log)
    log("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--force", action="store_true", help="regenerate even when present")
    args = ap.parse_args()
    if args.force:
        reset(args.db, args.cases)
    ensure(args.db, args.cases, args.seed)


if __name__ == "__main__":
    main()

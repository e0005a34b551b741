"""Build the demo world through the real services, so deadlines, audit and encryption are real.

Agencies, offices and users are created directly; every child, case, consent, assessment, plan,
follow-up, note, closure and approval goes through ``kinlink.cases.services``. Afterwards the
timestamps are moved into the past (``identified_at``, approvals, due dates...) so the demo
shows a working office: some items on time, some overdue. Everything is deterministic for a
given seed, relative to today.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kinlink.accounts.mfa import activate_totp
from kinlink.accounts.models import Agency, Office, User
from kinlink.accounts.roles import Role
from kinlink.cases import choices as c
from kinlink.cases import services as cs
from kinlink.cases.models import Case
from kinlink.core.models import SopProfile

from .agencies import (
    AGENCIES,
    CITIES,
    DEMO_PASSWORD,
    MAIN,
    MAIN_LOGINS,
    PHONE_FORMATS,
    STAFF,
    STREETS,
    AgencySpec,
    OfficeSpec,
)
from .names import EXTRA_NAMES, GROUPS, NameGroup, latin, native, romanise
from .workflow import REASON, SCENARIOS, CaseRun

DEFAULT_SEED = 20261123

S = c.Stage
P = c.ProtectionStatus
M = c.MigratoryStatus


@dataclass
class DemoLogin:
    role: str
    username: str
    password: str
    totp_secret: str
    agency: str
    office: str


@dataclass
class DemoResult:
    created: bool
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def totp_secret_for(seed: int, username: str) -> str:
    """A deterministic base32 TOTP secret (160 bits) for a demo login."""
    digest = hashlib.sha256(f"kinlink-demo:{seed}:{username}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def stored_totp_secret(user: User) -> str:
    """The TOTP secret a user's authenticator holds (decrypted), or ''."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(auth.data["secret"]) if auth else ""


def demo_exists() -> bool:
    return Agency.objects.filter(code=MAIN).exists()


def _logins() -> list[DemoLogin]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[s.username for s in MAIN_LOGINS])
        .select_related("agency", "office")
        .order_by()
    }
    out = []
    for spec in MAIN_LOGINS:
        u = users.get(spec.username)
        if u is None:
            continue
        out.append(
            DemoLogin(
                role=str(Role(u.role).label),
                username=u.username,
                password=DEMO_PASSWORD,
                totp_secret=stored_totp_secret(u),
                agency=u.agency.name if u.agency_id else "—",
                office=u.office.name if u.office_id else "—",
            )
        )
    return out


def _counts() -> dict[str, int]:
    from kinlink.cases.models import Child

    cases = Case.objects.system(REASON)
    return {
        "agencies": Agency.objects.filter(code__startswith="demo-").count(),
        "users": User.objects.count(),
        "children": Child.objects.system(REASON).count(),
        "cases": cases.count(),
        "open": cases.filter(status=c.CaseStatus.OPEN).count(),
        "overdue": cases.filter(next_due_at__lt=timezone.now()).count(),
    }


EXTRA_DATA = [
    "kinlink.demo.tracing_data",
    "kinlink.demo.care_data",
    "kinlink.demo.stats_data",
    "kinlink.demo.forms_data",
    "kinlink.demo.exchange_data",
]


def load(stdout=None, seed: int = DEFAULT_SEED) -> DemoResult:
    """Create the demo world once; on a second call change nothing and return the logins."""
    started = time.monotonic()
    SopProfile.current()
    if demo_exists():
        return DemoResult(False, _logins(), _counts(), time.monotonic() - started)
    with transaction.atomic(), _sop_cached():
        builder = _Builder(seed, stdout)
        builder.run()
    return DemoResult(True, _logins(), _counts(), time.monotonic() - started)


@contextmanager
def _sop_cached():
    """Serve ``SopProfile.current()`` from memory while loading (it does not change meanwhile);
    the services ask for it on every call, which made up a tenth of the load time."""
    profile = SopProfile.current()
    original = SopProfile.__dict__["current"]
    SopProfile.current = classmethod(lambda cls: profile)
    try:
        yield profile
    finally:
        SopProfile.current = original


# --------------------------------------------------------------------------- planning


@dataclass
class ChildPlan:
    office: Office
    office_spec: OfficeSpec
    agency_spec: AgencySpec
    group: NameGroup
    child: cs.ChildInput
    family: list[cs.FamilyInput]
    documents: list[cs.DocumentInput]
    situation: dict
    owner: User | None = None
    registrar: User | None = None
    scenario: str = "registered_new"
    origin: str = ""


class _Builder:
    def __init__(self, seed: int, stdout=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.stdout = stdout
        self.now = timezone.now()
        self.today = self.now.date()
        self.sop = SopProfile.current()
        self.agencies: dict[str, Agency] = {}
        self.offices: dict[tuple[str, str], Office] = {}
        self.users: dict[str, User] = {}
        self.phone_n = 0
        self.doc_n = 0

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    # ----------------------------------------------------------------- people

    def run(self) -> None:
        self.say("Creating agencies, offices and demo users…")
        self._agencies()
        self._users()
        plans = self._plan_children()
        self.say(f"Registering {len(plans)} children and working their cases…")
        for i, plan in enumerate(plans, 1):
            CaseRun(self, plan).run()
            if i % 50 == 0:
                self.say(f"  {i}/{len(plans)}")
        # Other domains add their demo data after the cases exist.
        for module in EXTRA_DATA:
            try:
                loader = importlib.import_module(module)
            except ModuleNotFoundError:
                continue
            loader.load(self)

    def _agencies(self) -> None:
        for spec in AGENCIES:
            agency = Agency.objects.create(name=spec.name, code=spec.code, country=spec.country)
            self.agencies[spec.code] = agency
            for o in spec.offices:
                self.offices[(spec.code, o.code)] = Office.objects.create(
                    agency=agency, name=o.name, code=o.code, city=o.city, admin_area=o.admin_area
                )

    def _users(self) -> None:
        # One hash for the shared demo password: hashing it 40 times would take seconds.
        hashed = make_password(DEMO_PASSWORD)
        lang = {a.code: a.language for a in AGENCIES}
        for spec in (*MAIN_LOGINS, *STAFF):
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.invalid",
                role=spec.role,
                agency=self.agencies.get(spec.agency),
                office=self.offices.get((spec.agency, spec.office)),
                national_oversight=spec.national_oversight,
                language="en" if spec.main else lang.get(spec.agency, "en"),
                is_staff=spec.role == Role.SYSTEM_ADMIN,
                password=hashed,
            )
            user.save()
            activate_totp(user, totp_secret_for(self.seed, spec.username))
            self.users[spec.username] = user

    def staff_of(self, spec_office: tuple[str, str], role: str) -> list[User]:
        agency_code, office_code = spec_office
        return [
            self.users[s.username]
            for s in (*MAIN_LOGINS, *STAFF)
            if s.agency == agency_code and s.office == office_code and s.role == role
        ]

    def supervisor_for(self, key: tuple[str, str], owner: User) -> User:
        """The demo supervisor approves the demo caseworker's work; the office's otherwise."""
        if owner == self.users["caseworker"]:
            return self.users["supervisor"]
        return self.staff_of(key, Role.SUPERVISOR)[-1]

    # ----------------------------------------------------------------- children

    def _plan_children(self) -> list[ChildPlan]:
        plans: list[ChildPlan] = []
        for aspec in AGENCIES:
            for ospec in aspec.offices:
                plans.extend(self._plan_office(aspec, ospec))
        plans.extend(self._near_duplicates(plans))
        return plans

    def _plan_office(self, aspec: AgencySpec, ospec: OfficeSpec) -> list[ChildPlan]:
        rng = self.rng
        key = (aspec.code, ospec.code)
        office = self.offices[key]
        workers = self.staff_of(key, Role.CASEWORKER)
        main_cw = self.users["caseworker"]
        if main_cw in workers:  # the demo caseworker carries half of the Almaty caseload
            workers = [x for w in workers if w != main_cw for x in (main_cw, w)]
        groups = [g for g, _n in ospec.population]
        weights = [n for _g, n in ospec.population]
        plans: list[ChildPlan] = []
        hh = 0
        while len(plans) < ospec.children:
            group = GROUPS[rng.choices(groups, weights)[0]]
            size = min(rng.choices([1, 2, 3], [70, 22, 8])[0], ospec.children - len(plans))
            owner = workers[hh % len(workers)]
            hh += 1
            for p in self._household(aspec, ospec, office, group, size):
                p.owner = owner
                p.registrar = self.supervisor_for(key, owner) if rng.random() < 0.1 else owner
                plans.append(p)
        # Scenarios: the demo caseworker gets every scenario at least once.
        keys, wts = list(SCENARIOS), list(SCENARIOS.values())
        main_queue = keys[:]
        rng.shuffle(main_queue)
        for p in plans:
            if p.owner == main_cw and main_queue:
                p.scenario = main_queue.pop()
            else:
                p.scenario = rng.choices(keys, wts)[0]
        return plans

    # A household's situation: protection and migratory status, who cares for the child.
    def _situation(self, group: NameGroup, country: str) -> dict:
        rng = self.rng
        g = group.key
        pick = rng.random()
        sit: dict = {"parents_in": group.nationality, "caregiver": None, "stateless": False}
        origin = group.nationality
        if g == "arab":
            origin = "SY" if rng.random() < 0.6 else "IQ"
        if g == "italian":
            origin = ""  # from the family name (see _household)
        sit["origin"] = origin
        local = group.nationality == country or g == "russian"
        if g in ("kazakh", "russian") or (g.startswith("uzbek") and country == "UZ"):
            if pick < 0.45:
                sit.update(protection=P.LEFT_BEHIND, migratory=M.NATIONAL, caregiver="grandparent")
                sit["parents_in"] = "RU" if country == "KZ" or rng.random() < 0.6 else "KZ"
            elif pick < 0.6:
                sit.update(protection=P.SEPARATED, migratory=M.NATIONAL, caregiver="aunt_uncle")
            elif pick < 0.7 and country == "UZ":
                sit.update(protection=P.ACCOMPANIED, migratory=M.RETURNEE, caregiver="mother")
            else:
                sit.update(protection=P.NONE, migratory=M.NATIONAL, caregiver="mother")
            if not local:
                sit["migratory"] = M.MIGRANT_REGULAR
        elif g in ("uzbek_latin", "uzbek_cyrillic", "tajik"):
            if country == "UZ" and g == "tajik" and pick < 0.4:
                sit.update(
                    protection=P.LEFT_BEHIND,
                    migratory=M.MIGRANT_REGULAR,
                    caregiver="grandparent",
                    parents_in="RU",
                )
            elif pick < 0.3:
                sit.update(protection=P.UNACCOMPANIED, migratory=M.MIGRANT_IRREGULAR)
            elif pick < 0.5:
                sit.update(
                    protection=P.SEPARATED, migratory=M.MIGRANT_IRREGULAR, caregiver="aunt_uncle"
                )
            else:
                sit.update(
                    protection=P.ACCOMPANIED,
                    migratory=rng.choice([M.MIGRANT_REGULAR, M.MIGRANT_IRREGULAR]),
                    caregiver="mother",
                )
        elif g in ("ukrainian", "roma"):
            if country == "UA":
                mig = M.IDP if rng.random() < 0.75 else M.NATIONAL
            else:
                mig = M.TEMPORARY_PROTECTION
            if pick < 0.15:
                sit.update(protection=P.UNACCOMPANIED, migratory=mig)
            elif pick < 0.45:
                sit.update(
                    protection=P.SEPARATED,
                    migratory=mig,
                    caregiver=rng.choice(["grandparent", "aunt_uncle"]),
                )
                sit["parents_in"] = rng.choice(["UA", "UA", "PL", "DE"])
            else:
                sit.update(protection=P.ACCOMPANIED, migratory=mig, caregiver="mother")
            if g == "roma" and rng.random() < 0.5:
                sit["stateless"] = True
        elif g in ("afghan", "arab"):
            if pick < 0.55 and country in ("PL", "IT"):
                sit.update(
                    protection=P.UNACCOMPANIED,
                    migratory=rng.choice(
                        [M.ASYLUM_SEEKER, M.ASYLUM_SEEKER, M.REFUGEE, M.MIGRANT_IRREGULAR]
                    ),
                )
            elif pick < 0.7:
                sit.update(
                    protection=P.SEPARATED, migratory=M.ASYLUM_SEEKER, caregiver="aunt_uncle"
                )
            else:
                sit.update(
                    protection=P.ACCOMPANIED,
                    migratory=rng.choice([M.REFUGEE, M.ASYLUM_SEEKER]),
                    caregiver="mother",
                )
            if g == "afghan" and rng.random() < 0.3:
                sit["stateless"] = True  # born in transit, never registered
        elif g in ("georgian", "armenian"):
            if country == "UA":
                sit.update(protection=P.NONE, migratory=M.NATIONAL, caregiver="mother")
                sit["origin"] = "UA"
            elif pick < 0.2:
                sit.update(protection=P.UNACCOMPANIED, migratory=M.ASYLUM_SEEKER)
            else:
                sit.update(
                    protection=P.ACCOMPANIED,
                    migratory=rng.choice([M.ASYLUM_SEEKER, M.MIGRANT_REGULAR]),
                    caregiver="mother",
                )
        elif g == "polish":
            sit.update(protection=P.NONE, migratory=M.NATIONAL, caregiver="mother")
        else:  # italian-born children of migrants
            sit.update(
                protection=rng.choice([P.NONE, P.ACCOMPANIED]),
                migratory=M.MIGRANT_REGULAR,
                caregiver="mother",
            )
        if sit["protection"] == P.UNACCOMPANIED:
            sit["parents_in"] = origin if rng.random() < 0.7 else rng.choice(["TR", "DE"])
        return sit

    def _ages(self, protection: str, size: int) -> list[int]:
        rng = self.rng
        if protection == P.UNACCOMPANIED:
            first = rng.choice([9, 12, 13, 14, 15, 15, 16, 16, 16, 17, 17])
        elif protection == P.LEFT_BEHIND:
            first = rng.randint(4, 15)
        else:
            first = rng.randint(0, 17)
        ages = [first]
        while len(ages) < size:
            near = [a for a in range(18) if a not in ages and abs(a - first) <= 7]
            ages.append(rng.choice(near))
        return ages

    def _phone(self, country: str) -> str:
        self.phone_n += 1
        return PHONE_FORMATS.get(country, "+00 000 000 {:02d}").format(self.phone_n % 100)

    def _address(self, country: str) -> str:
        city = self.rng.choice(CITIES.get(country, ("—",)))
        return f"{STREETS.get(country, 'Example street')} {self.rng.randint(1, 120)}, {city}"

    def _household(
        self, aspec: AgencySpec, ospec: OfficeSpec, office: Office, group: NameGroup, size: int
    ) -> list[ChildPlan]:
        rng = self.rng
        country = aspec.country
        sit = self._situation(group, country)
        fam_m, fam_f = rng.choice(group.families)
        if group.family_optional and rng.random() < 0.4:
            fam_m = fam_f = ""
        father, pat_m, pat_f = rng.choice(group.fathers)
        mother = rng.choice(group.mothers)
        ages = self._ages(sit["protection"], size)
        sexes = [rng.choice([c.Sex.MALE, c.Sex.FEMALE]) for _ in range(size)]
        if sit["protection"] == P.UNACCOMPANIED and rng.random() < 0.8:
            sexes = [c.Sex.MALE if rng.random() < 0.8 else c.Sex.FEMALE for _ in range(size)]
        givens: list[str] = []
        for sex in sexes:
            pool = [
                n for n in (group.boys if sex == c.Sex.MALE else group.girls) if n not in givens
            ]
            givens.append(rng.choice(pool))
        origin = sit["origin"] or (
            {
                "Hoxha": "AL",
                "Shehu": "AL",
                "El Idrissi": "MA",
                "Benali": "MA",
                "Mansour": "MA",
                "Popescu": "RO",
                "Ionescu": "RO",
            }.get(native(fam_m), "IT")
        )
        nationality = origin
        if group.key in ("russian",) or (group.key in ("georgian", "armenian") and country == "UA"):
            nationality = country if country in ("KZ", "UZ", "UA") else group.nationality
        parents_in = sit["parents_in"] if sit["parents_in"] else origin
        if group.key == "italian":
            parents_in = "IT"
        father_alive = rng.choices(["alive", "unknown", "dead"], [75, 18, 7])[0]
        mother_alive = rng.choices(["alive", "unknown", "dead"], [85, 12, 3])[0]
        if sit.get("caregiver") == "mother":
            mother_alive = "alive"
        plans = []
        for i in range(size):
            sex, age, given = sexes[i], ages[i], givens[i]
            family_name = native(fam_m if sex == c.Sex.MALE else fam_f)
            middle = pat_m if sex == c.Sex.MALE else pat_f
            if group.key in ("arab", "afghan"):
                middle = native(father)
            dob, dob_est, age_years = self._birth(age, sit["protection"])
            other = self._other_names(group, given, family_name, middle, fam_m, fam_f, sex)
            fam: list[cs.FamilyInput] = []
            caregiver = sit.get("caregiver")
            father_home = caregiver == "mother" and father_alive == "alive" and rng.random() < 0.5
            father_in = country if father_home else parents_in
            fam.append(
                cs.FamilyInput(
                    relationship=c.Relationship.FATHER,
                    given_name=native(father),
                    family_name=native(fam_m),
                    age_years=rng.randint(30, 50),
                    alive=father_alive,
                    is_caregiver=False,
                    lives_with_child=father_home,
                    country=father_in if father_alive != "dead" else "",
                    phone=self._phone(father_in) if father_alive == "alive" else "",
                    do_not_contact=sit["protection"] == P.NONE and rng.random() < 0.3,
                )
            )
            fam.append(
                cs.FamilyInput(
                    relationship=c.Relationship.MOTHER,
                    given_name=native(mother),
                    family_name=native(fam_f),
                    age_years=rng.randint(27, 45),
                    alive=mother_alive,
                    is_caregiver=caregiver == "mother",
                    lives_with_child=caregiver == "mother",
                    country=(country if caregiver == "mother" else parents_in)
                    if mother_alive != "dead"
                    else "",
                    phone=self._phone(country if caregiver == "mother" else parents_in)
                    if mother_alive == "alive"
                    else "",
                    address=self._address(country if caregiver == "mother" else parents_in)
                    if mother_alive == "alive"
                    else "",
                )
            )
            if caregiver in ("grandparent", "aunt_uncle"):
                rel = (
                    c.Relationship.GRANDPARENT
                    if caregiver == "grandparent"
                    else c.Relationship.AUNT_UNCLE
                )
                fam.append(
                    cs.FamilyInput(
                        relationship=rel,
                        given_name=native(rng.choice(group.mothers)),
                        family_name=native(fam_f),
                        alive="alive",
                        age_years=rng.randint(55, 72)
                        if caregiver == "grandparent"
                        else rng.randint(25, 50),
                        is_caregiver=True,
                        lives_with_child=True,
                        country=country,
                        phone=self._phone(country),
                        address=self._address(country),
                    )
                )
            for j in range(size):
                if j != i:
                    fam.append(
                        cs.FamilyInput(
                            relationship=c.Relationship.SIBLING,
                            given_name=native(givens[j]),
                            family_name=native(fam_m if sexes[j] == c.Sex.MALE else fam_f),
                            age_years=ages[j],
                            alive="alive",
                            lives_with_child=True,
                            country=country,
                        )
                    )
            if sit["protection"] == P.UNACCOMPANIED and rng.random() < 0.3:
                where = rng.choice(["DE", "TR"])
                fam.append(
                    cs.FamilyInput(
                        relationship=c.Relationship.AUNT_UNCLE,
                        given_name=native(rng.choice(group.boys)),
                        family_name=native(fam_m),
                        alive="alive",
                        country=where,
                        phone=self._phone(where),
                        address=self._address(where),
                    )
                )
            stateless = sit["stateless"]
            birth_reg = self._birth_registration(group, stateless)
            disability = rng.choices(
                [c.Disability.NONE, c.Disability.SOME, c.Disability.SEVERE, c.Disability.UNKNOWN],
                [60, 9, 3, 28],
            )[0]
            child = cs.ChildInput(
                given_name=native(given),
                family_name=family_name,
                middle_name=middle,
                sex=sex,
                protection_status=sit["protection"],
                date_of_birth=dob,
                date_of_birth_estimated=dob_est,
                age_years=age_years,
                age_estimated=dob is None,
                nationalities=[nationality] if not stateless or rng.random() < 0.5 else [],
                languages=list(group.languages),
                migratory_status=sit["migratory"],
                disability=disability,
                birth_registration=birth_reg,
                statelessness_risk=stateless or birth_reg == c.BirthRegistration.NOT_REGISTERED,
                health_notes=(
                    "Uses a wheelchair; needs an accessible placement."
                    if disability == c.Disability.SEVERE
                    else (
                        "Wears glasses; mild hearing loss in the left ear."
                        if disability == c.Disability.SOME
                        else ""
                    )
                ),
                distinguishing_marks=rng.choice(
                    ["", "", "", "Scar above the left eyebrow", "Birthmark on the right hand"]
                ),
                other_names=other,
            )
            docs = self._documents(birth_reg, nationality, age, sit["migratory"], country)
            plans.append(
                ChildPlan(
                    office=office,
                    office_spec=ospec,
                    agency_spec=aspec,
                    group=group,
                    child=child,
                    family=fam,
                    documents=docs,
                    situation=sit,
                    origin=origin,
                )
            )
        return plans

    def _birth(self, age: int, protection: str) -> tuple[date | None, bool, int | None]:
        """A date of birth, a 1 January estimate, or only an estimated age."""
        rng = self.rng
        r = rng.random()
        no_papers = protection == P.UNACCOMPANIED
        # (An age alone is only kept from 3 years: Child.age_on counts back from the day it
        # was recorded, and a case identified long ago would give a baby a negative age.)
        if r < (0.3 if no_papers else 0.1) and age >= 3:
            return None, False, age
        if r < (0.55 if no_papers else 0.2):
            return date(self.today.year - age, 1, 1), True, None
        latest = (
            self.today.replace(year=self.today.year - age)
            if not (self.today.month == 2 and self.today.day == 29)
            else date(self.today.year - age, 2, 28)
        )
        return latest - timedelta(days=rng.randint(0, 360)), False, None

    def _birth_registration(self, group: NameGroup, stateless: bool) -> str:
        rng = self.rng
        if stateless:
            return rng.choice([c.BirthRegistration.NOT_REGISTERED, c.BirthRegistration.UNKNOWN])
        if group.key in ("afghan", "arab"):
            return rng.choice(
                [
                    c.BirthRegistration.REGISTERED_NO_CERT,
                    c.BirthRegistration.REGISTERED,
                    c.BirthRegistration.UNKNOWN,
                ]
            )
        return rng.choices(
            [
                c.BirthRegistration.REGISTERED,
                c.BirthRegistration.REGISTERED_NO_CERT,
                c.BirthRegistration.UNKNOWN,
            ],
            [80, 12, 8],
        )[0]

    def _other_names(self, group, given, family_name, middle, fam_m, fam_f, sex):
        rng = self.rng
        out: list[tuple[str, str]] = []
        g_native = native(given)
        for name, kind in EXTRA_NAMES.get(g_native, []):
            if rng.random() < 0.7:
                out.append((name, kind))
        fam_src = fam_m if sex == c.Sex.MALE else fam_f
        if rng.random() < 0.45:
            if latin(given):  # written Latin spelling, or the Cyrillic of a Latin name
                spelled = " ".join(x for x in (latin(given), latin(fam_src)) if x)
                out.append((spelled, c.NameKind.SPELLING))
            elif group.translit:
                spelled = romanise(f"{g_native} {family_name}".strip(), group.translit)
                out.append((spelled, c.NameKind.SPELLING))
        return out

    def _documents(self, birth_reg, nationality, age, migratory, country):
        rng = self.rng
        docs = []
        self.doc_n += 1
        n = self.doc_n
        cc = nationality or country
        if birth_reg == c.BirthRegistration.REGISTERED:
            docs.append(
                cs.DocumentInput(
                    kind=c.DocumentKind.BIRTH_CERTIFICATE,
                    number=f"{cc}-BC-{n:07d}",
                    issuing_country=cc,
                    held=rng.random() < 0.85,
                )
            )
        if age >= 10 and rng.random() < 0.35 and nationality:
            prefix = {
                "KZ": "N",
                "UZ": "FA",
                "TJ": "400",
                "UA": "FE",
                "AF": "P0",
                "SY": "N0",
                "IQ": "A0",
                "GE": "17",
                "AM": "AT",
                "PL": "EA",
                "IT": "YA",
            }.get(cc, "X")
            docs.append(
                cs.DocumentInput(
                    kind=c.DocumentKind.PASSPORT, number=f"{prefix}{n:07d}", issuing_country=cc
                )
            )
        if migratory in (M.ASYLUM_SEEKER, M.REFUGEE):
            docs.append(
                cs.DocumentInput(
                    kind=c.DocumentKind.REFUGEE_ID,
                    number=f"{country}-AS-{n:06d}",
                    issuing_country=country,
                )
            )
        if migratory in (M.TEMPORARY_PROTECTION, M.MIGRANT_REGULAR) and rng.random() < 0.6:
            docs.append(
                cs.DocumentInput(
                    kind=c.DocumentKind.RESIDENCE_PERMIT,
                    number=f"RP-{country}-{n:06d}",
                    issuing_country=country,
                )
            )
        return docs

    # A few deliberate near-duplicates: the same child registered again elsewhere.
    def _near_duplicates(self, plans: list[ChildPlan]) -> list[ChildPlan]:
        out = []

        def first(pred):
            return next((p for p in plans if pred(p)), None)

        def office(agency_code, office_code):
            aspec = next(a for a in AGENCIES if a.code == agency_code)
            ospec = next(o for o in aspec.offices if o.code == office_code)
            return aspec, ospec, self.offices[(agency_code, office_code)]

        # 1. A Ukrainian child registered in Kyiv crosses into Poland: Latin passport spelling.
        src = first(lambda p: p.group.key == "ukrainian" and p.office.code == "KYV")
        if src:
            out.append(
                self._twin(
                    src,
                    office("demo-pl-fdp", "PRZ"),
                    latin_spelling="uk",
                    migratory=M.TEMPORARY_PROTECTION,
                )
            )
        # 2. A Kazakh girl registered by the state service and by the NGO (и / і spelling).
        src = first(
            lambda p: (
                p.group.key == "kazakh" and p.office.code == "ALA" and "и" in p.child.given_name
            )
        )
        if src:
            twin = self._twin(src, office("demo-kz-sbf", "ALN"))
            twin.child.given_name = src.child.given_name.replace("и", "і")
            out.append(twin)
        # 3. A Russian-speaking child: the same name, the age only estimated.
        src = first(lambda p: p.group.key == "russian" and p.office.code == "AST")
        if src:
            out.append(self._twin(src, office("demo-kz-cps", "ALA"), age_only=True))
        # 4. A Syrian boy registered in Rome and again in Milan.
        src = first(lambda p: p.group.key == "arab" and p.office.code == "ROM")
        if src:
            out.append(self._twin(src, office("demo-it-cdp", "MIL"), age_only=True))
        return out

    def _twin(self, src: ChildPlan, where, latin_spelling="", migratory=None, age_only=False):
        aspec, ospec, office = where
        child = cs.ChildInput(
            **{k: getattr(src.child, k) for k in cs.ChildInput.__dataclass_fields__}
        )
        child.other_names = []
        if latin_spelling:
            child.given_name = romanise(src.child.given_name, latin_spelling)
            child.family_name = romanise(src.child.family_name, latin_spelling)
            child.middle_name = ""
        if migratory:
            child.migratory_status = migratory
        if age_only:
            age = src.child.age_years
            if src.child.date_of_birth:
                age = cs.age_from_dob(src.child.date_of_birth, self.today)
            child.date_of_birth, child.date_of_birth_estimated = None, False
            child.age_years, child.age_estimated = age, True
        key = (aspec.code, ospec.code)
        owner = self.staff_of(key, Role.CASEWORKER)[-1]
        return ChildPlan(
            office=office,
            office_spec=ospec,
            agency_spec=aspec,
            group=src.group,
            child=child,
            family=[f for f in src.family if f.relationship != c.Relationship.SIBLING],
            documents=[],
            situation=src.situation,
            owner=owner,
            registrar=owner,
            scenario=self.rng.choice(["registered_new", "registered_overdue", "initial_pending"]),
            origin=src.origin,
        )

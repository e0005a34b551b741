"""Demo agencies, offices and staff. Every agency name is invented; so are the staff."""

from __future__ import annotations

from dataclasses import dataclass

from kinlink.accounts.roles import Role

DEMO_PASSWORD = "kinlink-demo-2026"
AGENCY_CODE_PREFIX = "demo-"


@dataclass(frozen=True)
class OfficeSpec:
    key: str  # unique in the demo: agency code + office code
    code: str
    name: str
    city: str
    admin_area: str
    # How many children this office registers and who they are: (name group, share).
    children: int
    population: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    country: str
    language: str  # staff's interface language
    offices: tuple[OfficeSpec, ...]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    agency: str  # agency code
    office: str = ""  # office code
    main: bool = False  # one of the printed demo logins (English interface)
    national_oversight: bool = False


# fmt: off
AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("demo-kz-cps", "Kazakhstan Child Rights Protection Service (demo)", "KZ", "ru", (
        OfficeSpec("kz-ala", "ALA", "Almaty city office", "Almaty", "Almaty", 36,
                   (("kazakh", 10), ("russian", 4), ("uzbek_latin", 5), ("tajik", 5),
                    ("afghan", 3), ("uzbek_cyrillic", 1))),
        OfficeSpec("kz-ast", "AST", "Astana city office", "Astana", "Astana", 16,
                   (("kazakh", 8), ("russian", 4), ("uzbek_cyrillic", 2), ("tajik", 2))),
    )),
    AgencySpec("demo-kz-sbf", "Steppe Bridge Children's Fund (demo)", "KZ", "ru", (
        OfficeSpec("kz-aln", "ALN", "Almaty outreach centre", "Almaty", "Almaty", 10,
                   (("tajik", 4), ("uzbek_latin", 3), ("kazakh", 3))),
    )),
    AgencySpec("demo-uz-cfs", "Uzbekistan Child and Family Support Service (demo)", "UZ", "ru", (
        OfficeSpec("uz-tas", "TAS", "Tashkent city office", "Tashkent", "Tashkent", 20,
                   (("uzbek_latin", 12), ("uzbek_cyrillic", 4), ("tajik", 2), ("russian", 2))),
        OfficeSpec("uz-skd", "SKD", "Samarkand regional office", "Samarkand", "Samarqand Region",
                   15, (("uzbek_latin", 8), ("tajik", 5), ("afghan", 2))),
    )),
    AgencySpec("demo-ua-cs", "Ukraine Children's Services (demo)", "UA", "uk", (
        OfficeSpec("ua-kyv", "KYV", "Kyiv city office", "Kyiv", "Kyiv", 15,
                   (("ukrainian", 11), ("roma", 2), ("armenian", 2))),
        OfficeSpec("ua-lvv", "LVV", "Lviv regional office", "Lviv", "Lviv Oblast", 15,
                   (("ukrainian", 11), ("roma", 4))),
    )),
    AgencySpec("demo-pl-fsc", "Polish Family Support Centre (demo)", "PL", "en", (
        OfficeSpec("pl-waw", "WAW", "Warsaw office", "Warsaw", "Masovian Voivodeship", 20,
                   (("ukrainian", 8), ("polish", 4), ("georgian", 3), ("afghan", 2),
                    ("arab", 3))),
    )),
    AgencySpec("demo-pl-fdp", "Good Stop Foundation (demo)", "PL", "en", (
        OfficeSpec("pl-prz", "PRZ", "Przemyśl border office", "Przemyśl",
                   "Podkarpackie Voivodeship", 15, (("ukrainian", 10), ("roma", 3),
                                                    ("armenian", 2))),
    )),
    AgencySpec("demo-it-mps", "Italian Minors Protection Service (demo)", "IT", "en", (
        OfficeSpec("it-rom", "ROM", "Rome office", "Rome", "Lazio", 20,
                   (("arab", 7), ("afghan", 5), ("italian", 4), ("georgian", 2),
                    ("ukrainian", 2))),
    )),
    AgencySpec("demo-it-cdp", "Casa dei Ponti (demo)", "IT", "en", (
        OfficeSpec("it-mil", "MIL", "Milan drop-in centre", "Milan", "Lombardy", 15,
                   (("arab", 5), ("afghan", 4), ("italian", 4), ("armenian", 2))),
    )),
)

MAIN = "demo-kz-cps"
MAIN_OFFICE = "ALA"

# The printed logins: one per role, English interface, in Kazakhstan (Almaty).
MAIN_LOGINS: tuple[StaffSpec, ...] = (
    StaffSpec("caseworker", "Demo", "Caseworker", Role.CASEWORKER, MAIN, MAIN_OFFICE, True),
    StaffSpec("supervisor", "Demo", "Supervisor", Role.SUPERVISOR, MAIN, MAIN_OFFICE, True),
    StaffSpec("manager", "Demo", "Manager", Role.MANAGER, MAIN, "", True,
              national_oversight=True),
    StaffSpec("agency_admin", "Demo", "Agency administrator", Role.AGENCY_ADMIN, MAIN, "", True),
    StaffSpec("crossborder", "Demo", "Cross-border coordinator", Role.CROSSBORDER, MAIN, "",
              True),
    StaffSpec("service_provider", "Demo", "Service provider", Role.SERVICE_PROVIDER,
              "demo-kz-sbf", "ALN", True),
    StaffSpec("statistician", "Demo", "Statistician", Role.STATISTICIAN, MAIN, "", True),
    StaffSpec("researcher", "Demo", "Researcher", Role.RESEARCHER, MAIN, "", True),
    StaffSpec("city_official", "Demo", "City official", Role.CITY_OFFICIAL, MAIN, MAIN_OFFICE,
              True),
    StaffSpec("trainer", "Demo", "Trainer", Role.TRAINER, "demo-kz-sbf", "", True),
    StaffSpec("system_admin", "Demo", "System administrator", Role.SYSTEM_ADMIN, "", "", True),
)

CW, SV = Role.CASEWORKER, Role.SUPERVISOR

# Caseworkers and supervisors of every office, so cases have realistic owners.
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("saule.akhmetova", "Сауле", "Ахметова", SV, MAIN, "ALA"),
    StaffSpec("dana.seitkali", "Дана", "Сейткали", CW, MAIN, "ALA"),
    StaffSpec("yerlan.omarov", "Ерлан", "Омаров", CW, MAIN, "ALA"),
    StaffSpec("marat.ospanov", "Марат", "Оспанов", SV, MAIN, "AST"),
    StaffSpec("gulnara.iskakova", "Гульнара", "Искакова", CW, MAIN, "AST"),
    StaffSpec("timur.bekov", "Тимур", "Беков", CW, MAIN, "AST"),
    StaffSpec("zhanna.kim", "Жанна", "Ким", SV, "demo-kz-sbf", "ALN"),
    StaffSpec("arman.sadykov", "Арман", "Садыков", CW, "demo-kz-sbf", "ALN"),
    StaffSpec("aizhan.muratova", "Айжан", "Муратова", CW, "demo-kz-sbf", "ALN"),
    StaffSpec("dilshod.yusupov", "Dilshod", "Yusupov", SV, "demo-uz-cfs", "TAS"),
    StaffSpec("nodira.karimova", "Nodira", "Karimova", CW, "demo-uz-cfs", "TAS"),
    StaffSpec("bekzod.aliyev", "Bekzod", "Aliyev", CW, "demo-uz-cfs", "TAS"),
    StaffSpec("feruza.rashidova", "Feruza", "Rashidova", SV, "demo-uz-cfs", "SKD"),
    StaffSpec("jasur.nematov", "Jasur", "Nematov", CW, "demo-uz-cfs", "SKD"),
    StaffSpec("malika.sobirova", "Malika", "Sobirova", CW, "demo-uz-cfs", "SKD"),
    StaffSpec("olena.bondar", "Олена", "Бондар", SV, "demo-ua-cs", "KYV"),
    StaffSpec("iryna.tkachuk", "Ірина", "Ткачук", CW, "demo-ua-cs", "KYV"),
    StaffSpec("serhii.moroz", "Сергій", "Мороз", CW, "demo-ua-cs", "KYV"),
    StaffSpec("taras.hnatyshyn", "Тарас", "Гнатишин", SV, "demo-ua-cs", "LVV"),
    StaffSpec("khrystyna.vovk", "Христина", "Вовк", CW, "demo-ua-cs", "LVV"),
    StaffSpec("andrii.savchuk", "Андрій", "Савчук", CW, "demo-ua-cs", "LVV"),
    StaffSpec("anna.nowicka", "Anna", "Nowicka", SV, "demo-pl-fsc", "WAW"),
    StaffSpec("piotr.zawadzki", "Piotr", "Zawadzki", CW, "demo-pl-fsc", "WAW"),
    StaffSpec("kasia.mazur", "Katarzyna", "Mazur", CW, "demo-pl-fsc", "WAW"),
    StaffSpec("ewa.kaczmarek", "Ewa", "Kaczmarek", SV, "demo-pl-fdp", "PRZ"),
    StaffSpec("tomasz.wrobel", "Tomasz", "Wróbel", CW, "demo-pl-fdp", "PRZ"),
    StaffSpec("natalia.hrytsenko", "Natalia", "Hrytsenko", CW, "demo-pl-fdp", "PRZ"),
    StaffSpec("giulia.conti", "Giulia", "Conti", SV, "demo-it-mps", "ROM"),
    StaffSpec("marco.deluca", "Marco", "De Luca", CW, "demo-it-mps", "ROM"),
    StaffSpec("sara.benali", "Sara", "Benali", CW, "demo-it-mps", "ROM"),
    StaffSpec("paolo.ferri", "Paolo", "Ferri", SV, "demo-it-cdp", "MIL"),
    StaffSpec("chiara.galli", "Chiara", "Galli", CW, "demo-it-cdp", "MIL"),
    StaffSpec("youssef.haddad", "Youssef", "Haddad", CW, "demo-it-cdp", "MIL"),
)
# fmt: on

# Where the demo places live, with a made-up street in the local language.
STREETS = {
    "KZ": "ул. Примерная",
    "RU": "ул. Примерная",
    "UZ": "Namuna koʻchasi",
    "TJ": "кӯчаи Намуна",
    "UA": "вул. Зразкова",
    "PL": "ul. Przykładowa",
    "IT": "Via dell'Esempio",
    "AF": "کوچه نمونه",
    "SY": "شارع المثال",
    "IQ": "شارع المثال",
    "GE": "ნიმუშის ქუჩა",
    "AM": "Օրինակի փողոց",
    "DE": "Beispielstraße",
    "TR": "Örnek Sokak",
    "AL": "Rruga Shembull",
    "MA": "زنقة المثال",
    "RO": "Strada Exemplu",
}

# Cities per country, for addresses and places of separation.
CITIES = {
    "KZ": ("Алматы", "Астана", "Шымкент", "Туркестан"),
    "RU": ("Москва", "Екатеринбург", "Новосибирск", "Казань"),
    "UZ": ("Toshkent", "Samarqand", "Andijon", "Fargʻona", "Qarshi"),
    "TJ": ("Душанбе", "Хуҷанд", "Бохтар", "Кӯлоб"),
    "UA": ("Харків", "Запоріжжя", "Миколаїв", "Херсон", "Ужгород", "Мукачево"),
    "PL": ("Warszawa", "Przemyśl", "Lublin", "Kraków"),
    "IT": ("Roma", "Milano", "Palermo", "Torino"),
    "AF": ("کابل", "هرات", "مزار شریف", "قندهار"),
    "SY": ("حلب", "حمص", "إدلب", "دير الزور"),
    "IQ": ("الموصل", "الفلوجة", "بغداد"),
    "GE": ("თბილისი", "ქუთაისი", "რუსთავი"),
    "AM": ("Երևան", "Գյումրի", "Վանաձոր"),
    "DE": ("Berlin", "München"),
    "TR": ("İstanbul", "Gaziantep"),
    "AL": ("Tiranë", "Durrës"),
    "MA": ("الدار البيضاء", "طنجة"),
    "RO": ("București", "Iași"),
}

# Fake telephone numbers: each country's format, all zeros but the last digits.
PHONE_FORMATS = {
    "KZ": "+7 700 000 00 {:02d}",
    "RU": "+7 900 000 00 {:02d}",
    "UZ": "+998 90 000 00 {:02d}",
    "TJ": "+992 90 000 00 {:02d}",
    "UA": "+380 50 000 00 {:02d}",
    "PL": "+48 500 000 0{:02d}",
    "IT": "+39 300 000 00{:02d}",
    "AF": "+93 70 000 00 {:02d}",
    "SY": "+963 900 000 0{:02d}",
    "IQ": "+964 750 000 00{:02d}",
    "GE": "+995 500 00 00 {:02d}",
    "AM": "+374 90 00 00 {:02d}",
    "DE": "+49 150 0000 00{:02d}",
    "TR": "+90 500 000 00 {:02d}",
    "AL": "+355 69 000 00{:02d}",
    "MA": "+212 600 0000{:02d}",
    "RO": "+40 700 000 0{:02d}",
}

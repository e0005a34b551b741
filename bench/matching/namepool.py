"""Large, frequency-weighted name pools for the benchmark (bench only; never imported by the
library).

Each origin group's pool is built from, in order of frequency rank:

1. the hand-written head lists in ``namedata.py`` (the most common names of the group),
2. the group's Faker locale lists where Faker has one (ru_RU, uk_UA, uz_UZ, az_AZ, tr_TR,
   fa_IR, ar_AA, ka_GE, hy_AM) — deterministic shuffle, since Faker lists are alphabetical,
3. our own extra lists below for groups Faker lacks (Kazakh, Kyrgyz, Tajik, Dari/Pashto),
4. surnames derived from the group's male given names with the group's usual suffixes
   (Central-Asian, Azerbaijani and Persian surnames are mostly a forefather's given name
   plus -ov/-ev, -zoda, -i, -zai, -pour ...).

Ranks get Zipf-like weights ``1 / (rank + K) ** S`` (``ZIPF`` below), so a few names are very
common and the tail is long, as in real registers. Faker is optional: without it the pools
are smaller (a warning is printed) and the figures are not comparable.
"""

from __future__ import annotations

import importlib
import random
import re
import sys
import unicodedata
import zlib

# (exponent S, offset K) for given names and surnames
ZIPF = {"given": (1.0, 3.0), "surname": (0.85, 8.0)}

FAKER_LOCALES = {
    "russian": ["ru_RU"],
    "ukrainian": ["uk_UA"],
    "uzbek": ["uz_UZ"],
    "azerbaijani": ["az_AZ"],
    "turkish": ["tr_TR"],
    "iranian": ["fa_IR"],
    "afghan": ["fa_IR"],
    "arab": ["ar_AA", "ar_PS", "ar_SA"],
    "georgian": ["ka_GE"],
    "armenian": ["hy_AM"],
}

# Own lists (real, common names), for groups Faker does not cover.
EXTRA = {
    "kazakh": {
        "male": "Абылай Айбар Айдар Айдын Алибек Алмат Алпамыс Аманжол Арман Арсен Асқар Асылан "
        "Ахмет Бақытжан Батыр Бауыржан Бекарыс Бекжан Болат Ғалым Дәулет Данияр Дидар Ержан "
        "Еркебұлан Еркін Ерлан Ернар Есен Жандар Жанат Жасұлан Жомарт Зейнолла Ильяс Қанат "
        "Қуаныш Қасым Мағжан Мади Мақсат Марат Мейіржан Мирас Мұхтар Назар Нұржан Нұрбол "
        "Олжас Райымбек Рауан Рүстем Сабыр Самат Сұлтан Талғат Тимур Төлеген Ұлан Шыңғыс "
        "Ілияс Әлібек Әмір Әли Бекнұр Жарас Ерасыл Ағзам Азамат Амангелді Бахытжан Жұмабек "
        "Қайсар Медет Нұрасыл Саят Серікбол Темір Ринат Даурен Әбілқайыр Жәнібек Абай",
        "female": "Айгерім Айдана Айым Ақбота Ақмарал Алия Аліма Аружан Асель Әйгерім Әсем "
        "Балауса Ботагөз Гүлжан Гүлнұр Гүлмира Дариға Дильназ Еркежан Жазира Жанерке Жұлдыз "
        "Зере Зарина Инкар Қарлығаш Қымбат Ләззат Мадина Мақпал Меруерт Мөлдір Назым Нұрай "
        "Раушан Салтанат Сандуғаш Сымбат Толғанай Тоғжан Ұлдана Ұлпан Шынар Шолпан Әлия Айсұлу "
        "Аяжан Гаухар Динара Жібек Камила Сабина Томирис Райхан Бибігүл Ақнұр Диана Алтынай",
    },
    "kyrgyz": {
        "male": "Адилет Азамат Айбек Айдар Айтмат Акылбек Алмаз Алтынбек Амантур Арстан Асылбек "
        "Атай Бакай Бактыбек Бекзат Бектур Белек Болот Дастан Жаныбек Жакшылык Жаркынбай "
        "Жолдошбек Замирбек Канат Кенжебек Кубанычбек Курманжан Мамат Манас Марлен Медер "
        "Нурислам Нурсултан Омурбек Орозбек Руслан Сагынбек Самат Сапар Сейтек Семетей Султан "
        "Таалай Талгарбек Темирлан Токтогул Төлөгөн Тынчтык Урмат Уланбек Чубак Шайлообек "
        "Эламан Элдияр Эмил Эркин Эсен Үсөн Жусуп Ысмайыл Ибраим Абдыкадыр Абдылда Бекмырза "
        "Мырзабек Рысбек Сыдык Турдубай Калык Маматкул Осмон Акмат",
        "female": "Айгүл Айдана Айзат Айжамал Айнура Айсулуу Акмаанай Алтынай Асема Бактыгүл "
        "Бегимай Бурулай Гүлнара Гүлмира Жазгүл Жаннат Жибек Жылдызкан Зарема Зуура Калыйча "
        "Канышай Каныкей Күмүшай Мадина Мээрим Мирана Назира Нуржан Нурзат Нуриза Нурайым "
        "Салтанат Сезим Толгонай Турсунай Уулжан Чынара Чынаргүл Шайыр Элиза Эльмира Эрмек "
        "Адина Аруузат Бермет Динара Камила Медина Сабина Айпери Асель",
    },
    "tajik": {
        "male": "Абдураҳмон Абдураҳим Абдуллоҳ Аброр Азамат Азизҷон Акбар Алиҷон Амирҷон Анушервон "
        "Асадулло Бахром Беҳруз Бобур Бунёд Давлат Далерҷон Довуд Зоир Ибодулло Иброҳим "
        "Идрис Илҳом Искандар Исо Ҷаҳонгир Ҷовид Карим Комил Кудрат Лутфулло Маҳмадалӣ Мансур "
        "Мирзо Муҳаммад Муҳаммадҷон Мусо Набиҷон Наим Насим Нурулло Олим Пайрав Рамазон Раҳим "
        "Раҳмон Рашид Рустам Саид Салим Самандар Сиёвуш Собир Сорбон Сулаймон Тоҳир Умар "
        "Усмон Файзулло Фаррух Фирӯз Хайрулло Хусрав Ҳамза Ҳомид Ҳусайн Шамсулло Шаҳром "
        "Шероз Шоҳрух Эраҷ Юсуф Ёқуб Ғайрат Қаҳрамон Қурбон Зиёвуддин Абубакр Бахтовар Ҳикмат "
        "Нозим Сафар Холмурод Ашур Амон Носир Сангин Давлатшоҳ Ҷалол Одина Шарифҷон",
        "female": "Адолат Азиза Анзурат Барно Гулбаҳор Гулноза Гулрухсор Гулшан Дилафрӯз Дилбар "
        "Дилором Зарафшон Зулайхо Лола Лайло Мадинахон Малоҳат Марҳабо Маъсума Меҳрона Мунира "
        "Муниса Мушарраф Наргис Нигора Нилуфархон Озода Парвона Раъно Робия Рухшона Сабо "
        "Саида Сайёра Санавбар Сарвиноз Ситорахон Соҳиба Таҳмина Туҳфа Фарангис Фарзона Фируза "
        "Ҳабиба Ҳалима Ҳамида Ҳилола Шаҳноза Шукуфа Шоира Юлдуз Зебунисо Моҳпайкар Гулчеҳра "
        "Манзура Дилнавоз Фотимахон Асал Самира Нозанин Сурайё",
    },
    "afghan": {
        "male": "عبدالرحمن:Abdul-Rahman عبدالرحیم:Abdul-Rahim عبدالقادر:Abdul-Qader "
        "عبدالغنی:Abdul-Ghani عبدالحق:Abdul-Haq عبدالودود:Abdul-Wadood گلاب:Gulab "
        "گل‌محمد:Gul-Mohammad نورمحمد:Noor-Mohammad شاه‌محمد:Shah-Mohammad "
        "دوست‌محمد:Dost-Mohammad سید:Sayed میرویس:Mirwais احمدشاه:Ahmad-Shah "
        "اجمل:Ajmal اشرف:Ashraf اکرم:Akram امان‌الله:Amanullah انور:Anwar ایمل:Aimal "
        "باری:Bari بریالی:Baryalai بلال:Bilal بهادر:Bahadur پاینده:Payenda تمیم:Tamim "
        "جاوید:Jawed جلال:Jalal جمال:Jamal حبیب:Habib حکمت‌الله:Hekmatullah حمیدالله:Hamidullah "
        "خلیل:Khalil داود:Dawood ذکریا:Zakaria رحمت‌الله:Rahmatullah رسول:Rasul رشید:Rashid "
        "زلمی:Zalmai سمیع‌الله:Samiullah سهراب:Sohrab سیف‌الله:Saifullah شاهد:Shahid "
        "شعیب:Shoaib شکور:Shakoor صدیق:Siddiq ضیاالحق:Ziaulhaq طارق:Tariq ظاهر:Zaher "
        "عارف:Aref عبدالله:Abdullah عثمان:Usman عمران:Imran غلام:Ghulam فاروق:Farooq "
        "فضل:Fazal قدیر:Qadir کبیر:Kabir لطیف:Latif مجید:Majeed محب:Mohib مسعود:Masoud "
        "منصور:Mansoor ناصر:Naser نبی:Nabi نجیب‌الله:Najibullah نصرالله:Nasrullah "
        "نوید:Naweed وحید:Waheed هارون:Haroon همایون:Humayun یحیی:Yahya یونس:Younus "
        "اسحاق:Ishaq ادریس:Idrees الیاس:Ilyas ابراهیم:Ibrahim اسماعیل:Esmail",
        "female": "آرزو:Arezo آسیه:Asia آمنه:Amena بی‌بی:Bibi پروین:Parwin پلوشه:Palwasha "
        "ترینا:Tarina جمیله:Jamila حلیمه:Halima حسینه:Hasina خاطره:Khatera رابعه:Rabia "
        "رحیمه:Rahima رخسار:Rukhsar رویا:Roya زرمینه:Zarmina زلیخا:Zulaikha زهره:Zohra "
        "ستاره:Setara سکینه:Sakina سلیمه:Salima سیما:Sima شبانه:Shabana شریفه:Sharifa "
        "شیما:Shima صالحه:Saleha صبریه:Sabria صدیقه:Sediqa طاهره:Tahera عایشه:Aisha "
        "عزیزه:Aziza فریده:Farida فرزانه:Farzana فوزیه:Fawzia قدسیه:Qudsia کریمه:Karima "
        "گلثوم:Gulsoom گلناز:Gulnaz لطیفه:Latifa مرضیه:Marzia مریم:Mariam مژگان:Mozhgan "
        "مسکا:Maska منیژه:Manizha مینا:Mina ناهید:Nahid نجیبه:Najiba نسرین:Nasrin "
        "نفیسه:Nafisa هما:Homa هیله:Hila وژمه:Wazhma یلدا:Yalda",
        "surname": "احمدزی:Ahmadzai اچکزی:Achakzai بارکزی:Barakzai نورزی:Noorzai "
        "علیزی:Alizai محمدزی:Mohammadzai سلیمانخیل:Sulaimankhel زدران:Zadran "
        "منگل:Mangal خروتی:Kharoti ترکی:Turki تاجیک:Tajik هزاره:Hazara ازبک:Uzbek "
        "نیازی:Niazi کاکړ:Kakar یوسفی:Yousufi صافی:Safi مهمند:Mohmand افریدی:Afridi "
        "لودین:Ludin عثمانی:Usmani قریشی:Qureshi فیضی:Faizi سادات:Sadat",
    },
}

# Compound given names (stem + element), common in Central Asia and Iran: Нұрбек, Айгүл,
# Алиҷон, Gulnoza, محمدجواد. Added at the tail of the ranking.
COMPOUNDS = {
    "kazakh": {
        "male": (
            "Нұр Ер Айт Бек Асыл Алтын Дос Құт Мұрат Серік Ақ Ел Бақ Жас Төре Әли Ислам "
            "Мейір Нар Сая Тұр Ғани",
            "бек жан бол лан тай хан ғали болат ғазы",
        ),
        "female": (
            "Ай Гүл Нұр Ақ Бал Жан Дана Ару Ал Ұл Күн Мөл Жұл Әсем Шын",
            "гүл жан ай сұлу ерке нұр дана",
        ),
    },
    "kyrgyz": {
        "male": (
            "Нур Эр Айт Бек Асыл Алтын Дос Мурат Акыл Эл Бак Жаш Төрө Сапар Канат Бакыт "
            "Таш Улан Мирлан Кыл",
            "бек жан бай болот тай кул бай",
        ),
        "female": (
            "Ай Гүл Нур Ак Бал Жан Алтын Ару Күн Мөл Жыл Бүбү Сезим Эл",
            "гүл жан ай сулуу нур кан бүбү",
        ),
    },
    "tajik": {
        "male": (
            "Алӣ Ҳасан Ҳусайн Карим Раҳим Саид Умар Усмон Фирдавс Далер Зафар Комрон Парвиз "
            "Шариф Азиз Ҷамшед Рустам Сино Нур Бахт",
            "ҷон шоҳ мурод бек",
        ),
        "female": (
            "Гул Моҳ Нисо Дил Шаҳ Меҳр Нур Ситора Зар Бону Мавҷ",
            "ноза рух чеҳра бону хон ноз ангез",
        ),
    },
    "uzbek": {
        "male": (
            "Ali Hasan Husan Karim Rahim Said Umar Usmon Nur Jasur Sardor Bek Shoh Mirzo "
            "Abdu Ota Dil Bahrom Farrux Jahon",
            "jon bek mirzo bobo qul murod",
        ),
        "female": (
            "Gul Oy Nur Dil Shah Mohi Zar Sevar Kamol Nigor Nodir Malik",
            "noza xon oy bonu chehra nisa jon",
        ),
    },
    "iranian": {
        "male": (
            "محمد:Mohammad امیر:Amir علی:Ali",
            "جواد:javad حسن:hasan حسین:hossein رضا:reza مهدی:mehdi صادق:sadegh "
            "باقر:bagher کاظم:kazem امین:amin طاها:taha یاسین:yasin پارسا:parsa "
            "عباس:abbas اکبر:akbar",
        ),
        "female": ("فاطمه:Fatemeh زهرا:Zahra مریم:Maryam نازنین:Nazanin", "زهرا:zahra سادات:sadat"),
    },
    "afghan": {
        "male": (
            "محمد:Mohammad احمد:Ahmad عبدال:Abdul گل:Gul نور:Noor",
            "ولی:wali رحیم:rahim کریم:karim شاه:shah جان:jan حکیم:hakim نبی:nabi",
        ),
        "female": ("گل:Gul بی‌بی:Bibi", "ناز:naz پری:pari افروز:afroz جان:jan"),
    },
}

# suffixes for surnames derived from male given names: (suffix, weight); '+' marks the
# native-script form for vowel-final names (Cyrillic -ев after a vowel).
DERIVED = {
    "kazakh": [("ов", 0.85), ("ұлы", 0.15)],
    "kyrgyz": [("ов", 0.8), ("уулу", 0.2)],
    "tajik": [("ов", 0.6), ("зода", 0.25), ("ӣ", 0.15)],
    "uzbek": [("ov", 0.8), ("zoda", 0.1), ("iy", 0.1)],
    "azerbaijani": [("ov", 0.6), ("li", 0.2), ("zadə", 0.1), ("oğlu", 0.1)],
    "russian": [("ов", 1.0)],
    "iranian": [("ی", 0.6), ("زاده", 0.25), ("پور", 0.15)],
    "afghan": [("ی", 0.5), ("زی", 0.35), ("یار", 0.15)],
    "arab": [("ال", 0.5), ("", 0.5)],
    "turkish": [("oğlu", 0.5), ("", 0.5)],
}
_LATIN_SUFFIX = {"ی": "i", "زاده": "zadeh", "پور": "pour", "زی": "zai", "یار": "yar"}
_HARAKAT = re.compile("[\u064b-\u065f\u0670\u0640]")
_CYR_VOWELS = set("аеёиоуыэюяәөұүіӣӯ")
_LAT_VOWELS = set("aeiouəıöü")


def _zipf(n: int, kind: str) -> list[float]:
    s, k = ZIPF[kind]
    return [1.0 / (i + k) ** s for i in range(n)]


def _shuffled(items: list, key: str) -> list:
    rnd = random.Random(zlib.crc32(key.encode()))
    out = list(items)
    rnd.shuffle(out)
    return out


def _faker_lists(locales: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"male": [], "female": [], "surname": [], "surname_f": []}
    for loc in locales:
        try:
            mod = importlib.import_module(f"faker.providers.person.{loc}")
        except ImportError:
            print(f"namepool: Faker locale {loc} unavailable; smaller pools", file=sys.stderr)
            continue
        p = mod.Provider
        out["male"].extend(getattr(p, "first_names_male", ()) or ())
        out["female"].extend(getattr(p, "first_names_female", ()) or ())
        ln = getattr(p, "last_names_male", None) or getattr(p, "last_names", ()) or ()
        out["surname"].extend(ln)
    for k, v in out.items():
        seen: dict[str, None] = {}
        for x in v:
            x = _HARAKAT.sub("", unicodedata.normalize("NFC", str(x))).strip()
            if x and not any(c.isdigit() for c in x):
                seen[x] = None
        out[k] = list(seen)
    return out


def _derive(group: str, male: list[tuple[str, str]]) -> list[tuple[str, str]]:
    rules = DERIVED.get(group)
    if not rules:
        return []
    out: list[tuple[str, str]] = []
    for native, hint in male:
        if " " in native or "-" in native or len(native) < 3:
            continue
        h = zlib.crc32(native.encode()) / 2**32
        acc = 0.0
        suf = rules[-1][0]
        for cand, w in rules:
            acc += w
            if h < acc:
                suf = cand
                break
        low = native.lower()
        if group in ("kazakh", "kyrgyz", "tajik", "russian") and suf == "ов":
            if low[-1] in "йь":
                native2 = native[:-1] + "ев"
            elif low[-1] in _CYR_VOWELS:
                native2 = native + "ев"
            else:
                native2 = native + "ов"
            out.append((native2, ""))
        elif group in ("uzbek", "azerbaijani") and suf == "ov":
            out.append((native + ("yev" if low[-1] in _LAT_VOWELS else "ov"), ""))
        elif group == "arab":
            out.append(
                (
                    ("ال" + native) if suf else native,
                    (("Al-" + hint) if hint else "") if suf else hint,
                )
            )
        elif group in ("iranian", "afghan"):
            lat = _LATIN_SUFFIX[suf]
            if suf == "ی" and native.endswith(("ی", "ا", "ه")):
                continue
            out.append((native + suf, (hint + lat) if hint else ""))
        else:
            out.append((native + suf, ""))
    return out


def _compounds(group: str, sex: str) -> list[tuple[str, str]]:
    spec = COMPOUNDS.get(group, {}).get(sex)
    if not spec:
        return []
    out = []
    for a in _pairs(spec[0].split()):
        for b in _pairs(spec[1].split()):
            na, ha = a
            nb, hb = b
            if na.lower() == nb.lower():
                continue
            native = na + nb.lower() if na[:1].isupper() else na + nb
            hint = (ha + hb) if ha else ""
            out.append((native, hint))
    return out


def _pairs(names: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in names:
        if ":" in item:
            a, b = item.split(":", 1)
            out.append((a, b))
        else:
            out.append((item, ""))
    return out


def _merge(*lists: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, tuple[str, str]] = {}
    for lst in lists:
        for native, hint in lst:
            key = native.lower()
            if key not in seen or (hint and not seen[key][1]):
                seen[key] = (native, hint)
    return list(seen.values())


def expand(
    group: str,
    male: list[tuple[str, str]],
    female: list[tuple[str, str]],
    surname: list[tuple[str, str]],
) -> dict[str, tuple[list[tuple[str, str]], list[float]]]:
    """Pools with Zipf weights for one group: {'male'|'female'|'surname': (names, weights)}."""
    fk = _faker_lists(FAKER_LOCALES.get(group, []))
    ex = EXTRA.get(group, {})
    ex_m = _pairs(ex.get("male", "").split())
    ex_f = _pairs(ex.get("female", "").split())
    ex_s = _pairs(ex.get("surname", "").split())
    tail_m = _shuffled(_pairs(fk["male"]) + ex_m, group + "m")
    tail_f = _shuffled(_pairs(fk["female"]) + ex_f, group + "f")
    all_m = _merge(male, tail_m, _shuffled(_compounds(group, "male"), group + "cm"))
    all_f = _merge(female, tail_f, _shuffled(_compounds(group, "female"), group + "cf"))
    derived = _derive(group, all_m)
    tail_s = _shuffled(_pairs(fk["surname"]) + ex_s + derived, group + "s")
    all_s = _merge(surname, tail_s)
    out = {}
    for key, lst, kind in (
        ("male", all_m, "given"),
        ("female", all_f, "given"),
        ("surname", all_s, "surname"),
    ):
        out[key] = (lst, _zipf(len(lst), kind))
    return out


def collision_stats(pool: dict[str, tuple[list, list[float]]]) -> dict[str, float]:
    """Σp² (probability two random people share the name) and the top name's share."""
    out = {}
    for key, (_, w) in pool.items():
        tot = sum(w)
        out[key + " n"] = len(w)
        out[key + " top"] = w[0] / tot
        out[key + " sum p2"] = sum((x / tot) ** 2 for x in w)
    return out


__all__ = ["expand", "collision_stats", "ZIPF"]

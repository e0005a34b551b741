"""Hand-written name lists for the demo children, each in its own script and conventions.

Every name here was typed for Kinlink's demo; none comes from a names data set, and the
combinations are random, so no real person is meant. A name written ``native|Latin`` carries
the Latin spelling a passport or a partner agency would use (used for other spellings).
Family names come in pairs (male form, female form) where the language inflects them.
Fathers come as (given name, patronymic of a son, patronymic of a daughter).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameGroup:
    key: str
    nationality: str
    languages: tuple[str, ...]
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    families: tuple[tuple[str, str], ...]
    fathers: tuple[tuple[str, str, str], ...]
    mothers: tuple[str, ...]
    translit: str = ""  # "ru" or "uk": derive Latin spellings from Cyrillic
    family_optional: bool = False  # many people have no family name (Afghanistan)


def native(name: str) -> str:
    return name.split("|", 1)[0]


def latin(name: str) -> str:
    return name.split("|", 1)[1] if "|" in name else ""


# fmt: off
KAZAKH = NameGroup(
    key="kazakh",
    nationality="KZ",
    languages=("kk", "ru"),
    boys=(
        "Нурлан", "Ерлан", "Арман", "Данияр", "Айбек", "Ержан", "Асхат", "Бауыржан",
        "Темірлан", "Әли", "Нұрсұлтан", "Ернар", "Мухаммед", "Алихан", "Санжар",
    ),
    girls=(
        "Айгерим", "Айдана", "Жанар", "Динара", "Аружан", "Әсем", "Гүлназ", "Мадина",
        "Жансая", "Томирис", "Аяулым", "Сабина", "Ақбота", "Інжу",
    ),
    families=(
        ("Жумабаев", "Жумабаева"), ("Сейткалиев", "Сейткалиева"), ("Абенов", "Абенова"),
        ("Касымов", "Касымова"), ("Ахметов", "Ахметова"), ("Бекмуханов", "Бекмуханова"),
        ("Нуржанов", "Нуржанова"), ("Есенов", "Есенова"), ("Тлеубаев", "Тлеубаева"),
        ("Мұратұлы", "Мұратқызы"), ("Серікұлы", "Серікқызы"), ("Жақсыбеков", "Жақсыбекова"),
    ),
    fathers=(
        ("Абен", "Абенович", "Абеновна"), ("Серик", "Серикович", "Сериковна"),
        ("Марат", "Маратович", "Маратовна"), ("Болат", "Болатович", "Болатовна"),
        ("Кайрат", "Кайратович", "Кайратовна"), ("Талгат", "Талгатович", "Талгатовна"),
        ("Даурен", "Дауренович", "Дауреновна"), ("Нурлан", "Нурланович", "Нурлановна"),
    ),
    mothers=("Гульмира", "Сауле", "Айнур", "Жанна", "Гульнар", "Ботагоз", "Мейрамгуль"),
    translit="ru",
)

RUSSIAN = NameGroup(
    key="russian",
    nationality="KZ",
    languages=("ru",),
    boys=(
        "Александр", "Дмитрий", "Максим", "Артём", "Иван", "Никита", "Михаил", "Кирилл",
        "Егор", "Тимофей",
    ),
    girls=(
        "Анастасия", "Мария", "Дарья", "Полина", "Софья", "Екатерина", "Виктория", "Алина",
        "Наталья", "Ксения",
    ),
    families=(
        ("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"),
        ("Попов", "Попова"), ("Васильев", "Васильева"), ("Соколов", "Соколова"),
        ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Белоусов", "Белоусова"),
    ),
    fathers=(
        ("Сергей", "Сергеевич", "Сергеевна"), ("Андрей", "Андреевич", "Андреевна"),
        ("Владимир", "Владимирович", "Владимировна"), ("Алексей", "Алексеевич", "Алексеевна"),
        ("Олег", "Олегович", "Олеговна"), ("Игорь", "Игоревич", "Игоревна"),
    ),
    mothers=("Елена", "Ольга", "Татьяна", "Ирина", "Светлана", "Людмила"),
    translit="ru",
)

UZBEK_LATIN = NameGroup(
    key="uzbek_latin",
    nationality="UZ",
    languages=("uz", "ru"),
    boys=(
        "Gʻulom", "Jasur", "Otabek", "Sardor", "Bekzod", "Shoxrux", "Doniyor", "Abdulloh",
        "Sherzod", "Oʻtkir", "Javohir", "Muhammadali", "Islom",
    ),
    girls=(
        "Oʻgʻiljon", "Shahnoza", "Dilnoza", "Gulnora", "Madina", "Nodira", "Zarina", "Sevara",
        "Mohira", "Mushtariy", "Gulchehra", "Muazzam",
    ),
    families=(
        ("Karimov", "Karimova"), ("Rahimov", "Rahimova"), ("Yusupov", "Yusupova"),
        ("Toshmatov", "Toshmatova"), ("Xolmatov", "Xolmatova"), ("Ergashev", "Ergasheva"),
        ("Qodirov", "Qodirova"), ("Gʻofurov", "Gʻofurova"), ("Oʻrinboyev", "Oʻrinboyeva"),
        ("Saidov", "Saidova"), ("Normatov", "Normatova"),
    ),
    fathers=(
        ("Rustam", "Rustam oʻgʻli", "Rustam qizi"),
        ("Baxtiyor", "Baxtiyor oʻgʻli", "Baxtiyor qizi"),
        ("Akmal", "Akmal oʻgʻli", "Akmal qizi"),
        ("Ulugʻbek", "Ulugʻbek oʻgʻli", "Ulugʻbek qizi"),
        ("Ravshan", "Ravshan oʻgʻli", "Ravshan qizi"),
        ("Shuhrat", "Shuhrat oʻgʻli", "Shuhrat qizi"),
        ("Farhod", "Farhod oʻgʻli", "Farhod qizi"),
    ),
    mothers=("Dilfuza", "Gulbahor", "Nargiza", "Feruza", "Zulfiya", "Mahliyo", "Barno"),
)

UZBEK_CYRILLIC = NameGroup(
    key="uzbek_cyrillic",
    nationality="UZ",
    languages=("uz", "ru"),
    boys=("Ғулом", "Жасур", "Отабек", "Сардор", "Бекзод", "Ўткир", "Ҳусан", "Жавоҳир"),
    girls=("Ўғилжон", "Шаҳноза", "Дилноза", "Гулнора", "Нодира", "Муҳаббат", "Ҳилола"),
    families=(
        ("Каримов", "Каримова"), ("Раҳимов", "Раҳимова"), ("Юсупов", "Юсупова"),
        ("Тошматов", "Тошматова"), ("Қодиров", "Қодирова"), ("Ғофуров", "Ғофурова"),
        ("Ўринбоев", "Ўринбоева"),
    ),
    fathers=(
        ("Рустам", "Рустам ўғли", "Рустам қизи"), ("Акмал", "Акмал ўғли", "Акмал қизи"),
        ("Улуғбек", "Улуғбек ўғли", "Улуғбек қизи"), ("Ҳамид", "Ҳамид ўғли", "Ҳамид қизи"),
    ),
    mothers=("Дилфуза", "Гулбаҳор", "Наргиза", "Феруза", "Зулфия"),
    translit="ru",
)

TAJIK = NameGroup(
    key="tajik",
    nationality="TJ",
    languages=("tg", "ru"),
    boys=(
        "Ҷамшед", "Фаррух", "Сӯҳроб", "Рустам", "Далер", "Шаҳбоз", "Қодир", "Манучеҳр",
        "Ғайрат", "Исмоил", "Мухаммед", "Рӯзибой",
    ),
    girls=(
        "Нилуфар", "Зарина", "Ситора", "Меҳрангез", "Гулӣ", "Малика", "Фарзона", "Шаҳло",
        "Мижгона", "Таҳмина", "Ҷамила",
    ),
    families=(
        ("Раҳимов", "Раҳимова"), ("Назаров", "Назарова"), ("Сафаров", "Сафарова"),
        ("Қурбонов", "Қурбонова"), ("Ғафуров", "Ғафурова"), ("Ҷалилов", "Ҷалилова"),
        ("Раҳмонзода", "Раҳмонзода"), ("Икромзода", "Икромзода"), ("Шарифзода", "Шарифзода"),
    ),
    fathers=(
        ("Ҷамшед", "Ҷамшедович", "Ҷамшедовна"), ("Ҳасан", "Ҳасанович", "Ҳасановна"),
        ("Сафар", "Сафарович", "Сафаровна"), ("Қодир", "Қодирович", "Қодировна"),
        ("Маҳмуд", "Маҳмудович", "Маҳмудовна"), ("Нурулло", "Нуруллоевич", "Нуруллоевна"),
    ),
    mothers=("Гулчеҳра", "Мавлуда", "Зулайхо", "Ҳафиза", "Мунира", "Шоира"),
    translit="ru",
)

UKRAINIAN = NameGroup(
    key="ukrainian",
    nationality="UA",
    languages=("uk",),
    boys=(
        "Олександр", "Андрій", "Дмитро", "Максим", "Богдан", "Тарас", "Остап", "Іван", "Назар",
        "Юрій", "Матвій", "Ярослав",
    ),
    girls=(
        "Юлія", "Ґалина", "Оксана", "Софія", "Катерина", "Анастасія", "Дарина", "Олена",
        "Соломія", "Марія", "Злата", "Вікторія",
    ),
    families=(
        ("Коваленко", "Коваленко"), ("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"),
        ("Ткаченко", "Ткаченко"), ("Кравчук", "Кравчук"), ("Мельник", "Мельник"),
        ("Їжакевич", "Їжакевич"), ("Грищенко", "Грищенко"), ("Поліщук", "Поліщук"),
        ("Лисенко", "Лисенко"), ("Ковальський", "Ковальська"), ("Гнатюк", "Гнатюк"),
    ),
    fathers=(
        ("Олександр", "Олександрович", "Олександрівна"), ("Петро", "Петрович", "Петрівна"),
        ("Іван", "Іванович", "Іванівна"), ("Василь", "Васильович", "Василівна"),
        ("Микола", "Миколайович", "Миколаївна"), ("Юрій", "Юрійович", "Юріївна"),
        ("Сергій", "Сергійович", "Сергіївна"),
    ),
    mothers=("Наталія", "Тетяна", "Світлана", "Ірина", "Людмила", "Оксана", "Галина"),
    translit="uk",
)

# Roma families from Zakarpattia: Hungarian-style Latin spellings, Cyrillic in Ukrainian papers.
ROMA = NameGroup(
    key="roma",
    nationality="UA",
    languages=("uk", "hu"),
    boys=(
        "Ferenc|Ференц", "János|Янош", "László|Ласло", "Sándor|Шандор", "Zoltán|Золтан",
        "Rajko|Райко", "Ruslan|Руслан", "Attila|Аттіла",
    ),
    girls=(
        "Erzsébet|Єржебет", "Ilona|Ілона", "Rózsa|Рожа", "Esmeralda|Есмеральда",
        "Mariska|Маришка", "Gizella|Гізелла", "Zsuzsanna|Жужанна", "Diana|Діана",
    ),
    families=(
        ("Balogh|Балог", "Balogh|Балог"), ("Horváth|Горват", "Horváth|Горват"),
        ("Lakatos|Лакатош", "Lakatos|Лакатош"), ("Oláh|Олах", "Oláh|Олах"),
        ("Rostás|Росташ", "Rostás|Росташ"), ("Kolompár|Коломпар", "Kolompár|Коломпар"),
        ("Sztojka|Стойка", "Sztojka|Стойка"),
    ),
    fathers=(
        ("Béla|Бейла", "", ""), ("Gyula|Дюла", "", ""), ("Tibor|Тібор", "", ""),
        ("Mihály|Міхай", "", ""),
    ),
    mothers=("Margit|Маргіт", "Katalin|Каталін", "Jolán|Йолан", "Terézia|Терезія"),
)

# Afghan children: Dari (fa) and Pashto (ps) names in Arabic script; many without a family name.
AFGHAN = NameGroup(
    key="afghan",
    nationality="AF",
    languages=("fa", "ps"),
    boys=(
        "محمد|Mohammad", "احمد|Ahmad", "علی|Ali", "مصطفی|Mustafa", "عبدالله|Abdullah",
        "نجیب‌الله|Najibullah", "حمید|Hamid", "ذبیح‌الله|Zabihullah", "رحیم|Rahim",
        "یوسف|Yousuf", "سهراب|Sohrab", "جاوید|Jawed",
    ),
    girls=(
        "فاطمه|Fatima", "زهرا|Zahra", "مریم|Maryam", "شبنم|Shabnam", "ملالی|Malalai",
        "پروانه|Parwana", "نازنین|Nazanin", "ستاره|Setara", "فرشته|Fereshta", "لیلا|Laila",
    ),
    families=(
        ("احمدی|Ahmadi",) * 2, ("حیدری|Haidari",) * 2, ("رحیمی|Rahimi",) * 2,
        ("کریمی|Karimi",) * 2, ("صافی|Safi",) * 2, ("وردک|Wardak",) * 2,
        ("نوری|Noori",) * 2, ("هاشمی|Hashimi",) * 2, ("سلطانی|Sultani",) * 2,
    ),
    fathers=(
        ("عبدالرحمن|Abdul Rahman", "", ""), ("غلام حیدر|Ghulam Haidar", "", ""),
        ("نورالله|Noorullah", "", ""), ("سید احمد|Sayed Ahmad", "", ""),
        ("گل محمد|Gul Mohammad", "", ""),
    ),
    mothers=("گلالۍ|Gulalai", "نسرین|Nasrin", "شکیلا|Shakila", "حمیده|Hamida"),
    family_optional=True,
)

# Syrian and Iraqi children: given name, father's name, family name, in Arabic script.
ARAB = NameGroup(
    key="arab",
    nationality="SY",
    languages=("ar",),
    boys=(
        "أحمد|Ahmad", "محمد|Mohammed", "عمر|Omar", "يوسف|Yusuf", "خالد|Khaled", "حسن|Hassan",
        "علي|Ali", "إبراهيم|Ibrahim", "مصطفى|Mustafa", "كريم|Karim", "حمزة|Hamza",
    ),
    girls=(
        "عائشة|Aisha", "فاطمة|Fatima", "مريم|Maryam", "نور|Nour", "سارة|Sara", "ريم|Reem",
        "هبة|Hiba", "زينب|Zainab", "ليلى|Layla", "رهف|Rahaf", "جنى|Jana",
    ),
    families=(
        ("الحسن|Al-Hassan",) * 2, ("الأحمد|Al-Ahmad",) * 2, ("الخطيب|Al-Khatib",) * 2,
        ("العلي|Al-Ali",) * 2, ("حداد|Haddad",) * 2, ("الجبوري|Al-Jubouri",) * 2,
        ("الدليمي|Al-Dulaimi",) * 2, ("السعدي|Al-Saadi",) * 2, ("الحمصي|Al-Homsi",) * 2,
        ("القاسم|Al-Qassem",) * 2,
    ),
    fathers=(
        ("محمود|Mahmoud", "", ""), ("عبد الكريم|Abdul Karim", "", ""), ("سامر|Samer", "", ""),
        ("فراس|Firas", "", ""), ("جاسم|Jassim", "", ""), ("وليد|Walid", "", ""),
    ),
    mothers=("أمل|Amal", "رنا|Rana", "هدى|Huda", "سعاد|Suad", "منى|Mona"),
)

GEORGIAN = NameGroup(
    key="georgian",
    nationality="GE",
    languages=("ka", "ru"),
    boys=(
        "გიორგი|Giorgi", "ლუკა|Luka", "დავით|Davit", "ნიკოლოზ|Nikoloz", "ლევან|Levan",
        "საბა|Saba", "ირაკლი|Irakli",
    ),
    girls=(
        "ნინო|Nino", "მარიამ|Mariam", "ანა|Ana", "ელენე|Elene", "თამარ|Tamar", "ნათია|Natia",
        "ქეთევან|Ketevan",
    ),
    families=(
        ("ბერიძე|Beridze",) * 2, ("კაპანაძე|Kapanadze",) * 2, ("გელაშვილი|Gelashvili",) * 2,
        ("მაისურაძე|Maisuradze",) * 2, ("ლომიძე|Lomidze",) * 2, ("ხუციშვილი|Khutsishvili",) * 2,
    ),
    fathers=(("ზურაბ|Zurab", "", ""), ("გოჩა|Gocha", "", ""), ("ვახტანგ|Vakhtang", "", "")),
    mothers=("მანანა|Manana", "ეკა|Eka", "ლალი|Lali"),
)

ARMENIAN = NameGroup(
    key="armenian",
    nationality="AM",
    languages=("hy", "ru"),
    boys=(
        "Արամ|Aram", "Դավիթ|Davit", "Տիգրան|Tigran", "Նարեկ|Narek", "Հայկ|Hayk", "Արման|Arman",
    ),
    girls=(
        "Անի|Ani", "Մարիամ|Mariam", "Նարե|Nare", "Լիլիթ|Lilit", "Սոնա|Sona", "Անահիտ|Anahit",
    ),
    families=(
        ("Պետրոսյան|Petrosyan",) * 2, ("Հովհաննիսյան|Hovhannisyan",) * 2,
        ("Սարգսյան|Sargsyan",) * 2, ("Գրիգորյան|Grigoryan",) * 2,
        ("Խաչատրյան|Khachatryan",) * 2, ("Մկրտչյան|Mkrtchyan",) * 2,
    ),
    fathers=(("Արթուր|Artur", "", ""), ("Գագիկ|Gagik", "", ""), ("Սամվել|Samvel", "", "")),
    mothers=("Գայանե|Gayane", "Արմինե|Armine", "Լուսինե|Lusine"),
)

POLISH = NameGroup(
    key="polish",
    nationality="PL",
    languages=("pl",),
    boys=(
        "Wojciech", "Jakub", "Szymon", "Kacper", "Mateusz", "Michał", "Bartłomiej", "Paweł",
        "Stanisław",
    ),
    girls=(
        "Łucja", "Zofia", "Zuzanna", "Julia", "Maja", "Małgorzata", "Agnieszka", "Wiktoria",
        "Hanna",
    ),
    families=(
        ("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"),
        ("Wójcik", "Wójcik"), ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"),
        ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Dąbrowski", "Dąbrowska"),
        ("Woźniak", "Woźniak"),
    ),
    fathers=(("Krzysztof", "", ""), ("Tomasz", "", ""), ("Marcin", "", ""), ("Grzegorz", "", "")),
    mothers=("Agata", "Beata", "Katarzyna", "Joanna", "Ewa"),
)

# Children born in Italy to migrant parents: Italian given names, the parents' family names.
ITALIAN = NameGroup(
    key="italian",
    nationality="IT",
    languages=("it",),
    boys=(
        "Francesco", "Alessandro", "Lorenzo", "Matteo", "Leonardo", "Gabriele", "Tommaso",
        "Riccardo", "Nicolò",
    ),
    girls=(
        "Sofia", "Giulia", "Aurora", "Ginevra", "Beatrice", "Chiara", "Francesca", "Martina",
        "Noemi",
    ),
    families=(
        ("Hoxha", "Hoxha"), ("Shehu", "Shehu"), ("El Idrissi", "El Idrissi"),
        ("Benali", "Benali"), ("Mansour", "Mansour"), ("Popescu", "Popescu"),
        ("Ionescu", "Ionescu"), ("Rossi", "Rossi"), ("Esposito", "Esposito"),
        ("Romano", "Romano"),
    ),
    fathers=(("Arben", "", ""), ("Youssef", "", ""), ("Mihai", "", ""), ("Giuseppe", "", "")),
    mothers=("Elira", "Fatima", "Ioana", "Rosa", "Samira"),
)

# fmt: on

GROUPS = {
    g.key: g
    for g in (
        KAZAKH,
        RUSSIAN,
        UZBEK_LATIN,
        UZBEK_CYRILLIC,
        TAJIK,
        UKRAINIAN,
        ROMA,
        AFGHAN,
        ARAB,
        GEORGIAN,
        ARMENIAN,
        POLISH,
        ITALIAN,
    )
}

# Other names and spellings a child is known by, beyond the passport spelling.
# fmt: off
EXTRA_NAMES: dict[str, list[tuple[str, str]]] = {
    "Мухаммед": [("Muhammad", "spelling"), ("Magomed", "alias"), ("Мухаммад", "spelling")],
    "Олександр": [("Sasha", "nickname"), ("Александр", "spelling")],
    "Дмитро": [("Dima", "nickname"), ("Дмитрий", "spelling")],
    "Юлія": [("Юля", "nickname"), ("Yulia", "spelling")],
    "Ґалина": [("Галина", "spelling"), ("Halyna", "spelling")],
    "Gʻulom": [("Ғулом", "spelling"), ("Gulyam", "spelling"), ("Гулям", "spelling")],
    "Oʻgʻiljon": [("Ўғилжон", "spelling"), ("Ogiljon", "spelling")],
    "Айгерим": [("Айгерім", "spelling"), ("Aigerim", "spelling")],
    "Нурлан": [("Nurlan", "spelling"), ("Нуржик", "nickname")],
    "Ҷамшед": [("Джамшед", "spelling"), ("Jamshed", "spelling"), ("Джамик", "nickname")],
    "محمد": [("Muhammad", "spelling"), ("Mohammed", "spelling"), ("Мухаммад", "spelling")],
    "أحمد": [("Ahmed", "spelling"), ("Ahmet", "spelling")],
    "عائشة": [("Aysha", "spelling"), ("Aicha", "spelling")],
    "فاطمه": [("Fatema", "spelling")],
    "ნინო": [("Нино", "spelling"), ("Ninuca", "nickname")],
    "Արամ": [("Арам", "spelling")],
    "Łucja": [("Lucja", "spelling"), ("Lucy", "nickname")],
    "Wojciech": [("Wojtek", "nickname")],
}

_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "yo",
    "є": "ye", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "gh", "қ": "q",
    "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "ӣ": "i", "ӯ": "u", "ҳ": "h",
    "ҷ": "j", "ў": "oʻ",
}
# Ukraine's official romanisation (2010): different letters, and word-initial forms.
_UK = {**_RU, "г": "h", "и": "y", "є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

# fmt: on


def romanise(text: str, style: str = "ru") -> str:
    """A passport-style Latin spelling of a Cyrillic name (Russian or Ukrainian rules)."""
    table = _UK if style == "uk" else _RU
    out: list[str] = []
    word_start = True
    for ch in text:
        low = ch.lower()
        if style == "uk" and word_start and low in _UK_INITIAL:
            rep = _UK_INITIAL[low]
        else:
            rep = table.get(low, ch)
        if ch != low and rep:
            rep = rep[0].upper() + rep[1:]
        out.append(rep)
        word_start = not ch.isalpha()
    return "".join(out)
